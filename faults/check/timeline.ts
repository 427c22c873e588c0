/** Fault windows and phases out of a history: what the other checks excuse and measure against. */
import type { FaultEvent, FaultKind, HistoryEvent, PhaseEvent } from '../history';

export interface FaultWindow {
  kind: FaultKind;
  /** A worker's name, or `zk<id>` for a server. */
  target: string;
  start: number;
  /** Infinity when it never ended. */
  end: number;
}

export function faultWindows(events: readonly HistoryEvent[]): FaultWindow[] {
  const open = new Map<string, FaultWindow>();
  const windows: FaultWindow[] = [];
  for (const e of events) {
    if (e.kind !== 'fault') continue;
    const key = `${e.target}/${e.fault}`;
    if (e.what === 'start') {
      const w = { kind: e.fault, target: e.target, start: e.t, end: Infinity };
      open.set(key, w);
      windows.push(w);
    } else if (e.what === 'end') {
      const w = open.get(key);
      if (w) w.end = e.t;
      open.delete(key);
    }
  }
  return windows;
}

export function faultEvents(events: readonly HistoryEvent[]): FaultEvent[] {
  return events.filter((e): e is FaultEvent => e.kind === 'fault');
}

export function phaseTime(events: readonly HistoryEvent[], phase: PhaseEvent['phase']): number | undefined {
  return events.find((e): e is PhaseEvent => e.kind === 'phase' && e.phase === phase)?.t;
}

export const isServer = (target: string): boolean => /^zk\d+$/.test(target);

/** Total length of the union of `windows` within [from, to]. */
export function coveredWithin(windows: readonly { start: number; end: number }[], from: number, to: number): number {
  const clipped = windows
    .map((w) => [Math.max(w.start, from), Math.min(w.end, to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curA = -Infinity;
  let curB = -Infinity;
  for (const [a, b] of clipped) {
    if (a > curB) {
      if (curB > curA) total += curB - curA;
      curA = a;
      curB = b;
    } else curB = Math.max(curB, b);
  }
  if (curB > curA) total += curB - curA;
  return total;
}

