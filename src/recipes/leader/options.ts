import type { NamingStyle } from '../contender/node-naming';

/**
 * Options of a LeaderLatch.
 *
 * @example
 * new LeaderLatch(zk, '/election/scheduler', { identifier: 'scheduler-1' });
 */
export interface LeaderLatchOptions {
  /** This participant's identifier, stored as its node's data (default `<hostname>:<pid>`). */
  identifier?: string;
}

/**
 * Options of a LeaderElection.
 *
 * @example
 * new LeaderElection(zk, '/election/reports', { identifier: 'reporter-1', layout: 'kazoo' });
 */
export interface LeaderElectionOptions {
  /** This contender's identifier, stored as its node's data (default `<hostname>:<pid>`). */
  identifier?: string;
  /**
   * Whose node names to write. `'curator'` (default) writes Curator's
   * LeaderSelector nodes, `_c_<uuid>-lock-<seq>`: Curator LeaderSelectors and
   * InterProcessMutexes on the same path see them. `'kazoo'` writes kazoo's
   * Lock nodes, `<hex>__lock__<seq>`: use it on a path shared with kazoo
   * Elections, which cannot see `-lock-` nodes (kazoo's Election builds its
   * Lock without `extra_lock_patterns`, kazoo/recipe/election.py). Curator
   * cannot order kazoo's nodes (it sorts by what follows `lock-`), so one
   * path serves rxzk with Curator, or rxzk with kazoo. Either way rxzk
   * honours both kinds of contender.
   */
  layout?: NamingStyle;
}

/** The keys of {@link LeaderLatchOptions}. */
export const LEADER_LATCH_OPTIONS: Record<keyof LeaderLatchOptions, true> = { identifier: true };

/** The keys of {@link LeaderElectionOptions}. */
export const LEADER_ELECTION_OPTIONS: Record<keyof LeaderElectionOptions, true> = { identifier: true, layout: true };
