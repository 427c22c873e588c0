/**
 * A ZooKeeper client for Node.js on RxJS. `createClient(options)` makes a client; `start()` connects it. Every
 * operation (`create`, `get`, `set`, `delete`, `getChildren`, transactions, …) is a cold Observable that sends its
 * request when subscribed, emits one value and completes, or errors with a typed error (one class per server code,
 * and client-side classes such as `InvalidPathError`); `watchData$`, `watchChildren$`, `exists$` and `watch$` follow
 * nodes and re-arm ZooKeeper's watches themselves; `state$` and the connection operators tell when ZooKeeper can be
 * trusted. Sessions survive dropped connections; an expired one is replaced.
 *
 * Install: `npm install rxzk rxjs` (rxjs ^7.8 is a peer). Node 18 or later.
 *
 * @example
 * import { firstValueFrom } from 'rxjs';
 * import { createClient, NodeExistsError } from 'rxzk';
 *
 * const zk = createClient({ hosts: 'zk1:2181,zk2:2181,zk3:2181/myapp', sessionTimeout: 10_000 });
 * await zk.start();
 * await firstValueFrom(zk.create('/config', '{"debug":false}', { makePath: true }));
 * zk.watchData$('/config').subscribe((node) => console.log(node?.data.toString()));
 * await zk.close();
 *
 * @packageDocumentation
 * @module rxzk
 */
export { ZooKeeperClient, createClient } from './client/zookeeper-client';
export type { WatchOptions } from './client/node-ops';
export type { AwaitableObservable } from './client/awaitable';
export type { MultiReadRequest, MultiReadResult } from './client/multi-read';
export type { ClientOptions, SaslOptions, DigestMd5SaslOptions, GssapiSaslOptions, TlsOptions } from './client/options';
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
export { checkKnownKeys, nearestKey } from './common/known-keys';
export { SEQUENCE_DIGITS, sequenceNumber, compareSequence, sortBySequence } from './common/sequence';
export type { WatchedEvent, Watcher } from './session/watched-event';
export type { Logger } from './session/logger';
export type { RetryPolicy } from './session/retry-policy';
export type { OperationRecord, OperationStart, OperationListener } from './session/operation-record';
export type { ConnectionEvent, DisconnectReason } from './session/connection-event';
export type { WatchCounts } from './session/watch-registry';
export type { RecipeEvent, RecipeCountEvent, RecipeActivity, RecipeActivityInfo, RecipeActivityKind, RecipeOutcome } from './client/recipe-events';
export * from './errors';
