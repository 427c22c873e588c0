/**
 * Coordination recipes on the same znodes as Apache Curator 5 and kazoo 2.8, so that Java, Python and Node services
 * coordinate on one path. Every recipe is `new Recipe(zk, path, options?)` on a started client; nothing is sent until
 * a method is called or an observable subscribed. Every wait takes `{ timeout, signal }`.
 *
 * - **Locks and leadership**: `Lock`, `ReadWriteLock`, `Semaphore`, `MultiLock`, `NonBlockingLease`, `LeaderLatch`,
 *   `LeaderElection`, the operators `whileHeld` and `whileLeader`, and the `Holding` they give (state, fencing token,
 *   abort signal).
 * - **Coordination structures**: `Barrier`, `DoubleBarrier`, `Counter`, `SharedCount`, `SharedValue`, `AtomicValue`,
 *   `Queue`, `LockingQueue`, `Party`, `GroupMember`, `Partitioner`.
 * - **Curator's queues** (on Curator's own znodes and item format): `DistributedQueue`, `DistributedPriorityQueue`,
 *   `DistributedDelayQueue`, `DistributedIdQueue` (each with Curator's `lockPath` for at least once),
 *   `SimpleDistributedQueue`.
 * - **Caches and nodes**: `TreeCache`, `PersistentNode`, `PersistentTtlNode`.
 * - **Discovery**: `ServiceDiscovery` (curator-x-discovery's layout and JSON).
 * - **Errors**: `LockTimeoutError`, `LockLostError`, `CounterDataError`.
 *
 * A holder that dies without closing its client keeps its locks until the server expires its session, after the
 * negotiated session timeout: lower `sessionTimeout` to fail over faster.
 *
 * @example
 * import { Lock, LeaderLatch, whileLeader } from 'rxzk/recipes';
 *
 * await new Lock(zk, '/locks/orders').withLock(async (holding) => {
 *   await processOrders({ signal: holding.signal, fencingToken: holding.fencingToken });
 * }, { timeout: 30_000 });
 *
 * interval(60_000).pipe(whileLeader(new LeaderLatch(zk, '/election/scheduler')), concatMap(() => runSchedule())).subscribe();
 *
 * @packageDocumentation
 * @module rxzk/recipes
 */
export type { Holding, HoldingState } from './holding';
export { LockTimeoutError, LockLostError, OutcomeUnknownError } from './errors';
export type { WaitOptions } from './kernel/wait';
export * from './locks';
export * from './leader';
export * from './barriers';
export * from './counters';
export * from './queues';
export * from './curator-queues';
export * from './membership';
export * from './cache';
export * from './nodes';
export * from './discovery';
