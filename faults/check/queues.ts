/**
 * Queues. Queue is at most once: no item taken twice, none taken that was never put. A confirmed put
 * neither taken nor left at the end is lost, which at most once allows only to a take that a fault cut
 * (a delete whose reply was lost may have been applied, and a persistent entry has no owner to tell whose
 * delete it was: the take moves on, the entry is gone): more lost items than takes exposed to a fault on
 * their client or a server is a violation. LockingQueue is at least once: every confirmed put is acked or
 * still there at the end (an ack of unknown outcome may have removed it); an item taken twice is allowed
 * (its lock was lost), but two confirmed acks of one item are not.
 */
import type { FinalEvent, HistoryEvent, OpEvent, OpName } from '../history';
import { coveredWithin, isServer, type FaultWindow } from './timeline';
import type { Violation } from './types';

const items = (events: readonly OpEvent[], op: OpName, phases: readonly string[]): string[] =>
  events.filter((e) => e.op === op && phases.includes(e.phase) && e.item !== undefined).map((e) => e.item as string);

const sample = (xs: readonly string[]): string => (xs.length > 8 ? `${xs.slice(0, 8).join(', ')}, …` : xs.join(', '));

/** What became of `item` of `queue` after its put: each take, ack and release that named it, with its outcome. */
function trail(ops: readonly OpEvent[], queue: 'queue' | 'locking-queue', item: string): string {
  const steps = ops
    .filter((e) => e.item === item && e.op.startsWith(`${queue}.`) && e.phase !== 'invoke' && !e.op.endsWith('.put'))
    .map((e) => `${e.w} ${e.op.slice(e.op.lastIndexOf('.') + 1)} ${e.phase}${e.error ? ` (${e.error.name})` : ''} at t=${(e.t / 1e6).toFixed(3)}s`);
  return `${item}: ${steps.length === 0 ? 'never taken' : steps.join(', ')}`;
}

function counts(xs: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

/** Takes of `op` whose time in flight met a fault on their client or a server. */
function takesExposedToFaults(ops: readonly OpEvent[], op: OpName, windows: readonly FaultWindow[]): number {
  const invoked = new Map<string, number>();
  let exposed = 0;
  for (const e of ops) {
    if (e.op !== op) continue;
    const key = `${e.w}#${e.id}`;
    if (e.phase === 'invoke') invoked.set(key, e.t);
    else {
      const from = invoked.get(key) ?? e.t;
      if (coveredWithin(windows.filter((w) => w.target === e.w || isServer(w.target)), from, e.t) > 0) exposed++;
    }
  }
  return exposed;
}

/** One queue's side of a history: its operations, the puts confirmed and attempted, the takes confirmed, what was left. */
function queueHistory(events: readonly HistoryEvent[], queue: 'queue' | 'locking-queue') {
  const ops = events.filter((e): e is OpEvent => e.kind === 'op');
  const left = (e: FinalEvent): string[] | undefined => (queue === 'queue' ? e.queue : e.lockingQueue);
  const final = events.find((e): e is FinalEvent => e.kind === 'final' && left(e) !== undefined);
  return {
    ops,
    final,
    at: final?.t ?? 0,
    putOk: new Set(items(ops, `${queue}.put`, ['ok'])),
    putMaybe: new Set(items(ops, `${queue}.put`, ['invoke'])),
    taken: items(ops, `${queue}.take`, ['ok']),
    left: (final && left(final)) ?? [],
  };
}

export function checkQueue(events: readonly HistoryEvent[], windows: readonly FaultWindow[]): { violations: Violation[]; lost: number } {
  const { ops, final, at, putOk, putMaybe, taken, left } = queueHistory(events, 'queue');
  const exposed = takesExposedToFaults(ops, 'queue.take', windows);
  const violations: Violation[] = [];

  const twice = [...counts([...taken, ...left])].filter(([, n]) => n > 1).map(([item]) => item);
  if (twice.length > 0) {
    violations.push({
      kind: 'queue-duplicate',
      workload: 'queue',
      t: at,
      workers: [],
      explanation: `${twice.length} item(s) delivered more than once (taken twice, or taken and still in the queue): ${sample(twice)}`,
    });
  }
  const phantom = [...new Set([...taken, ...left])].filter((item) => !putMaybe.has(item));
  if (phantom.length > 0) {
    violations.push({ kind: 'queue-phantom', workload: 'queue', t: at, workers: [], explanation: `${phantom.length} item(s) taken that nobody put: ${sample(phantom)}` });
  }
  const seen = new Set([...taken, ...left]);
  const lost = final === undefined ? [] : [...putOk].filter((item) => !seen.has(item));
  if (lost.length > exposed) {
    violations.push({
      kind: 'queue-lost',
      workload: 'queue',
      t: at,
      workers: [],
      explanation: `${lost.length} confirmed put(s) neither taken nor left in the queue, more than the ${exposed} take(s) a fault cut, which may have removed them: ${sample(lost)}`,
    });
  }
  return { violations, lost: lost.length };
}

export function checkLockingQueue(events: readonly HistoryEvent[]): Violation[] {
  const { ops, final, at, putOk, putMaybe, taken, left } = queueHistory(events, 'locking-queue');
  const acked = items(ops, 'locking-queue.ack', ['ok']);
  const ackMaybe = new Set(items(ops, 'locking-queue.ack', ['unknown', 'unfinished']));
  const violations: Violation[] = [];

  const doubleAck = [...counts(acked)].filter(([, n]) => n > 1).map(([item]) => item);
  const ackedAndLeft = acked.filter((item) => left.includes(item));
  if (doubleAck.length + ackedAndLeft.length > 0) {
    violations.push({
      kind: 'locking-queue-double-ack',
      workload: 'locking-queue',
      t: at,
      workers: [],
      explanation: `${doubleAck.length} item(s) acked twice (${sample(doubleAck)}), ${ackedAndLeft.length} acked yet still queued (${sample(ackedAndLeft)})`,
    });
  }
  const phantom = [...new Set([...taken, ...left])].filter((item) => !putMaybe.has(item));
  if (phantom.length > 0) {
    violations.push({ kind: 'locking-queue-phantom', workload: 'locking-queue', t: at, workers: [], explanation: `${phantom.length} item(s) taken that nobody put: ${sample(phantom)}` });
  }
  if (final !== undefined) {
    const done = new Set([...acked, ...left, ...ackMaybe]);
    const lost = [...putOk].filter((item) => !done.has(item));
    if (lost.length > 0) {
      violations.push({
        kind: 'locking-queue-lost',
        workload: 'locking-queue',
        t: at,
        workers: [],
        explanation: `${lost.length} confirmed put(s) never acked and not in the queue at the end: ${lost
          .slice(0, 3)
          .map((item) => trail(ops, 'locking-queue', item))
          .join('; ')}${lost.length > 3 ? '; …' : ''}`,
      });
    }
  }
  return violations;
}
