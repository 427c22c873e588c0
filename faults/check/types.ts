/** What the checker finds. */
import type { FaultKind, OpName, OpPhase, WorkloadName } from '../history';

/** The properties a run is checked for; each violation names one. */
export const VIOLATION_KINDS = [
  'overlap',
  'fencing-backwards',
  'counter-lost',
  'counter-extra',
  'counter-duplicate',
  'counter-not-linearizable',
  'queue-duplicate',
  'queue-lost',
  'queue-phantom',
  'locking-queue-lost',
  'locking-queue-double-ack',
  'locking-queue-phantom',
  'latch-lost-participation',
  'latch-not-converged',
  'session-error',
  'undocumented-error',
  'hang',
  'slow-recovery',
  'crash',
] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

export interface Violation {
  kind: ViolationKind;
  workload: WorkloadName | 'run';
  /** When it happened (µs, shared clock). */
  t: number;
  workers: string[];
  explanation: string;
}

/**
 * Two holders at once, explained by what happened to the stale one: its process paused past the session timeout
 * (`pause`), or its session expired by the nemesis while it held (`expire`: a forced server-side expiry; the other
 * servers apply it before the stale holder's own server tells it, a window no client can close — in production an
 * expiry follows a silence of the session timeout, which the holding's own silence check turns LOST first).
 */
export interface ExplainedOverlap {
  workload: 'lock' | 'semaphore' | 'latch';
  cause: 'pause' | 'expire';
  stale: string;
  /** The first to begin holding while the stale holder still acted (others may have followed during the same fault). */
  other: string;
  t: number;
  /** The pause's length (0 for an expiry). */
  pauseMs: number;
  /** How long after its SIGCONT (or after the expiry was issued) the stale holder made its last use (before it noticed). */
  lastUseAfterResumeMs: number;
}

/** Time from the faults' end to the workload working again on every worker. */
export interface Recovery {
  workload: WorkloadName;
  /** ms; null when it did not recover. */
  ms: number | null;
  /** Per worker, ms (null: never). */
  perWorker: Record<string, number | null>;
}

export interface CheckContext {
  sessionTimeoutMs: number;
  hangBoundMs: number;
  recoveryBoundMs: number;
  semaphoreLeases: number;
  workloads: readonly WorkloadName[];
  workers: readonly string[];
}

export interface CheckResult {
  violations: Violation[];
  explained: ExplainedOverlap[];
  recovery: Recovery[];
  /** Holdings begun (a lock or lease acquired, a term of leadership). */
  holdings: Partial<Record<'lock' | 'semaphore' | 'latch', number>>;
  /** Uses of a holding whose token was below one already handed out: what a fenced resource would refuse. */
  staleUses: Record<'lock' | 'latch', number>;
  ops: Partial<Record<OpName, Partial<Record<OpPhase, number>>>>;
  faults: Partial<Record<FaultKind, { count: number; errors: number; ms: number[] }>>;
  /** What the guarantees allow but a reader should know (e.g. Queue items lost within at most once). */
  notes: string[];
}
