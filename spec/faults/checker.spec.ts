// The fault suite's checker on small histories written by hand: each property it checks is shown failing on
// a history that breaks it, and passing on the nearest history that does not (the case a fault explains,
// an outcome left unknown). No server: the checker reads only the history.
import { check, type CheckContext, type CheckResult } from '../../faults/check';
import type { HistoryEvent, OpEvent, OpName, WorkloadName } from '../../faults/history';

const S = 4_000; // session timeout, ms
const ms = (x: number): number => x * 1000; // history times are µs

function ctx(workloads: WorkloadName[], over: Partial<CheckContext> = {}): CheckContext {
  return { sessionTimeoutMs: S, hangBoundMs: 20_000, recoveryBoundMs: 30_000, semaphoreLeases: 2, workloads, workers: ['c1', 'c2'], ...over };
}

const kinds = (r: CheckResult): string[] => r.violations.map((v) => v.kind).sort();

/** An operation's invoke and completion. */
function op(w: string, name: OpName, id: number, from: number, to: number, phase: OpEvent['phase'], fields: Partial<OpEvent> = {}): HistoryEvent[] {
  const { error, before, after, token, node, ...rest } = fields;
  return [
    { kind: 'op', t: ms(from), w, op: name, id, phase: 'invoke', ...rest },
    { kind: 'op', t: ms(to), w, op: name, id, phase, ...rest, ...(error && { error }), ...(before && { before, after }), ...(token && { token, node }) },
  ];
}

/** A holding from `from` to its last use at `to`. */
function held(resource: 'lock' | 'semaphore' | 'latch', w: string, token: number, from: number, to: number, node = `/n-${w}-${token}`): HistoryEvent[] {
  const base = { kind: 'hold' as const, w, resource, token: String(token), node };
  return [
    { ...base, t: ms(from), what: 'begin' },
    { ...base, t: ms(to), what: 'use' },
    { ...base, t: ms(to + 1), what: 'end', reason: 'done' },
  ];
}

function fault(kind: 'pause' | 'cut-long' | 'kill-leader' | 'expire', target: string, from: number, to: number): HistoryEvent[] {
  return [
    { kind: 'fault', t: ms(from), w: 'nemesis', fault: kind, target, what: 'start' },
    { kind: 'fault', t: ms(to), w: 'nemesis', fault: kind, target, what: 'end' },
  ];
}

/** Sorted by time, as readHistory gives them; every history starts at t=0 with the faults. */
function history(...parts: HistoryEvent[][]): HistoryEvent[] {
  const start: HistoryEvent = { kind: 'phase', t: 0, w: 'suite', phase: 'faults-start' };
  return [start, ...parts.flat()].sort((a, b) => a.t - b.t);
}

describe('fault suite checker', () => {
  describe('holders', () => {
    it('two lock holders at once is an overlap', () => {
      const r = check(history(held('lock', 'c1', 10, 100, 300), held('lock', 'c2', 11, 200, 400)), ctx(['lock']));
      expect(kinds(r)).toEqual(['overlap']);
      expect(r.violations[0].explanation).toMatch(/c2 began holding \(token 11\).*c1 \(token 10/);
    });

    it('an overlap after the stale holder was paused past the session timeout is explained, not a violation', () => {
      const r = check(history(held('lock', 'c1', 10, 100, 6_101), fault('pause', 'c1', 150, 6_100), held('lock', 'c2', 11, 4_500, 4_600)), ctx(['lock']));
      expect(kinds(r)).toEqual([]);
      expect(r.explained).toEqual([expect.objectContaining({ cause: 'pause', stale: 'c1', other: 'c2', pauseMs: 5_950, lastUseAfterResumeMs: 1 })]);
      expect(r.staleUses.lock).toBe(1);
    });

    it('an overlap right after the nemesis expired the stale holder\'s session is explained; a use a session timeout later is not', () => {
      // The servers apply a forced expiry one by one: c2, on a server that had applied it, took the lock 15 ms before
      // c1's own server closed c1's connection (seen in a 3-minute run with a leader kill beside it).
      const soon = check(history(held('lock', 'c1', 10, 100, 215), fault('expire', 'c1', 190, 3_000), held('lock', 'c2', 11, 200, 400)), ctx(['lock']));
      expect(kinds(soon)).toEqual([]);
      expect(soon.explained).toEqual([expect.objectContaining({ cause: 'expire', stale: 'c1', other: 'c2', lastUseAfterResumeMs: 25 })]);
      // A holder still acting a whole session timeout after its expiry was issued had every chance to notice.
      const late = check(history(held('lock', 'c1', 10, 100, 6_300), fault('expire', 'c1', 190, 3_000), held('lock', 'c2', 11, 200, 6_400)), ctx(['lock']));
      expect(kinds(late)).toEqual(['overlap']);
    });

    it('a pause shorter than the session timeout explains nothing', () => {
      const r = check(history(held('lock', 'c1', 10, 100, 3_101), fault('pause', 'c1', 150, 3_100), held('lock', 'c2', 11, 3_000, 3_200)), ctx(['lock']));
      expect(kinds(r)).toEqual(['overlap']);
    });

    it('holders one after the other are fine; a later holder with a smaller token is fencing going backwards', () => {
      expect(kinds(check(history(held('lock', 'c1', 10, 100, 200), held('lock', 'c2', 11, 300, 400)), ctx(['lock'])))).toEqual([]);
      expect(kinds(check(history(held('lock', 'c1', 10, 100, 200), held('lock', 'c2', 9, 300, 400)), ctx(['lock'])))).toEqual(['fencing-backwards']);
    });

    it('a latch leader holding the same node again after a reconnect keeps its token', () => {
      const r = check(history(held('latch', 'c1', 10, 100, 200, '/l-1'), held('latch', 'c1', 10, 500, 600, '/l-1'), held('latch', 'c2', 12, 700, 800)), ctx(['latch']));
      expect(kinds(r)).toEqual([]);
    });

    it('a semaphore of 2 leases allows two holders, not three', () => {
      const two = history(held('semaphore', 'c1', 10, 100, 500), held('semaphore', 'c2', 11, 200, 600));
      expect(kinds(check(two, ctx(['semaphore'])))).toEqual([]);
      const three = history(held('semaphore', 'c1', 10, 100, 500), held('semaphore', 'c2', 11, 200, 600), held('semaphore', 'c3', 12, 300, 700));
      expect(kinds(check(three, ctx(['semaphore'], { workers: ['c1', 'c2', 'c3'] })))).toEqual(['overlap']);
    });
  });

  describe('counter', () => {
    const final = (value: number): HistoryEvent[] => [{ kind: 'final', t: ms(10_000), w: 'suite', counter: String(value) }];
    const add = (w: string, id: number, from: number, to: number, before: number) =>
      op(w, 'counter.add', id, from, to, 'ok', { before: String(before), after: String(before + 1) });

    it('every confirmed add counted once passes', () => {
      expect(kinds(check(history(add('c1', 1, 10, 20, 0), add('c2', 1, 30, 40, 1), add('c1', 2, 50, 60, 2), final(3)), ctx(['counter'])))).toEqual([]);
    });

    it('an after confirmed to two clients is a duplicate, and the final value shows the add missing', () => {
      const r = check(history(add('c1', 1, 10, 20, 0), add('c2', 1, 15, 40, 0), final(1)), ctx(['counter']));
      expect(kinds(r)).toEqual(['counter-duplicate', 'counter-lost']);
      expect(r.violations.find((v) => v.kind === 'counter-duplicate')?.explanation).toMatch(/after=1 confirmed to 2 adds: c1 add-ok before=0 after=1.*c2 add-ok before=0 after=1/);
    });

    it('the final value may hold adds of unknown outcome, but no more', () => {
      const unknown = op('c2', 'counter.add', 1, 30, 40, 'unknown', { error: { name: 'ConnectionLossError', message: 'lost' } });
      expect(kinds(check(history(add('c1', 1, 10, 20, 0), unknown, final(2)), ctx(['counter'])))).toEqual([]);
      expect(kinds(check(history(add('c1', 1, 10, 20, 0), unknown, final(3)), ctx(['counter'])))).toEqual(['counter-extra']);
    });

    it('an add begun after another was confirmed must be confirmed with a greater after', () => {
      const r = check(history(add('c1', 1, 10, 20, 4), add('c2', 1, 30, 40, 3), final(5)), ctx(['counter']));
      expect(kinds(r)).toContain('counter-not-linearizable');
    });
  });

  describe('queues', () => {
    const put = (w: string, id: number, item: string, phase: OpEvent['phase'] = 'ok') => op(w, 'queue.put', id, 10 * id, 10 * id + 5, phase, { item });
    const take = (w: string, id: number, item: string) => op(w, 'queue.take', id, 100 * id, 100 * id + 5, 'ok', { item });
    const left = (items: string[]): HistoryEvent[] => [{ kind: 'final', t: ms(10_000), w: 'suite', queue: items }];

    it('Queue: each item delivered once, or still there, passes', () => {
      expect(kinds(check(history(put('c1', 1, 'a'), put('c1', 2, 'b'), take('c2', 1, 'a'), left(['b'])), ctx(['queue'])))).toEqual([]);
    });

    it('Queue: an item taken twice is a duplicate; one taken that nobody put is a phantom', () => {
      expect(kinds(check(history(put('c1', 1, 'a'), take('c2', 1, 'a'), take('c1', 2, 'a'), left([])), ctx(['queue'])))).toEqual(['queue-duplicate']);
      expect(kinds(check(history(take('c2', 1, 'z'), left([])), ctx(['queue'])))).toEqual(['queue-phantom']);
    });

    it('Queue: a confirmed put that vanished is lost, unless a take a fault cut may have removed it (at most once)', () => {
      const timedOut = op('c2', 'queue.take', 1, 50, 2_050, 'fail', { error: { name: 'LockTimeoutError', message: 'timed out' } });
      expect(kinds(check(history(put('c1', 1, 'a'), timedOut, left([])), ctx(['queue'])))).toEqual(['queue-lost']);
      const cut = check(history(put('c1', 1, 'a'), timedOut, fault('cut-long', 'c2', 100, 200), left([])), ctx(['queue']));
      expect(kinds(cut)).toEqual([]);
      expect(cut.notes).toEqual(['Queue: 1 confirmed item(s) lost to takes a fault cut (at most once allows it)']);
      expect(kinds(check(history(put('c1', 1, 'a'), put('c1', 2, 'b'), timedOut, fault('cut-long', 'c2', 100, 200), left([])), ctx(['queue'])))).toEqual(['queue-lost']);
    });

    it('LockingQueue: every confirmed put acked or still queued; taken twice is allowed, acked twice is not', () => {
      const lput = (id: number, item: string) => op('c1', 'locking-queue.put', id, id, id + 1, 'ok', { item });
      const ltake = (w: string, id: number, item: string) => op(w, 'locking-queue.take', id, 100 * id, 100 * id + 1, 'ok', { item });
      const ack = (w: string, id: number, item: string) => op(w, 'locking-queue.ack', id, 100 * id + 2, 100 * id + 3, 'ok', { item });
      const lleft = (items: string[]): HistoryEvent[] => [{ kind: 'final', t: ms(10_000), w: 'suite', lockingQueue: items }];
      expect(kinds(check(history(lput(1, 'a'), lput(2, 'b'), ltake('c2', 1, 'a'), ltake('c1', 2, 'a'), ack('c1', 2, 'a'), lleft(['b'])), ctx(['locking-queue'])))).toEqual([]);
      expect(kinds(check(history(lput(1, 'a'), lleft([])), ctx(['locking-queue'])))).toEqual(['locking-queue-lost']);
      expect(kinds(check(history(lput(1, 'a'), ack('c1', 1, 'a'), ack('c2', 2, 'a'), lleft([])), ctx(['locking-queue'])))).toEqual(['locking-queue-double-ack']);
    });
  });

  describe('errors, hangs, latch participation, recovery', () => {
    it('a wait may fail only as documented: SessionExpiredError from acquire is a session error, LockTimeoutError is not', () => {
      const expired = op('c1', 'lock.acquire', 1, 10, 20, 'fail', { error: { name: 'SessionExpiredError', message: 'SESSIONEXPIRED' } });
      const timedOut = op('c2', 'lock.acquire', 1, 10, 10_010, 'fail', { error: { name: 'LockTimeoutError', message: 'timed out' } });
      expect(kinds(check(history(expired, timedOut), ctx(['lock'])))).toEqual(['session-error']);
      const odd = op('c1', 'lock.release', 2, 30, 40, 'unknown', { error: { name: 'NoNodeError', message: 'NONODE' } });
      expect(kinds(check(history(odd), ctx(['lock'])))).toEqual(['undocumented-error']);
    });

    it("a latch stream that errors is a lost participation (and a session error); an election that does not settle after the faults is a violation", () => {
      const r = check(
        history([{ kind: 'latch', t: ms(50), w: 'c1', what: 'error', error: { name: 'SessionExpiredError', message: 'SESSIONEXPIRED' } }]),
        ctx(['latch']),
      );
      expect(kinds(r)).toEqual(['latch-lost-participation', 'session-error']);
      const settled: HistoryEvent = {
        kind: 'final',
        t: ms(100),
        w: 'suite',
        latch: { converged: false, participants: [{ identifier: 'c2', isLeader: true }], beliefs: { c1: { joined: true, leader: false }, c2: { joined: true, leader: true } } },
      };
      const unsettled = check(history([settled]), ctx(['latch']));
      expect(kinds(unsettled)).toEqual(['latch-not-converged']);
      expect(unsettled.violations[0].explanation).toMatch(/c1 believes it takes part but has no node/);
    });

    it('an operation pending at the end, or slower than the bound without a fault on it, hangs; time under a fault is excused', () => {
      const pending = op('c1', 'counter.add', 1, 10, 20, 'unfinished');
      expect(kinds(check(history(pending), ctx([])))).toEqual(['hang']);
      const slow = op('c1', 'counter.add', 1, 0, 25_000, 'ok', { before: '0', after: '1' });
      expect(kinds(check(history(slow), ctx([])))).toEqual(['hang']);
      expect(kinds(check(history(slow, fault('cut-long', 'c1', 1_000, 9_000)), ctx([])))).toEqual([]);
      expect(kinds(check(history(slow, fault('kill-leader', 'zk2', 1_000, 9_000)), ctx([])))).toEqual([]);
      expect(kinds(check(history(slow, fault('cut-long', 'c2', 1_000, 9_000)), ctx([])))).toEqual(['hang']);
    });

    it("a wait's bound is its own timeout and a grace: a 2 s take that gives up 8 s later hangs, one that gives up at 6 s does not", () => {
      const timedOut = (to: number) => op('c1', 'queue.take', 1, 0, to, 'fail', { error: { name: 'LockTimeoutError', message: 'gave up waiting after 2000 ms' } });
      expect(kinds(check(history(timedOut(8_000)), ctx([])))).toEqual(['hang']);
      expect(kinds(check(history(timedOut(6_000)), ctx([])))).toEqual([]);
    });

    it('recovery is the time from the faults stopping to every worker confirming its progress operations', () => {
      const stopped: HistoryEvent = { kind: 'phase', t: ms(1_000), w: 'suite', phase: 'faults-stopped' };
      const add = (w: string, id: number, at: number) => op(w, 'counter.add', id, at - 5, at, 'ok', { before: String(id), after: String(id + 1) });
      const r = check(history([stopped], add('c1', 1, 1_200), add('c2', 2, 1_700)), ctx(['counter']));
      expect(r.recovery).toEqual([{ workload: 'counter', ms: 700, perWorker: { c1: 200, c2: 700 } }]);
      const stuck = check(history([stopped], add('c1', 1, 1_200)), ctx(['counter']));
      expect(kinds(stuck)).toEqual(['slow-recovery']);
      expect(stuck.recovery[0].ms).toBeNull();
    });
  });
});
