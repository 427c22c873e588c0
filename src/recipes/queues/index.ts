// Queues: kazoo's Queue (at most once) and LockingQueue (at least once) layouts.
export { Queue } from './queue';
export { LockingQueue } from './locking-queue';
export type { QueueEntry } from './queue-entry';
export type { QueueOptions, QueueParents } from './producer';
