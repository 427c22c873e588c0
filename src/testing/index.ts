// rxzk/testing: real ZooKeeper servers for tests.
export { startZooKeeper } from './start-zookeeper';
export type { StartZooKeeperOptions, StartedZooKeeper, ZooKeeperMember, ZooKeeperSource } from './types';
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
