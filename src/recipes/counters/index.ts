// Counters: kazoo's Counter and Curator's SharedCount / DistributedAtomicLong, on their own node formats.
export { Counter } from './counter';
export type { CounterOptions, CounterChange } from './counter';
export { SharedCount } from './shared-count';
export type { VersionedCount } from './shared-count';
export { CounterDataError } from './counter-data-error';
export type { CounterFormat, CounterValue } from './format';
