/**
 * Liveness. No hang: every operation ends within its bound — a wait's own timeout and WAIT_GRACE, any
 * other operation the hang bound — not counting the time its own client was under a fault (cut,
 * partition, pause) or a server was down (a restart and an election). An operation still pending when
 * its worker finished is a hang. Bounded recovery: once the faults have
 * stopped, every worker confirms each of its workload's progress operations within the recovery bound.
 */
import { WAIT_GRACE, WAIT_TIMEOUTS } from '../bounds';
import { PROGRESS_OPS, type FinalEvent, type HistoryEvent, type OpEvent } from '../history';
import { fmtAt } from './holders';
import { coveredWithin, isServer, phaseTime, type FaultWindow } from './timeline';
import type { CheckContext, Recovery, Violation } from './types';

const workloadOf = (op: string): Violation['workload'] => op.slice(0, op.lastIndexOf('.')) as Violation['workload'];

export function checkHangs(events: readonly HistoryEvent[], windows: readonly FaultWindow[], ctx: CheckContext): Violation[] {
  const violations: Violation[] = [];
  const invoked = new Map<string, OpEvent>();
  const stopped = phaseTime(events, 'faults-stopped');
  for (const e of events) {
    if (e.kind !== 'op') continue;
    const key = `${e.w}#${e.id}`;
    if (e.phase === 'invoke') {
      invoked.set(key, e);
      continue;
    }
    const start = invoked.get(key);
    invoked.delete(key);
    if (start === undefined) continue;
    if (e.phase === 'unfinished') {
      violations.push({
        kind: 'hang',
        workload: workloadOf(e.op),
        t: start.t,
        workers: [e.w],
        explanation: `${e.op} of ${e.w}, invoked at ${fmtAt(start.t)}, was still pending when the worker finished${stopped !== undefined ? ` (${((e.t - stopped) / 1e6).toFixed(1)} s after the faults stopped)` : ''}`,
      });
      continue;
    }
    const excused = coveredWithin(
      windows.filter((w) => w.target === e.w || isServer(w.target)),
      start.t,
      e.t,
    );
    const effective = e.t - start.t - excused;
    const timeout = WAIT_TIMEOUTS[e.op];
    const bound = timeout === undefined ? ctx.hangBoundMs : timeout + WAIT_GRACE;
    if (effective > bound * 1000) {
      violations.push({
        kind: 'hang',
        workload: workloadOf(e.op),
        t: start.t,
        workers: [e.w],
        explanation: `${e.op} of ${e.w} took ${((e.t - start.t) / 1e6).toFixed(1)} s (${(effective / 1e6).toFixed(1)} s without a fault on it), above its ${bound / 1000} s bound${timeout === undefined ? '' : ` (timeout ${timeout / 1000} s)`}`,
      });
    }
  }
  return violations;
}

export function checkRecovery(events: readonly HistoryEvent[], ctx: CheckContext): { recovery: Recovery[]; violations: Violation[] } {
  const stopped = phaseTime(events, 'faults-stopped');
  const recovery: Recovery[] = [];
  const violations: Violation[] = [];
  if (stopped === undefined) return { recovery, violations };
  const bound = ctx.recoveryBoundMs;
  for (const workload of ctx.workloads) {
    const perWorker: Record<string, number | null> = {};
    if (workload === 'latch') {
      const final = events.find((e): e is FinalEvent => e.kind === 'final' && e.latch !== undefined);
      const ms = final?.latch?.converged ? (final.t - stopped) / 1000 : null;
      for (const w of ctx.workers) perWorker[w] = ms;
      recovery.push({ workload, ms, perWorker });
      continue;
    }
    for (const w of ctx.workers) {
      let worst: number | null = 0;
      const missing: string[] = [];
      for (const op of PROGRESS_OPS[workload]) {
        const first = events.find((e) => e.kind === 'op' && e.w === w && e.op === op && e.phase === 'ok' && e.t > stopped);
        if (first === undefined) missing.push(op);
        worst = first === undefined || worst === null ? null : Math.max(worst, (first.t - stopped) / 1000);
      }
      perWorker[w] = worst;
      if (worst === null || worst > bound) {
        violations.push({
          kind: 'slow-recovery',
          workload,
          t: stopped,
          workers: [w],
          explanation:
            worst === null
              ? `${w} confirmed no ${missing.join(' and no ')} after the faults stopped`
              : `${w} took ${(worst / 1000).toFixed(1)} s after the faults stopped to confirm ${PROGRESS_OPS[workload].join(' and ')}, above the ${bound / 1000} s bound`,
        });
      }
    }
    const values = Object.values(perWorker);
    recovery.push({ workload, ms: values.some((v) => v === null) ? null : Math.max(...(values as number[])), perWorker });
  }
  return { recovery, violations };
}
