/**
 * The checker: reads a run's merged history and returns every violation, the overlaps a pause
 * or a forced expiry explains, recovery times and the run's figures (operations by outcome, faults by kind).
 */
import type { FaultKind, HistoryEvent, OpName, OpPhase } from '../history';
import { checkCounter } from './counter';
import { checkErrors } from './errors';
import { checkExclusion, checkFencing, fmtAt, holdingIntervals, staleUses } from './holders';
import { checkLatch } from './latch';
import { checkHangs, checkRecovery } from './progress';
import { checkLockingQueue, checkQueue } from './queues';
import { faultWindows } from './timeline';
import type { CheckContext, CheckResult, ExplainedOverlap, Violation } from './types';

export type { CheckContext, CheckResult, Violation, ExplainedOverlap } from './types';
export { VIOLATION_KINDS } from './types';

/** Times relative to the history's first event, so that reports read in seconds from the run's start. */
function rebase(events: readonly HistoryEvent[]): HistoryEvent[] {
  const t0 = events.length > 0 ? events[0].t : 0;
  return events.map((e) => ({ ...e, t: e.t - t0 }));
}

export function check(history: readonly HistoryEvent[], ctx: CheckContext): CheckResult {
  const events = rebase(history);
  const windows = faultWindows(events);
  const pauses = windows.filter((w) => w.kind === 'pause');
  const expiries = windows.filter((w) => w.kind === 'expire');
  const S = ctx.sessionTimeoutMs * 1000;
  const violations: Violation[] = [];
  const explained: ExplainedOverlap[] = [];
  const holdings: CheckResult['holdings'] = {};
  const has = (w: string) => ctx.workloads.some((x) => x === w);

  for (const [workload, limit] of [
    ['lock', 1],
    ['semaphore', ctx.semaphoreLeases],
    ['latch', 1],
  ] as const) {
    if (!has(workload)) continue;
    const intervals = holdingIntervals(events, workload);
    holdings[workload] = intervals.length;
    const exclusion = checkExclusion(workload, intervals, limit, pauses, S, expiries);
    violations.push(...exclusion.violations);
    explained.push(...exclusion.explained);
    if (workload !== 'semaphore') violations.push(...checkFencing(workload, intervals));
  }
  if (has('counter')) violations.push(...checkCounter(events));
  const notes: string[] = [];
  if (has('queue')) {
    const queue = checkQueue(events, windows);
    violations.push(...queue.violations);
    if (queue.lost > 0) notes.push(`Queue: ${queue.lost} confirmed item(s) lost to takes a fault cut (at most once allows it)`);
  }
  if (has('locking-queue')) violations.push(...checkLockingQueue(events));
  if (has('latch')) violations.push(...checkLatch(events));
  violations.push(...checkErrors(events));
  violations.push(...checkHangs(events, windows, ctx));
  const recovery = checkRecovery(events, ctx);
  violations.push(...recovery.violations);
  for (const e of events) {
    if (e.kind === 'crash') {
      violations.push({ kind: 'crash', workload: 'run', t: e.t, workers: [e.w], explanation: `${e.w} died at ${fmtAt(e.t)} of ${e.error.name}: ${e.error.message}` });
    }
  }

  const ops: CheckResult['ops'] = {};
  for (const e of events) {
    if (e.kind !== 'op') continue;
    const row = (ops[e.op as OpName] ??= {});
    row[e.phase as OpPhase] = (row[e.phase as OpPhase] ?? 0) + 1;
  }
  const faults: CheckResult['faults'] = {};
  for (const w of windows) {
    const row = (faults[w.kind as FaultKind] ??= { count: 0, errors: 0, ms: [] });
    row.count++;
    if (Number.isFinite(w.end)) row.ms.push((w.end - w.start) / 1000);
  }
  for (const e of events) {
    if (e.kind === 'fault' && e.what === 'error') (faults[e.fault] ??= { count: 0, errors: 0, ms: [] }).errors++;
  }

  return {
    violations: violations.sort((a, b) => a.t - b.t),
    explained,
    recovery: recovery.recovery,
    holdings,
    staleUses: { lock: has('lock') ? staleUses(events, 'lock') : 0, latch: has('latch') ? staleUses(events, 'latch') : 0 },
    ops,
    faults,
    notes,
  };
}
