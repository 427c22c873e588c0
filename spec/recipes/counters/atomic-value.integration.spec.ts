// SharedValue, AtomicValue and Counter's atomic operations on a real ZooKeeper: Curator's rules (compareAndSet on a
// missing node fails and makes nothing, trySet creates it, forceSet sets whatever is there), versioned sets that lose
// to a concurrent writer, and PromotedToLock: writers that keep losing the race go on under the lock, and concurrent
// increments with and without the lock sum exactly. Against Curator itself: atomic.interop.integration.spec.ts.
import { InvalidArgumentError, InvalidPathError } from '../../../src';
import { AtomicValue, Counter, SharedValue } from '../../../src/recipes';
import { one, rejectionOf } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { recipeServer } from '../support/recipe-server';

const env = recipeServer();
const { connect } = env;
let n = 0;
const valuePath = () => `/atomic/v-${++n}/value`;
const dataOf = async (path: string): Promise<Buffer | null> => (await one(env.observer.exists(path))) === null ? null : (await one(env.observer.get(path))).data;

describe('SharedValue', () => {
  it('is created with the seed (an existing node kept); value$ follows sets; trySet compares versions', async () => {
    const path = valuePath();
    const [zk1, zk2] = await Promise.all([connect(), connect()]);
    const a = new SharedValue(zk1, path, 'seed');
    const b = new SharedValue(zk2, path, 'other seed');
    const seen = new Recorder(b.value$());
    // The first to look creates the node with its seed (b's value$); a's seed is then never written.
    expect((await seen.until((vs) => vs.length === 1))[0]).toEqual({ value: Buffer.from('other seed'), version: 0 });
    expect(await a.value()).toEqual({ value: Buffer.from('other seed'), version: 0 });

    expect(await a.trySet('one', 0)).toBe(true);
    expect(await b.trySet('two', 0)).toBe(false); // a set it since version 0
    expect(await seen.last((v) => v.version === 1)).toEqual({ value: Buffer.from('one'), version: 1 });
    await b.set(Buffer.from([0, 1, 2]));
    expect(await seen.last((v) => v.version === 2)).toEqual({ value: Buffer.from([0, 1, 2]), version: 2 });
    expect(await dataOf(path)).toEqual(Buffer.from([0, 1, 2]));
    seen.subscription.unsubscribe();
    await expect(a.trySet('x', 1.5)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => new SharedValue(zk1, path, 42 as unknown as string)).toThrow(InvalidArgumentError);
  });
});

describe('AtomicValue', () => {
  it("follows Curator's DistributedAtomicValue: get, compareAndSet, trySet, forceSet", async () => {
    const path = valuePath();
    const v = new AtomicValue(await connect(), path);
    expect(await v.get()).toBeNull();
    // compareAndSet on a missing node fails and makes nothing.
    expect(await v.compareAndSet('', 'a')).toBe(false);
    expect(await dataOf(path)).toBeNull();
    // trySet creates it.
    expect(await v.trySet('a')).toEqual({ succeeded: true, preValue: null, postValue: Buffer.from('a') });
    expect(await v.get()).toEqual(Buffer.from('a'));
    expect(await v.compareAndSet('b', 'c')).toBe(false);
    expect(await v.compareAndSet('a', 'b')).toBe(true);
    expect(await v.trySet('c')).toEqual({ succeeded: true, preValue: Buffer.from('b'), postValue: Buffer.from('c') });
    await v.forceSet('d');
    expect(await dataOf(path)).toEqual(Buffer.from('d'));
    await one(env.observer.delete(path));
    await v.forceSet('e');
    expect(await dataOf(path)).toEqual(Buffer.from('e'));
  });

  it('refuses bad arguments before anything is sent', async () => {
    const zk = await connect();
    expect(() => new AtomicValue(zk, 'x')).toThrow(InvalidPathError);
    expect(() => new AtomicValue(zk, '/x', { promotedToLock: { lockPath: 'bad' } })).toThrow(InvalidPathError);
    expect(() => new AtomicValue(zk, '/x', { promotedToLock: {} as never })).toThrow(InvalidArgumentError);
    expect(() => new AtomicValue(zk, '/x', { promotedToLock: { lockPath: '/l', afterTries: -1 } })).toThrow(InvalidArgumentError);
    expect(() => new AtomicValue(zk, '/x', { promotedToLock: { lockPath: '/l', timeout: -5 } })).toThrow(InvalidArgumentError);
    expect(() => new AtomicValue(zk, '/x', { promotedToLock: { lockPath: '/l', bogus: 1 } as never })).toThrow(InvalidArgumentError);
    expect(() => new AtomicValue(zk, '/x', { lockPath: '/l' } as never)).toThrow(InvalidArgumentError);
    expect(await rejectionOf(new AtomicValue(zk, '/x').trySet(5 as unknown as string))).toBeInstanceOf(InvalidArgumentError);
  });
});

describe("Counter's atomic operations", () => {
  it('compareAndSet, trySet, increment and decrement on an int64 counter', async () => {
    const path = valuePath();
    const c = new Counter(await connect(), path, { format: 'int64' });
    expect(await c.compareAndSet(0n, 5n)).toBe(false); // missing: fails, as Curator's
    expect(await dataOf(path)).toBeNull();
    expect(await c.increment()).toEqual({ before: 0n, after: 1n });
    expect(await c.compareAndSet(1n, 41n)).toBe(true);
    expect(await c.compareAndSet(1n, 0n)).toBe(false);
    expect(await c.increment()).toEqual({ before: 41n, after: 42n });
    expect(await c.decrement()).toEqual({ before: 42n, after: 41n });
    expect(await c.trySet(-7n)).toEqual({ succeeded: true, preValue: 41n, postValue: -7n });
    expect(await dataOf(path)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf9]));
    // int32: Curator's DistributedAtomicInteger.
    const i = new Counter(await connect(), valuePath(), { format: 'int32' });
    expect(await i.decrement()).toEqual({ before: 0, after: -1 });
    expect(await i.compareAndSet(-1, 2 ** 31 - 1)).toBe(true);
    await expect(i.increment()).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('PromotedToLock: writers that lose afterTries races go on under the lock, and 8 clients × 15 increments sum exactly', async () => {
    const path = valuePath();
    const lockPath = `${path}-lock`;
    const clients = await Promise.all(Array.from({ length: 8 }, () => connect()));
    // Whoever queues under the lock shows up as a contender node there.
    const contenders = new Recorder(env.observer.watchChildren$(lockPath));
    await Promise.all(
      clients.map(async (zk, k) => {
        // Half promote after one lost race, half never take the lock: every write is still a compare-and-set.
        const c = new Counter(zk, path, { format: 'int64', ...(k % 2 === 0 ? { promotedToLock: { lockPath, afterTries: 1 } } : {}) });
        for (let j = 0; j < 15; j++) await c.increment();
      }),
    );
    expect(await new Counter(env.observer, path, { format: 'int64' }).value()).toBe(120n);
    expect(contenders.values.some((names) => names !== null && names.some((name) => /^_c_[0-9a-f-]{36}-lock-\d{10}$/.test(name)))).toBe(true);
    contenders.subscription.unsubscribe();
    // Every lock taken was released.
    expect(await one(env.observer.getChildren(lockPath)).catch(() => [])).toEqual([]);
  });

  it('trySet with promotion waits its turn under the lock and succeeds, whatever the contention', async () => {
    const path = valuePath();
    const lockPath = `${path}-lock`;
    const clients = await Promise.all(Array.from({ length: 6 }, () => connect()));
    const results = await Promise.all(
      clients.map(async (zk, k) => {
        const c = new Counter(zk, path, { format: 'int64', promotedToLock: { lockPath, afterTries: 0, timeout: 20_000 } });
        const out = [];
        for (let j = 0; j < 5; j++) out.push(await c.trySet(BigInt(k * 100 + j)));
        return out;
      }),
    );
    // afterTries 0: straight to the lock, where a try is repeated until applied.
    results.forEach((out, k) => out.forEach((r, j) => expect(r).toMatchObject({ succeeded: true, postValue: BigInt(k * 100 + j) })));
    expect(await one(env.observer.getChildren(lockPath))).toEqual([]);
  });
});
