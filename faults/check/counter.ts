/**
 * Counter: every confirmed add applied exactly once. With +1 adds from 0, the final value V must lie in
 * [confirmed, confirmed + unknown] (unknown: adds that erred or never ended, which may have counted), no
 * `after` may be confirmed to two adds, and an add invoked after another was confirmed must be confirmed
 * with a greater `after` (real-time order, as a linearizable counter gives).
 */
import type { FinalEvent, HistoryEvent, OpEvent } from '../history';
import { fmtAt } from './holders';
import type { Violation } from './types';

export function checkCounter(events: readonly HistoryEvent[]): Violation[] {
  const adds = events.filter((e): e is OpEvent => e.kind === 'op' && e.op === 'counter.add');
  const final = events.find((e): e is FinalEvent => e.kind === 'final' && e.counter !== undefined);
  const confirmed = adds.filter((e) => e.phase === 'ok');
  const unknown = adds.filter((e) => e.phase === 'unknown' || e.phase === 'unfinished').length;
  const violations: Violation[] = [];
  const at = final?.t ?? 0;

  if (final?.counter !== undefined) {
    const value = Number(final.counter);
    if (value < confirmed.length) {
      violations.push({
        kind: 'counter-lost',
        workload: 'counter',
        t: at,
        workers: [],
        explanation: `${confirmed.length} adds confirmed, final value ${value}: ${confirmed.length - value} confirmed add(s) missing (${unknown} unknown)`,
      });
    }
    if (value > confirmed.length + unknown) {
      violations.push({
        kind: 'counter-extra',
        workload: 'counter',
        t: at,
        workers: [],
        explanation: `final value ${value} above the ${confirmed.length} confirmed and ${unknown} unknown adds: applied more often than attempted`,
      });
    }
  }

  const byAfter = new Map<string, OpEvent[]>();
  for (const e of confirmed) byAfter.set(e.after ?? '?', [...(byAfter.get(e.after ?? '?') ?? []), e]);
  for (const [after, same] of byAfter) {
    if (same.length < 2) continue;
    violations.push({
      kind: 'counter-duplicate',
      workload: 'counter',
      t: same[1].t,
      workers: same.map((e) => e.w),
      explanation: `after=${after} confirmed to ${same.length} adds: ${same.map((e) => `${e.w} add-ok before=${e.before} after=${e.after} at ${fmtAt(e.t)}`).join('; ')}`,
    });
  }

  // Real-time order: sweep completions and invocations in time order.
  const invokedAfter = new Map<string, { max: bigint; by: OpEvent | undefined }>();
  let max = -1n;
  let maxBy: OpEvent | undefined;
  for (const e of adds) {
    const key = `${e.w}#${e.id}`;
    if (e.phase === 'invoke') invokedAfter.set(key, { max, by: maxBy });
    if (e.phase !== 'ok' || e.after === undefined) continue;
    const bound = invokedAfter.get(key);
    const after = BigInt(e.after);
    if (bound !== undefined && after <= bound.max && bound.by !== undefined) {
      violations.push({
        kind: 'counter-not-linearizable',
        workload: 'counter',
        t: e.t,
        workers: [bound.by.w, e.w],
        explanation: `${e.w} confirmed after=${after} at ${fmtAt(e.t)}, but ${bound.by.w} had been confirmed after=${bound.max} (at ${fmtAt(bound.by.t)}) before ${e.w}'s add began`,
      });
    }
    if (after > max) {
      max = after;
      maxBy = e;
    }
  }
  return violations;
}
