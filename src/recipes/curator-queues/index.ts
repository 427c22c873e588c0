// Curator's queues (org.apache.curator.framework.recipes.queue) on Curator's own znodes and item format.
export { DistributedQueue } from './distributed-queue';
export { DistributedPriorityQueue } from './priority-queue';
export { DistributedDelayQueue } from './delay-queue';
export { DistributedIdQueue } from './id-queue';
export { SimpleDistributedQueue } from './simple-queue';
export type { CuratorQueueOptions } from './queue-base';
