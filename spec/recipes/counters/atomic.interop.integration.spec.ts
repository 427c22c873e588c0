// SharedValue, AtomicValue and Counter ('int64') against a real Curator 5.4 on the same znodes: Curator's SharedValue
// (versioned sets that conflict both ways), DistributedAtomicValue (bytes) and DistributedAtomicLong under contention —
// increments from rxzk and Curator at once, with and without PromotedToLock on a shared lock path, counted exactly.
import { NoNodeError } from '../../../src';
import { AtomicValue, Counter, SharedValue } from '../../../src/recipes';
import { one } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { interopServer } from '../support/interop-server';

const env = interopServer({ curator: true });

interface BytesResult { succeeded: boolean; preValue: string | null; postValue: string | null }
interface LongResult { succeeded: boolean; preValue: string; postValue: string; promotedTries: number }
interface Many { calls: number; failed: number; promotedTries: number }
const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('SharedValue with Curator SharedValue', () => {
  it('shares the bytes; each side sees the other’s sets, and a trySet at a stale version fails on either side', async () => {
    const path = '/interop/shared/value';
    const mine = new SharedValue(env.zk, path, 'seed');
    const seen = new Recorder(mine.value$());
    await seen.until((vs) => vs.length === 1);
    await env.curator.call('sharedValue.create', { handle: 's', path, seed: 'java seed' });
    expect(await env.curator.call('sharedValue.get', { handle: 's' })).toEqual({ value: b64('seed'), version: 0 });

    await mine.set('from node');
    expect(await env.curator.call('sharedValue.awaitValue', { handle: 's', value: 'from node', timeoutMs: 5_000 })).toBe(true);
    await env.curator.call('sharedValue.set', { handle: 's', value: 'from java' });
    expect(await seen.last((v) => v.value.toString() === 'from java')).toEqual({ value: Buffer.from('from java'), version: 2 });

    // rxzk at the version before Curator's set: refused; at the current one: set.
    expect(await mine.trySet('node again', 1)).toBe(false);
    expect(await mine.trySet('node again', 2)).toBe(true);
    expect(await env.curator.call('sharedValue.awaitValue', { handle: 's', value: 'node again', timeoutMs: 5_000 })).toBe(true);
    // Curator at a stale version: refused; at the current one: set, and rxzk sees it.
    expect(await env.curator.call('sharedValue.trySet', { handle: 's', value: 'java again', version: 2 })).toBe(false);
    expect(await env.curator.call('sharedValue.trySet', { handle: 's', value: 'java again', version: 3 })).toBe(true);
    expect(await seen.last((v) => v.version === 4)).toEqual({ value: Buffer.from('java again'), version: 4 });
    seen.subscription.unsubscribe();
    await env.curator.call('close', { handle: 's' });
  });
});

describe('SharedValue with Curator SharedValue under contention', () => {
  it('4 rxzk clients and 3 Curator threads each add 1 by trySet 20 times at once: exactly 140, every refused try retried', async () => {
    const path = '/interop/shared/contended';
    await new SharedValue(env.zk, path, '0').value();
    const handles = ['sv0', 'sv1', 'sv2'];
    for (const handle of handles) await env.curator.call('sharedValue.create', { handle, path, seed: '0' });
    const clients = await Promise.all([1, 2, 3, 4].map(() => env.connect()));
    await Promise.all([
      ...handles.map((handle) => env.curator.call('sharedValue.incrementMany', { handle, n: 20 }, { timeout: 120_000 })),
      ...clients.map(async (c) => {
        const shared = new SharedValue(c, path, '0');
        for (let i = 0; i < 20; i++) {
          for (;;) {
            const { value, version } = await shared.value();
            if (await shared.trySet(String(Number(value.toString()) + 1), version)) break;
          }
        }
      }),
    ]);
    expect((await new SharedValue(env.zk, path, '0').value()).value.toString()).toBe('140');
    expect(await env.curator.call('sharedValue.awaitValue', { handle: 'sv0', value: '140', timeoutMs: 5_000 })).toBe(true);
    for (const handle of handles) await env.curator.call('close', { handle });
  });
});

describe('AtomicValue with Curator DistributedAtomicValue', () => {
  it('reads and compare-and-sets the same bytes both ways; compareAndSet on a missing node fails on both sides', async () => {
    const path = '/interop/atomic/bytes';
    const mine = new AtomicValue(env.zk, path);
    await env.curator.call('atomicValue.create', { handle: 'v', path });
    expect(await mine.compareAndSet('', 'x')).toBe(false);
    expect((await env.curator.call<BytesResult>('atomicValue.compareAndSet', { handle: 'v', expected: '', value: 'x' })).succeeded).toBe(false);
    expect(await one(env.zk.exists(path))).toBeNull();

    expect(await mine.trySet('one')).toEqual({ succeeded: true, preValue: null, postValue: Buffer.from('one') });
    expect(await env.curator.call('atomicValue.get', { handle: 'v' })).toEqual({ succeeded: true, preValue: b64('one'), postValue: b64('one') });
    expect(await env.curator.call('atomicValue.compareAndSet', { handle: 'v', expected: 'one', value: 'two' })).toEqual({
      succeeded: true,
      preValue: b64('one'),
      postValue: b64('two'),
    });
    expect(await mine.compareAndSet('one', 'three')).toBe(false);
    expect(await mine.compareAndSet('two', 'three')).toBe(true);
    expect((await env.curator.call<BytesResult>('atomicValue.trySet', { handle: 'v', value: 'four' })).preValue).toBe(b64('three'));
    expect(await mine.get()).toEqual(Buffer.from('four'));
    await env.curator.call('close', { handle: 'v' });
  });
});

describe("Counter 'int64' with Curator DistributedAtomicLong under contention", () => {
  /** `clients` rxzk counters and `handles` Curator ones (each on its own thread), `each` increments apiece, all at once. */
  async function contend(path: string, opts: { clients: number; handles: number; each: number; lockPath?: string }): Promise<Many[]> {
    const zks = await Promise.all(Array.from({ length: opts.clients }, () => env.connect()));
    const handles = Array.from({ length: opts.handles }, (_, i) => `${path}#${i}`);
    for (const handle of handles) {
      await env.curator.call('atomic.create', { handle, path, ...(opts.lockPath !== undefined ? { lockPath: opts.lockPath, tries: 1 } : {}) });
    }
    const [curatorSide] = await Promise.all([
      Promise.all(handles.map((handle) => env.curator.call<Many>('atomic.incrementMany', { handle, n: opts.each }, { timeout: 120_000 }))),
      ...zks.map(async (c) => {
        const counter = new Counter(c, path, { format: 'int64', ...(opts.lockPath !== undefined ? { promotedToLock: { lockPath: opts.lockPath, afterTries: 1 } } : {}) });
        for (let i = 0; i < opts.each; i++) await counter.increment();
      }),
    ]);
    for (const handle of handles) await env.curator.call('close', { handle });
    return curatorSide;
  }

  it('4 rxzk clients and 4 Curator threads, 25 increments each at once: exactly 200, read alike by both', async () => {
    const path = '/interop/atomic/long';
    const curatorSide = await contend(path, { clients: 4, handles: 4, each: 25 });
    expect(await new Counter(env.zk, path, { format: 'int64' }).value()).toBe(200n);
    await env.curator.call('atomic.create', { handle: 'check', path });
    expect((await env.curator.call<LongResult>('atomic.get', { handle: 'check' })).postValue).toBe('200');
    // Curator's own increments lost races to rxzk's (and to each other): its failed calls changed nothing.
    expect(curatorSide.reduce((s, m) => s + m.calls - m.failed, 0)).toBe(100);
    await env.curator.call('close', { handle: 'check' });
  });

  it('with PromotedToLock on one lock path on both sides: exactly 200; Curator promoted, and the lock path saw contenders and was left empty', async () => {
    const path = '/interop/atomic/promoted';
    const lockPath = '/interop/atomic/promoted-lock';
    const contenders = new Recorder(env.zk.watchChildren$(lockPath));
    const curatorSide = await contend(path, { clients: 4, handles: 4, each: 25, lockPath });
    expect(await new Counter(env.zk, path, { format: 'int64' }).value()).toBe(200n);
    // Curator promoted some of its increments to the lock, which rxzk's contenders shared with it.
    expect(curatorSide.reduce((s, m) => s + m.promotedTries, 0)).toBeGreaterThan(0);
    expect(contenders.values.some((names) => names !== null && names.length > 0)).toBe(true);
    contenders.subscription.unsubscribe();
    // Left empty: no contender node remains — or the lock path, a container, was already reaped for being empty.
    const left = await one(env.zk.getChildren(lockPath)).catch((err: unknown) => {
      if (err instanceof NoNodeError) return [];
      throw err;
    });
    expect(left).toEqual([]);
  });

  it("rxzk's compareAndSet and trySet with Curator's trySet, compareAndSet and decrement on one node", async () => {
    const path = '/interop/atomic/ops';
    const mine = new Counter(env.zk, path, { format: 'int64' });
    await env.curator.call('atomic.create', { handle: 'o', path });
    expect((await env.curator.call<LongResult>('atomic.trySet', { handle: 'o', value: String(2n ** 40n) })).succeeded).toBe(true);
    expect(await mine.compareAndSet(0n, 1n)).toBe(false);
    expect(await mine.compareAndSet(2n ** 40n, 7n)).toBe(true);
    expect(await env.curator.call<LongResult>('atomic.decrement', { handle: 'o' })).toMatchObject({ succeeded: true, preValue: '7', postValue: '6' });
    expect((await env.curator.call<LongResult>('atomic.compareAndSet', { handle: 'o', expected: '7', value: '0' })).succeeded).toBe(false);
    expect(await mine.trySet(-1n)).toEqual({ succeeded: true, preValue: 6n, postValue: -1n });
    expect((await env.curator.call<LongResult>('atomic.get', { handle: 'o' })).postValue).toBe('-1');
    await env.curator.call('close', { handle: 'o' });
  });
});
