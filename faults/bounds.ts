/**
 * The bounds the workloads give their waits, and what the checker allows beyond them: one place, so that
 * the worker's `acquire({ timeout })` and the checker's hang bound cannot drift apart.
 */
import type { OpName } from './history';

/** Each bounded wait's `timeout`, ms (the issue's `Lock.acquire({ timeout: 10000 })`; a take gives up after 2 s). */
export const WAIT_TIMEOUTS: Partial<Record<OpName, number>> = {
  'lock.acquire': 10_000,
  'semaphore.acquire': 10_000,
  'queue.take': 2_000,
  'locking-queue.take': 2_000,
};

/**
 * How long after its timeout a wait may still end, ms: giving up hands back what it was taking (a round
 * trip or two) on a machine whose two cores also run three servers and five clients.
 */
export const WAIT_GRACE = 5_000;
