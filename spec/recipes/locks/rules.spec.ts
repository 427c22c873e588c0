// The pure rules of the locks, without a server (issue 19): who holds and whom a waiter watches (Curator's
// LockInternals predicates, with the fixes rxzk makes), and kazoo's NonBlockingLease record, byte for byte.
import { sortBySequence } from '../../../src';
import { LOCK_MARKERS, firstHolds } from '../../../src/recipes/locks/lock';
import { LEASE_VERSION, decodeLease, encodeLease, formatEnd, parseEnd } from '../../../src/recipes/locks/lease-record';
import { READ_WRITE_MARKERS, readerDecides, writerDecides } from '../../../src/recipes/locks/read-write-rules';

/** Contenders as the server lists them (any order), sorted as the contender mechanism sorts them. */
const contenders = (names: string[], markers: readonly string[]) => sortBySequence(names, markers);

describe('firstHolds (Lock, LeaderLatch)', () => {
  const list = contenders(['_c_b-lock-0000000002', 'x__lock__0000000001', '_c_a-lock-0000000003'], LOCK_MARKERS);

  it('the first by counter holds, kazoo and Curator contenders alike', () => {
    expect(list.map((c) => c.name)).toEqual(['x__lock__0000000001', '_c_b-lock-0000000002', '_c_a-lock-0000000003']);
    expect(firstHolds(list, 0)).toEqual({ held: true });
  });

  it('every other waits for the one just before it, never the first (no herd)', () => {
    expect(firstHolds(list, 1)).toEqual({ held: false, waitFor: 'x__lock__0000000001' });
    expect(firstHolds(list, 2)).toEqual({ held: false, waitFor: '_c_b-lock-0000000002' });
  });

  it('orders by the counter, a wrapped (negative) one after the largest (ZOOKEEPER-2944)', () => {
    const wrapped = contenders(['_c_a-lock--2147483648', '_c_b-lock-2147483647'], LOCK_MARKERS);
    expect(wrapped.map((c) => c.name)).toEqual(['_c_b-lock-2147483647', '_c_a-lock--2147483648']);
  });
});

describe('readerDecides and writerDecides (ReadWriteLock)', () => {
  const list = contenders(
    ['_c_1-__READ__0000000001', '_c_2-__WRIT__0000000002', 'k__rlock__0000000003', '_c_4-__READ__0000000004', 'k__lock__0000000005'],
    READ_WRITE_MARKERS,
  );

  it('readers share: one holds when no writer is before it, readers before it or not', () => {
    expect(readerDecides(list, 0)).toEqual({ held: true });
    expect(readerDecides(contenders(['_c_1-__READ__0000000001', 'k__rlock__0000000002'], READ_WRITE_MARKERS), 1)).toEqual({ held: true });
  });

  it('a reader behind a writer waits for the NEAREST writer before it (not the first: no herd at its release)', () => {
    expect(readerDecides(list, 2)).toEqual({ held: false, waitFor: '_c_2-__WRIT__0000000002' });
    const twoWriters = contenders(['_c_1-__WRIT__0000000001', '_c_2-__WRIT__0000000002', '_c_3-__READ__0000000003'], READ_WRITE_MARKERS);
    expect(readerDecides(twoWriters, 2)).toEqual({ held: false, waitFor: '_c_2-__WRIT__0000000002' });
  });

  it("a reader never overtakes a waiting writer; kazoo's __lock__ counts as a writer", () => {
    expect(readerDecides(list, 3)).toEqual({ held: false, waitFor: '_c_2-__WRIT__0000000002' });
    const kazooWriter = contenders(['k__lock__0000000001', '_c_2-__READ__0000000002'], READ_WRITE_MARKERS);
    expect(readerDecides(kazooWriter, 1)).toEqual({ held: false, waitFor: 'k__lock__0000000001' });
  });

  it('a writer holds only when first, and waits for the contender just before it, reader or writer', () => {
    expect(writerDecides(list, 1)).toEqual({ held: false, waitFor: '_c_1-__READ__0000000001' });
    expect(writerDecides(list, 4)).toEqual({ held: false, waitFor: '_c_4-__READ__0000000004' });
    expect(writerDecides(contenders(['_c_2-__WRIT__0000000002'], READ_WRITE_MARKERS), 0)).toEqual({ held: true });
  });
});

describe("kazoo's NonBlockingLease record", () => {
  it("is Python's json.dumps of {version, holder, end}, byte for byte (separators, key order, ensure_ascii)", () => {
    expect(encodeLease('worker-1', '2026-12-07T10:00:00').toString('utf8')).toBe('{"version": 1, "holder": "worker-1", "end": "2026-12-07T10:00:00"}');
    expect(encodeLease('héllo "x" \u{1F600}', 'e').toString('utf8')).toBe('{"version": 1, "holder": "h\\u00e9llo \\"x\\" \\ud83d\\ude00", "end": "e"}');
  });

  it("ends are kazoo's strftime('%Y-%m-%dT%H:%M:%S') in UTC, whole seconds; none past year 9999", () => {
    expect(formatEnd(Date.UTC(2026, 11, 7, 10, 0, 0, 999))).toBe('2026-12-07T10:00:00');
    expect(formatEnd(Date.UTC(9999, 11, 31, 23, 59, 59))).toBe('9999-12-31T23:59:59');
    expect(formatEnd(Date.UTC(10000, 0, 1))).toBeNull();
    expect(formatEnd(Number.NaN)).toBeNull();
    expect(parseEnd('2026-12-07T10:00:00')).toBe(Date.UTC(2026, 11, 7, 10, 0, 0));
    expect(parseEnd('2026-12-07 10:00:00')).toBeNaN();
  });

  it('reads back what kazoo writes; another version is left to whoever knows it; anything else is no record', () => {
    const record = decodeLease(Buffer.from('{"version": 1, "holder": "h\\u00e9", "end": "2026-12-07T10:00:00"}'));
    expect(record).toEqual({ version: LEASE_VERSION, holder: 'hé', end: Date.UTC(2026, 11, 7, 10, 0, 0) });
    expect(decodeLease(Buffer.from('{"version": 2, "whatever": true}'))).toEqual({ version: 2, holder: '', end: Number.NaN });
    expect(decodeLease(Buffer.from('not json'))).toBeNull();
    expect(decodeLease(Buffer.from('{"version": 1, "holder": 7, "end": "x"}'))).toBeNull();
    expect(decodeLease(Buffer.from('{"version": 1, "holder": "a", "end": "yesterday"}'))).toBeNull();
  });
});
