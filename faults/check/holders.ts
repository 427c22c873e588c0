/**
 * Exclusion and fencing for what hands out holdings (Lock, Semaphore's leases, LeaderLatch's
 * leadership). A holder's interval runs from its `begin` to its last `use` (each use was made right
 * after the holding said HELD). More intervals of different workers at once than the recipe allows is
 * an overlap; it is explained when a stale holder's process was paused (SIGSTOP) past the session
 * timeout within its interval before the other began — the case fencing tokens exist for — or when the nemesis
 * expired its session while it held and its last use came within a session timeout of that (the servers apply a
 * forced expiry one by one: a client on a server that has applied it can take over before the stale holder's own
 * server closes its connection; fencing refuses the stale use). Tokens (czxid)
 * of a lock's or a latch's successive holders never go backwards.
 */
import type { HeldResource, HistoryEvent } from '../history';
import type { FaultWindow } from './timeline';
import type { ExplainedOverlap, Violation } from './types';

export interface Interval {
  w: string;
  token: bigint;
  node: string;
  begin: number;
  end: number;
}

/** Every holding interval of `resource`, in begin order. */
export function holdingIntervals(events: readonly HistoryEvent[], resource: HeldResource): Interval[] {
  const open = new Map<string, Interval>();
  const out: Interval[] = [];
  for (const e of events) {
    if (e.kind !== 'hold' || e.resource !== resource) continue;
    const key = `${e.w} ${e.node}`;
    if (e.what === 'begin') {
      const interval = { w: e.w, token: BigInt(e.token), node: e.node, begin: e.t, end: e.t };
      open.set(key, interval);
      out.push(interval);
    } else if (e.what === 'use') {
      const interval = open.get(key);
      if (interval) interval.end = e.t;
    } else if (e.what === 'end') {
      open.delete(key);
    }
  }
  return out.sort((a, b) => a.begin - b.begin);
}

/** The pauses (past the session timeout) of `w`'s process that began inside `interval` before `before`. */
function stalePause(interval: Interval, before: number, pauses: readonly FaultWindow[], sessionTimeoutUs: number): FaultWindow | undefined {
  return pauses.find(
    (p) => p.target === interval.w && p.end - p.start >= sessionTimeoutUs && p.start < before && p.end > interval.begin && p.start < interval.end,
  );
}

/** A forced expiry of `w`'s session issued while it held, before `before`, with its last use within a session timeout of it. */
function staleExpiry(interval: Interval, before: number, expiries: readonly FaultWindow[], sessionTimeoutUs: number): FaultWindow | undefined {
  return expiries.find(
    (x) => x.target === interval.w && x.start < before && x.start < interval.end && x.start + sessionTimeoutUs > interval.begin && interval.end <= x.start + sessionTimeoutUs,
  );
}

export function checkExclusion(
  workload: 'lock' | 'semaphore' | 'latch',
  intervals: readonly Interval[],
  limit: number,
  pauses: readonly FaultWindow[],
  sessionTimeoutUs: number,
  expiries: readonly FaultWindow[] = [],
): { violations: Violation[]; explained: ExplainedOverlap[] } {
  const violations: Violation[] = [];
  const explained: ExplainedOverlap[] = [];
  for (let j = 0; j < intervals.length; j++) {
    const J = intervals[j];
    const others = intervals.slice(0, j).filter((I) => I.w !== J.w && I.end > J.begin);
    if (others.length + 1 <= limit) continue;
    const stale = others.map((I) => {
      const pause = stalePause(I, J.begin, pauses, sessionTimeoutUs);
      const expiry = pause === undefined ? staleExpiry(I, J.begin, expiries, sessionTimeoutUs) : undefined;
      return { I, pause, expiry };
    });
    const unexplained = stale.filter((s) => s.pause === undefined && s.expiry === undefined);
    if (unexplained.length + 1 <= limit) {
      for (const { I, pause, expiry } of stale) {
        const fault = pause ?? expiry;
        // One stale holder's fault is one explained overlap, however many others began holding during it.
        if (fault === undefined || explained.some((e) => e.stale === I.w && e.t >= I.begin && e.t <= I.end && e.workload === workload)) continue;
        explained.push({
          workload,
          cause: pause !== undefined ? 'pause' : 'expire',
          stale: I.w,
          other: J.w,
          t: J.begin,
          pauseMs: pause !== undefined ? (pause.end - pause.start) / 1000 : 0,
          lastUseAfterResumeMs: (I.end - (pause !== undefined ? pause.end : fault.start)) / 1000,
        });
      }
      continue;
    }
    const held = unexplained.map(({ I }) => `${I.w} (token ${I.token}, from ${fmtAt(I.begin)} to its last use at ${fmtAt(I.end)})`).join(', ');
    violations.push({
      kind: 'overlap',
      workload,
      t: J.begin,
      workers: [...unexplained.map(({ I }) => I.w), J.w],
      explanation: `${J.w} began holding (token ${J.token}) at ${fmtAt(J.begin)} while ${held} still acted as holder${limit > 1 ? ` (limit ${limit})` : ''}; no pause past the session timeout or forced expiry of the stale holder explains it`,
    });
  }
  return { violations, explained };
}

/** A lock's or latch's holders in begin order: each token at least the greatest before it (equal only for the same node again). */
export function checkFencing(workload: 'lock' | 'latch', intervals: readonly Interval[]): Violation[] {
  const violations: Violation[] = [];
  let max: Interval | undefined;
  for (const I of intervals) {
    if (max !== undefined && (I.token < max.token || (I.token === max.token && I.node !== max.node))) {
      violations.push({
        kind: 'fencing-backwards',
        workload,
        t: I.begin,
        workers: [max.w, I.w],
        explanation: `${I.w} began holding with token ${I.token} at ${fmtAt(I.begin)}, after ${max.w} had token ${max.token} (from ${fmtAt(max.begin)})`,
      });
    }
    if (max === undefined || I.token > max.token) max = I;
  }
  return violations;
}

/** Uses whose token was below the greatest handed out before them: what a fenced resource would refuse. */
export function staleUses(events: readonly HistoryEvent[], resource: 'lock' | 'latch'): number {
  let max = -1n;
  let stale = 0;
  for (const e of events) {
    if (e.kind !== 'hold' || e.resource !== resource) continue;
    const token = BigInt(e.token);
    if (e.what === 'begin' && token > max) max = token;
    if (e.what === 'use' && token < max) stale++;
  }
  return stale;
}

/** A time on the shared clock, as seconds (the report gives times relative to the run's start). */
export const fmtAt = (t: number): string => `t=${(t / 1e6).toFixed(3)}s`;

