// Barriers: kazoo's Barrier / Curator's DistributedBarrier, and Curator's DistributedDoubleBarrier.
export { Barrier } from './barrier';
export { DoubleBarrier } from './double-barrier';
export type { DoubleBarrierOptions } from './double-barrier';
