/**
 * LeaderLatch participations: a participation must last until its worker leaves. A `holding$()` stream
 * that errors, or completes while the client is open, is a lost participation. Once the faults have
 * stopped, every live participant must be back in the election (its node there, once) with exactly one
 * leader, and that leader — and only it — must believe it leads.
 */
import type { FinalEvent, HistoryEvent, PhaseEvent } from '../history';
import { fmtAt } from './holders';
import type { Violation } from './types';

export function checkLatch(events: readonly HistoryEvent[]): Violation[] {
  const violations: Violation[] = [];
  const finishing = events.find((e): e is PhaseEvent => e.kind === 'phase' && e.phase === 'finish')?.t ?? Infinity;
  for (const e of events) {
    if (e.kind !== 'latch' || (e.what !== 'error' && e.what !== 'complete') || e.t >= finishing) continue;
    violations.push({
      kind: 'latch-lost-participation',
      workload: 'latch',
      t: e.t,
      workers: [e.w],
      explanation:
        e.what === 'error'
          ? `${e.w}'s holding$() errored with ${e.error?.name} at ${fmtAt(e.t)} (${e.error?.message}): it takes no further part`
          : `${e.w}'s holding$() completed at ${fmtAt(e.t)} while its client was open`,
    });
  }

  const final = events.find((e): e is FinalEvent => e.kind === 'final' && e.latch !== undefined)?.latch;
  if (final === undefined || final.converged) return violations;
  const problems: string[] = [];
  const ids = final.participants.map((p) => p.identifier);
  for (const [w, belief] of Object.entries(final.beliefs)) {
    if (!belief.joined) problems.push(`${w} is out of the election`);
    const n = ids.filter((id) => id === w).length;
    if (belief.joined && n === 0) problems.push(`${w} believes it takes part but has no node`);
    if (n > 1) problems.push(`${w} has ${n} nodes`);
  }
  const leaders = final.participants.filter((p) => p.isLeader).map((p) => p.identifier);
  const believers = Object.entries(final.beliefs)
    .filter(([, b]) => b.leader)
    .map(([w]) => w);
  if (leaders.length !== 1) problems.push(`${leaders.length} leaders in the election`);
  if (believers.join() !== leaders.join()) problems.push(`the election's leader is ${leaders.join() || 'nobody'}, believed by ${believers.join() || 'nobody'}`);
  violations.push({
    kind: 'latch-not-converged',
    workload: 'latch',
    t: events.find((e): e is FinalEvent => e.kind === 'final' && e.latch !== undefined)?.t ?? 0,
    workers: Object.keys(final.beliefs),
    explanation: `after the faults stopped the latch did not settle within its bound: ${problems.join('; ') || 'participants unreadable'}`,
  });
  return violations;
}
