/**
 * The files of a throwaway MIT Kerberos realm and of a Kerberized ZooKeeper
 * server. Pure functions: `kdc.ts` writes them into the realm's own
 * directory, so nothing of the machine's Kerberos (`/etc/krb5.conf`,
 * `/etc/krb5kdc`, `/tmp/krb5cc_<uid>`) is read or touched.
 */

/** Where one realm's files are and where its KDC listens. */
export interface RealmFiles {
  realm: string;
  /** 127.0.0.1 port of the KDC (TCP and UDP). */
  port: number;
  /** The realm's directory (database, stash, ACL, logs, default ticket cache). */
  dir: string;
}

/**
 * The client side `krb5.conf`, for `KRB5_CONFIG` and Java's `java.security.krb5.conf`.
 *
 * Why each line is there:
 * - `dns_lookup_kdc/realm = false`: the realm exists only here.
 * - `udp_preference_limit = 1`: TCP only (Java tries UDP first, and the tests watch one log).
 * - `clockskew = 5`: with the default 300 s an expired ticket stays usable 5 more minutes,
 *   which would hide a ticket that expired while connected.
 * - `default_ccache_name` in the realm's directory: a `kinit` that names no cache never
 *   writes the machine's `/tmp/krb5cc_<uid>`.
 * - `[domain_realm] localhost`: the servers are `zookeeper/localhost`. `rdns` and
 *   `dns_canonicalize_hostname` keep their defaults, so MIT turns `zookeeper@127.0.0.1`
 *   into `zookeeper/localhost` through /etc/hosts, as it would on a real network.
 *
 * @example
 * krb5Conf({ realm: 'RXZK.TEST', port: 41234, dir: '/tmp/rxzk-zk-x/kdc' });
 */
export function krb5Conf(f: RealmFiles): string {
  return [
    '[libdefaults]',
    `  default_realm = ${f.realm}`,
    '  dns_lookup_kdc = false',
    '  dns_lookup_realm = false',
    '  udp_preference_limit = 1',
    '  clockskew = 5',
    `  default_ccache_name = FILE:${f.dir}/krb5cc_default`,
    '',
    '[realms]',
    `  ${f.realm} = {`,
    `    kdc = 127.0.0.1:${f.port}`,
    '  }',
    '',
    '[domain_realm]',
    `  localhost = ${f.realm}`,
    '',
  ].join('\n');
}

/**
 * The KDC's `kdc.conf`, for `KRB5_KDC_PROFILE`.
 *
 * - `kdc_listen`/`kdc_tcp_listen` on 127.0.0.1 and the chosen port only.
 * - `default_principal_flags = +preauth`: a stale key fails at the KDC
 *   (PREAUTH_FAILED) instead of handing out an undecryptable reply.
 * - `max_renewable_life = 0`: tickets cannot be renewed, so a client whose
 *   ticket expired must take a new one from its keytab.
 * - aes256 and aes128 only: the enctypes both MIT and Java 17 use by default.
 *
 * @example
 * kdcConf({ realm: 'RXZK.TEST', port: 41234, dir: '/tmp/rxzk-zk-x/kdc' });
 */
export function kdcConf(f: RealmFiles): string {
  return [
    '[kdcdefaults]',
    `  kdc_listen = 127.0.0.1:${f.port}`,
    `  kdc_tcp_listen = 127.0.0.1:${f.port}`,
    '',
    '[realms]',
    `  ${f.realm} = {`,
    `    database_name = ${f.dir}/principal`,
    `    key_stash_file = ${f.dir}/stash`,
    `    acl_file = ${f.dir}/kadm5.acl`,
    '    max_life = 1d',
    '    max_renewable_life = 0',
    '    default_principal_flags = +preauth',
    '    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal',
    '  }',
    '',
    '[logging]',
    `  kdc = FILE:${f.dir}/kdc.log`,
    `  admin_server = FILE:${f.dir}/kadmin.log`,
    `  default = FILE:${f.dir}/krb5lib.log`,
    '',
  ].join('\n');
}

/**
 * The server's JAAS file for GSSAPI: a `Server` section (the name ZooKeeper
 * looks up, `zookeeper.sasl.serverconfig`) logging in from a keytab as
 * `principal`, which must have the form `service/host@REALM`: the server
 * takes the service name and host it accepts tickets for from it.
 * `isInitiator=false`: the server only accepts, it needs no ticket of its own.
 *
 * @example
 * kerberosJaasConfig('/tmp/kdc/zookeeper.keytab', 'zookeeper/localhost@RXZK.TEST');
 */
export function kerberosJaasConfig(keytab: string, principal: string): string {
  return [
    'Server {',
    '  com.sun.security.auth.module.Krb5LoginModule required',
    '  useKeyTab=true',
    `  keyTab=${JSON.stringify(keytab)}`,
    '  storeKey=true',
    '  useTicketCache=false',
    '  isInitiator=false',
    `  principal=${JSON.stringify(principal)};`,
    '};',
    '',
  ].join('\n');
}
