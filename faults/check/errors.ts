/**
 * The error contract: a recipe call may fail only with what its documentation lists (API.md, or the
 * method's JSDoc where API.md is silent). SessionExpiredError and ConnectionLossError where nothing lists
 * them are `session-error`s (issue 17: a wait must go on across a dropped connection and an expiry);
 * any other unlisted error is an `undocumented-error`.
 */
import type { HistoryEvent, OpName } from '../history';
import { fmtAt } from './holders';
import type { Violation } from './types';

/** Per call, the errors its documentation lists. */
export const DOCUMENTED_ERRORS: Record<OpName | 'latch.holding$', readonly string[]> = {
  // API.md, Holding: "LockTimeoutError (a wait ran out …)". No other error for a wait.
  'lock.acquire': ['LockTimeoutError'],
  'semaphore.acquire': ['LockTimeoutError'],
  // API.md: release() is "idempotent; … retried across reconnects until it is gone".
  'lock.release': [],
  'semaphore.release': [],
  // Counter.add's JSDoc: a write whose reply is lost while others changed the counter "rejects with that
  // ConnectionLossError, since whether this delta counted cannot be told". Issue 17's fix (branch `safety`)
  // reports it as OutcomeUnknownError: "the delta is counted once or not at all".
  'counter.add': ['ConnectionLossError', 'OutcomeUnknownError'],
  // Queue.put / LockingQueue.put (queues/producer.ts): "A put whose reply is lost with the connection rejects with
  // ConnectionLossError"; after issue 17's fix, OutcomeUnknownError when its receipt went with its session.
  'queue.put': ['ConnectionLossError', 'OutcomeUnknownError'],
  'locking-queue.put': ['ConnectionLossError', 'OutcomeUnknownError'],
  // API.md: take "waits for one; LockTimeoutError at the timeout".
  'queue.take': ['LockTimeoutError'],
  'locking-queue.take': ['LockTimeoutError'],
  // API.md: "ack()/release() of an entry whose lock is gone reject with LockLostError"; QueueEntry.ack's JSDoc (issue
  // 17's fix, branch `kernel`): OutcomeUnknownError when its reply was lost and its session ended first.
  'locking-queue.ack': ['LockLostError', 'OutcomeUnknownError'],
  'locking-queue.release': ['LockLostError'],
  // API.md: leadership$ "rejoins by itself after an expiry; it completes when the client closes".
  'latch.holding$': [],
};

const SESSION_ERRORS = new Set(['SessionExpiredError', 'ConnectionLossError']);

function judge(call: OpName | 'latch.holding$', name: string, message: string, w: string, t: number): Violation | undefined {
  if (DOCUMENTED_ERRORS[call].includes(name)) return undefined;
  return {
    kind: SESSION_ERRORS.has(name) ? 'session-error' : 'undocumented-error',
    workload: call.startsWith('latch') ? 'latch' : (call.slice(0, call.lastIndexOf('.')) as Violation['workload']),
    t,
    workers: [w],
    explanation: `${call} of ${w} failed with ${name} at ${fmtAt(t)}: ${message}`,
  };
}

export function checkErrors(events: readonly HistoryEvent[]): Violation[] {
  const violations: Violation[] = [];
  for (const e of events) {
    let v: Violation | undefined;
    if (e.kind === 'op' && e.error !== undefined) v = judge(e.op, e.error.name, e.error.message, e.w, e.t);
    else if (e.kind === 'latch' && e.what === 'error' && e.error !== undefined) v = judge('latch.holding$', e.error.name, e.error.message, e.w, e.t);
    if (v) violations.push(v);
  }
  return violations;
}
