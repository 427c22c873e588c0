// Counters and values: kazoo's Counter and Curator's SharedCount, SharedValue, DistributedAtomicLong / Integer / Value
// (with PromotedToLock), on their own node formats.
export { Counter } from './counter';
export type { CounterOptions, CounterChange, CounterTrySet } from './counter';
export { SharedValue } from './shared-value';
export type { VersionedValue } from './shared-value';
export { AtomicValue } from './atomic-value';
export type { AtomicValueOptions } from './atomic-value';
export type { AtomicValueResult, PromotedToLock } from './atomic-update';
export { SharedCount } from './shared-count';
export type { VersionedCount } from './shared-count';
export { CounterDataError } from './counter-data-error';
export type { CounterFormat, CounterValue } from './format';
