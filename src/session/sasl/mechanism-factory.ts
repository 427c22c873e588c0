import { parseConnectString } from '../../transport/connect-string';
import { DigestMd5Client } from './digest-md5';
import { GssapiClient } from './gssapi';
import type { KerberosBinding } from './kerberos-binding';
import type { SaslMechanism } from './sasl-exchange';
import { serviceHost, type HostLookups } from './service-host';

/** SASL DIGEST-MD5, checked by the client: the JAAS `Server` section's user and password. */
export interface DigestMd5Config {
  mechanism: 'DIGEST-MD5';
  username: string;
  password: string;
}

/** SASL GSSAPI (Kerberos), checked and defaulted by the client. */
export interface GssapiConfig {
  mechanism: 'GSSAPI';
  /** The service principal's first part (`zookeeper.sasl.client.username`). */
  serviceName: string;
  /** The service principal's host; default: the connected host. */
  serviceHost?: string;
  /** Canonicalise the connected host (`zookeeper.sasl.client.canonicalize.hostname`); ignored with `serviceHost`. */
  canonicalizeHostname: boolean;
  principal?: string;
  /** An absolute path. */
  keytab?: string;
}

/** The SASL configuration of a session. */
export type SaslConfig = DigestMd5Config | GssapiConfig;

/** What the mechanism needs to know of the connection: the server as named ('host:port') and the address reached. */
export interface SaslPeer {
  readonly server: string;
  readonly remoteAddress: string | undefined;
}

/** Test seams: the name service and the `kerberos` package. */
export interface SaslMechanismDependencies {
  lookups?: HostLookups;
  loadBinding?: () => KerberosBinding;
}

/**
 * A fresh mechanism for one exchange on one connection (a SaslClient per
 * connection, as ZooKeeperSaslClient makes one). GSSAPI's service principal
 * is `<serviceName>/<host>` for the server actually connected to, so it is
 * worked out per connection (SaslServerPrincipal); the `kerberos` package is
 * loaded only by a GSSAPI exchange.
 *
 * @example
 * const mechanism = createSaslMechanism({ mechanism: 'DIGEST-MD5', username: 'bob', password: 'secret' }, conn);
 * saslExchange(mechanism, send).subscribe();
 */
export function createSaslMechanism(config: SaslConfig, peer: SaslPeer, dependencies: SaslMechanismDependencies = {}): SaslMechanism {
  if (config.mechanism === 'DIGEST-MD5') return new DigestMd5Client({ username: config.username, password: config.password });
  const address = peer.remoteAddress;
  const target = async (): Promise<string> => {
    const host = config.serviceHost ?? (await serviceHost(parseConnectString(peer.server).endpoints[0].host, address, config.canonicalizeHostname, dependencies.lookups));
    // GSS_C_NT_HOSTBASED_SERVICE form: the library makes it `<serviceName>/<host>@<the host's realm>`.
    return `${config.serviceName}@${host}`;
  };
  return new GssapiClient({ target, principal: config.principal, keytab: config.keytab, loadBinding: dependencies.loadBinding });
}
