// rxzk: the public API (documented in the README). Everything else is internal.
export { ZooKeeperClient, createClient } from './client/zookeeper-client';
export type { WatchOptions } from './client/node-ops';
export type { AwaitableObservable } from './client/awaitable';
export type { MultiReadRequest, MultiReadResult } from './client/multi-read';
export type { ClientOptions, SaslOptions, TlsOptions } from './client/options';
export type { CreateOptions } from './client/create-mode';
export type { Data } from './common/arguments';
export { Transaction } from './client/transaction';
export { withRetry } from './client/with-retry';
export type { OpResult } from './client/transaction';
export {
  Perms,
  OPEN_ACL_UNSAFE,
  CREATOR_ALL_ACL,
  READ_ACL_UNSAFE,
  makeAcl,
  makeDigestAcl,
  digestCredential,
} from './client/acl';
export type { Acl, PermFlags } from './client/acl';
export type { Stat } from './jute/records/data';
export type { CreateMode, WatcherTypeName } from './jute/op-codes';
export { ConnectionState, isConnected } from './session/connection-state';
export type { Session } from './session/connection-state';
export { whileConnected, takeUntilSessionLost } from './client/connection-operators';
export type { ConnectionStateSource } from './client/connection-operators';
export { validatePath, isValidPath, joinPath, parentOf, basename } from './common/path';
export { SEQUENCE_DIGITS, sequenceNumber, compareSequence, sortBySequence } from './common/sequence';
export type { WatchedEvent, Watcher } from './session/watched-event';
export type { Logger } from './session/logger';
export type { RetryPolicy } from './session/retry-policy';
export * from './errors';
