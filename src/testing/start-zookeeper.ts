import { InvalidArgumentError } from '../index';
import { checkKnownKeys } from '../common/known-keys';
import { startDocker } from './docker';
import { startLocal } from './ensemble';
import { ZOOKEEPER_CONNECT, useExternal } from './external';
import { findLocalInstallation } from './local-installation';
import type { StartZooKeeperOptions, StartedZooKeeper } from './types';

/**
 * Starts ZooKeeper for tests, from the first source that works:
 *
 * 1. `ZOOKEEPER_CONNECT` (an existing ensemble, 'host:port,…'): used as is,
 *    without lifecycle control (member methods that would need it reject) and
 *    `stop()` does nothing. It cannot provide `tls`, `sasl`, `kerberos`, `readOnlyMode` or `reconfig`
 *    (their certificates, users and settings are made at start-up): such
 *    requests go on to the next source.
 * 2. A local installation, run as child JVMs: `ZOOKEEPER_HOME` (lib/*.jar) or
 *    Debian/Ubuntu's `zookeeper` package (/usr/share/java/zookeeper.jar), with
 *    `java` from JAVA_HOME or the PATH. `scripts/install-zookeeper.sh` installs the package.
 * 3. Docker, through testcontainers (loaded only then); not for `kerberos`,
 *    whose KDC runs on this machine beside a local installation, nor for
 *    `reconfig`, whose joiners are local processes.
 *
 * Every member serves loopback only; all files live in one `rxzk-zk-*`
 * temporary directory; `stop()` leaves no process and no file behind, and
 * the JVMs die with the Node process whatever happens.
 *
 * @example
 * import { startZooKeeper } from 'rxzk/testing';
 * const zkServer = await startZooKeeper({ servers: 3 });
 * try {
 *   const zk = createClient({ hosts: zkServer.connectString });
 *   await zk.start();
 *   await zkServer.memberOf(zk.server).kill();
 *   // … the client reconnects to another member
 * } finally {
 *   await zkServer.stop();
 * }
 */
export async function startZooKeeper(options: StartZooKeeperOptions = {}): Promise<StartedZooKeeper> {
  checkStartOptions(options, 'startZooKeeper');
  const reasons: string[] = [];

  const external = process.env[ZOOKEEPER_CONNECT];
  if (external !== undefined && external.trim() !== '') {
    const unsupported = (['tls', 'sasl', 'kerberos', 'readOnlyMode', 'port', 'reconfig'] as const).filter((k) => options[k] !== undefined && options[k] !== false);
    if (unsupported.length === 0) return useExternal(external.trim());
    reasons.push(`${ZOOKEEPER_CONNECT} is set, but an existing ensemble cannot provide ${unsupported.join(', ')}`);
  } else {
    reasons.push(`${ZOOKEEPER_CONNECT} is not set (to use an existing ensemble, set it to 'host:port,…')`);
  }

  const local = findLocalInstallation();
  if (local.found) return startLocal(local.installation, options);
  reasons.push(`no local ZooKeeper: ${local.reason} (install one with 'bash scripts/install-zookeeper.sh', i.e. apt-get install zookeeper, or set ZOOKEEPER_HOME to an unpacked Apache ZooKeeper release)`);
  if (options.kerberos) {
    // The KDC runs on this machine as a child process; containers would need it on their network.
    reasons.push('Docker is not used for kerberos: it needs a local ZooKeeper beside the local KDC');
    throw new Error(`rxzk/testing could not start a Kerberized ZooKeeper. It tries, in order:\n- ${reasons.join('\n- ')}`);
  }
  if (options.reconfig) {
    reasons.push('Docker is not used for reconfig: its joiners (addMember) are local processes');
    throw new Error(`rxzk/testing could not start a reconfigurable ZooKeeper. It tries, in order:\n- ${reasons.join('\n- ')}`);
  }

  try {
    return await startDocker(options);
  } catch (err) {
    reasons.push(`no Docker engine for testcontainers: ${err instanceof Error ? err.message : String(err)}`);
    throw new Error(`rxzk/testing could not start ZooKeeper. It tries, in order:\n- ${reasons.join('\n- ')}`, { cause: err });
  }
}

/** Every key of StartZooKeeperOptions: any other is a mistake, refused by name (issue 18.4). */
const START_OPTION_KEYS: Record<keyof StartZooKeeperOptions, true> = {
  servers: true,
  port: true,
  tls: true,
  sasl: true,
  kerberos: true,
  readOnlyMode: true,
  reconfig: true,
  connectionFactory: true,
  startTimeout: true,
  jvmFlags: true,
  dockerImage: true,
};

/**
 * Checks the options of `startZooKeeper` (and of the harness, `what`) before anything starts: no unknown key, a
 * positive integer of servers, client ports that exist. Returns the number of servers.
 *
 * @example
 * checkStartOptions({ servers: 3, port: 2181 }, 'zooKeeperHarness'); // 3
 */
export function checkStartOptions(options: StartZooKeeperOptions, what: string): number {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new InvalidArgumentError(`${what}: options must be an object`);
  checkKnownKeys(options, START_OPTION_KEYS, what);
  const servers = options.servers ?? 1;
  if (!Number.isInteger(servers) || servers < 1) throw new InvalidArgumentError(`${what}: servers must be a positive integer, not ${String(servers)}`);
  const { port } = options;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port + servers - 1 > 65535)) {
    throw new InvalidArgumentError(`${what}: port must be an integer from 1 to ${65536 - servers} (the first of ${servers} client ports), not ${String(port)}`);
  }
  return servers;
}
