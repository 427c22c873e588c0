// rxzk/recipes: coordination recipes on the public client API only, on the znode layouts of Curator and kazoo.
export type { Holding, HoldingState } from './holding';
export { LockTimeoutError, LockLostError, OutcomeUnknownError } from './errors';
export type { WaitOptions } from './support/wait-options';
export * from './locks';
export * from './leader';
export * from './barriers';
export * from './counters';
export * from './queues';
export * from './membership';
export * from './cache';
export * from './nodes';
export * from './discovery';
