// Mutual exclusion (issue 11): Curator's InterProcessMutex, InterProcessReadWriteLock and InterProcessSemaphoreV2
// layouts (honouring kazoo's contenders), and kazoo's NonBlockingLease.
export { Lock, type LockOptions } from './lock';
export { ReadWriteLock, ReadWriteLockHalf, type ReadWriteLockOptions } from './read-write-lock';
export { Semaphore, type SemaphoreOptions } from './semaphore';
export { NonBlockingLease, type LeaseOptions } from './lease';
export type { NamingStyle } from '../contender/node-naming';
export { MultiLock, type MultiHolding, type Lockable } from './multi-lock';
