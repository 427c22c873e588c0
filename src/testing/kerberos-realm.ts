import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { kerberosJaasConfig } from './kerberos-config';
import { LocalKdc } from './kdc';
import type { ZooKeeperKerberos } from './types';

/**
 * The service principal's name: what the Java client and rxzk ask a ticket
 * for by default when they connect to 127.0.0.1 (`zookeeper` by default, the
 * host canonicalised to `localhost` through /etc/hosts).
 */
export const SERVICE_PRINCIPAL_NAME = 'zookeeper/localhost';

/** A started realm and what the servers need of it. */
export interface KerberosForServers {
  kdc: LocalKdc;
  /** What `zkServer.kerberos` shows tests. */
  kerberos: ZooKeeperKerberos;
  /** The servers' JAAS file: a `Server` section logging in from the service keytab. */
  jaasFile: string;
}

/**
 * Starts a throwaway KDC in `root/kdc`, makes the servers' principal and
 * keytab and writes their JAAS file. The caller stops `kdc` after the servers.
 *
 * @example
 * const { kdc, kerberos, jaasFile } = await startKerberosForServers(root);
 */
export async function startKerberosForServers(root: string): Promise<KerberosForServers> {
  const kdc = await LocalKdc.start(path.join(root, 'kdc'));
  try {
    const service = await kdc.addPrincipal(SERVICE_PRINCIPAL_NAME);
    const jaasFile = path.join(root, 'jaas.conf');
    await fs.writeFile(jaasFile, kerberosJaasConfig(service.keytab, service.principal));
    const kerberos: ZooKeeperKerberos = Object.freeze({
      realm: kdc.realm,
      krb5Conf: kdc.krb5Conf,
      servicePrincipal: service.principal,
      addPrincipal: (name: string, options?: Parameters<LocalKdc['addPrincipal']>[1]) => kdc.addPrincipal(name, options),
      readLog: () => kdc.readLog(),
    });
    return { kdc, kerberos, jaasFile };
  } catch (err) {
    await kdc.stop();
    throw err;
  }
}
