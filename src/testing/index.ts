/**
 * Real ZooKeeper servers for tests: `startZooKeeper()` runs a standalone server or an ensemble (as local JVMs, an
 * existing ensemble named by `ZOOKEEPER_CONNECT`, or Docker), with TLS, SASL, read-only mode and a chosen client
 * `port` on request, and control over each member (stop, kill, pause) and over sessions (a real server-side
 * expiry). `zooKeeperHarness()` is kazoo's KazooTestHarness for jest or any runner with before/after hooks: one
 * server per test file, clients chrooted to fresh paths behind their own proxies, connection cuts that keep the
 * session, real expiries, and a teardown that leaves no process, port or file behind.
 *
 * Needs a ZooKeeper installation and Java (Debian's `zookeeper` package, or `ZOOKEEPER_HOME`), or `ZOOKEEPER_CONNECT`,
 * or Docker with the optional peer `testcontainers` 11.
 *
 * @example
 * import { zooKeeperHarness } from 'rxzk/testing';
 * import { Lock } from 'rxzk/recipes';
 *
 * const harness = zooKeeperHarness();
 * beforeAll(() => harness.setup());
 * afterAll(() => harness.teardown());
 *
 * it('keeps its lock across a short cut', async () => {
 *   const zk = await harness.client();
 *   const holding = await new Lock(zk, '/lock').acquire();
 *   await harness.loseConnection(zk, { for: 500 }); // resolves once reconnected and settled
 *   expect(holding.state).toBe('HELD');
 * });
 *
 * @packageDocumentation
 * @module rxzk/testing
 */
export { startZooKeeper } from './start-zookeeper';
export type {
  StartZooKeeperOptions,
  StartedZooKeeper,
  ZooKeeperMember,
  ZooKeeperSource,
  ZooKeeperKerberos,
  KerberosPrincipal,
  AddPrincipalOptions,
} from './types';
export type { ServerMode } from './four-letter-word';
export type { SessionHolder } from './expire-session';
export type { ClientTlsMaterial } from './tls-material';
export type { Credentials } from './super-user';
export { fourLetterWord, type FourLetterWordOptions } from './four-letter-word';
export { waitFor, type WaitForOptions } from './wait-for';
export { DEFAULT_SASL_USERS } from './sasl-config';
export { ZooKeeperStartError } from './start-errors';
export { zooKeeperHarness, type ZooKeeperHarness, type HarnessOptions } from './harness';
export { TcpProxy, type PartitionDirection } from './tcp-proxy';
