// Leadership (issue 11): Curator's LeaderLatch, kazoo's Election / Curator's LeaderSelector, and the operators on them.
export { LeaderLatch, LATCH_MARKERS } from './leader-latch';
export { LeaderElection, type RunOptions } from './leader-election';
export type { LeaderLatchOptions, LeaderElectionOptions } from './options';
export { whileLeader, type LeadershipSource } from './while-leader';
export { whileHeld, type HoldSource } from './while-held';
