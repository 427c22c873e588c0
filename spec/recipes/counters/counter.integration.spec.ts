// Counter and SharedCount on a real ZooKeeper: the three node formats byte for byte, compare-and-set that counts
// every concurrent add exactly once (20 clients × 25 adds; lost replies: lost-reply.integration.spec.ts), SharedCount's
// versioned sets, and values followed across a cut connection.
import { filter, firstValueFrom, timeout } from 'rxjs';
import { InvalidArgumentError, InvalidPathError } from '../../../src';
import { Counter, CounterDataError, SharedCount } from '../../../src/recipes';
import { one, rejectionOf, until } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';
import { Recorder } from '../../support/recorder';

const env = recipeServer();
const { connect } = env;
let n = 0;
const counterPath = () => `/counters/c-${++n}/value`;
const data = async (path: string): Promise<Buffer> => (await one(env.observer.get(path))).data;

describe('Counter formats', () => {
  it("'text' (the default) is kazoo's ASCII repr; initial is the value of a missing node", async () => {
    const path = counterPath();
    const counter = new Counter(await connect(), path, { initial: 10 });
    expect(await counter.value()).toBe(10);
    expect(await one(env.observer.exists(path))).toBeNull();
    expect(await counter.add(5)).toEqual({ before: 10, after: 15 });
    expect((await data(path)).toString('latin1')).toBe('15');
    expect(await counter.add(-20)).toEqual({ before: 15, after: -5 });
    expect((await data(path)).toString('latin1')).toBe('-5');
    // A kazoo float counter's repr, and an empty node (kazoo's ensure_path) read as initial.
    await one(env.observer.set(path, '2.5'));
    expect(await counter.add(0.5)).toEqual({ before: 2.5, after: 3 });
    await one(env.observer.set(path, ''));
    expect(await counter.value()).toBe(10);
    // The parents are containers.
    const parentStat = await one(env.observer.exists(path.slice(0, path.lastIndexOf('/'))));
    expect(parentStat).not.toBeNull();
  });

  it("'int32' is Curator's SharedCount: 4 bytes big-endian, signed", async () => {
    const path = counterPath();
    const counter = new Counter(await connect(), path, { format: 'int32' });
    expect(await counter.add(7)).toEqual({ before: 0, after: 7 });
    expect(await data(path)).toEqual(Buffer.from([0, 0, 0, 7]));
    expect(await counter.add(-9)).toEqual({ before: 7, after: -2 });
    expect(await data(path)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    // Out of int32's range: refused, nothing written (Java would wrap around).
    await one(env.observer.set(path, Buffer.from([0x7f, 0xff, 0xff, 0xff])));
    expect(await rejectionOf(counter.add(1))).toBeInstanceOf(InvalidArgumentError);
    expect(await counter.value()).toBe(2 ** 31 - 1);
  });

  it("'int64' is Curator's DistributedAtomicLong: 8 bytes big-endian, bigint values", async () => {
    const path = counterPath();
    const counter = new Counter(await connect(), path, { format: 'int64', initial: 1n });
    expect(await counter.add(2n ** 40n)).toEqual({ before: 1n, after: 2n ** 40n + 1n });
    expect(await data(path)).toEqual(Buffer.from([0, 0, 1, 0, 0, 0, 0, 1]));
    expect(await counter.add(-3)).toEqual({ before: 2n ** 40n + 1n, after: 2n ** 40n - 2n });
    expect(await counter.value()).toBe(2n ** 40n - 2n);
  });

  it('rejects data of another format with CounterDataError, and bad arguments with InvalidArgumentError', async () => {
    const path = counterPath();
    const zk = await connect();
    await new Counter(zk, path).add(42); // text "42"
    const asInt32 = new Counter(zk, path, { format: 'int32' });
    expect(await rejectionOf(asInt32.add(1))).toBeInstanceOf(CounterDataError);
    expect(await rejectionOf(asInt32.value())).toBeInstanceOf(CounterDataError);
    expect((await data(path)).toString()).toBe('42');
    await one(env.observer.set(path, 'forty-two'));
    expect(await rejectionOf(new Counter(zk, path).value())).toBeInstanceOf(CounterDataError);

    expect(() => new Counter(zk, 'counters')).toThrow(InvalidPathError);
    expect(() => new Counter(zk, '/c', { format: 'float' as 'text' })).toThrow(InvalidArgumentError);
    expect(() => new Counter(zk, '/c', { format: 'int32', initial: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new Counter(zk, '/c', { format: 'int64', initial: 2n ** 63n })).toThrow(InvalidArgumentError);
    const fresh = counterPath();
    await expect(new Counter(zk, fresh, { format: 'int32' }).add(0.5)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(new Counter(zk, fresh).add(Number.NaN)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(new Counter(zk, fresh).add('1' as unknown as number)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await one(env.observer.exists(fresh))).toBeNull();
  });
});

describe('Counter under contention', () => {
  it('20 clients × 25 concurrent adds sum to exactly 500, and every before/after pair is distinct', async () => {
    const path = counterPath();
    const clients = await Promise.all(Array.from({ length: 20 }, () => connect()));
    const started = Date.now();
    const changes = (
      await Promise.all(
        clients.map(async (zk) => {
          const counter = new Counter(zk, path, { format: 'int32' });
          const mine = [];
          for (let i = 0; i < 25; i++) mine.push(await counter.add(1));
          return mine;
        }),
      )
    ).flat();
    const ms = Date.now() - started;
    expect(await new Counter(env.observer, path, { format: 'int32' }).value()).toBe(500);
    // Each add saw a different value before it: none was counted twice, none lost.
    const befores = changes.map((c) => c.before as number).sort((a, b) => a - b);
    expect(befores).toEqual(Array.from({ length: 500 }, (_, i) => i));
    for (const c of changes) expect(c.after).toBe((c.before as number) + 1);
    console.log(`500 contended increments from 20 clients in ${ms} ms (${Math.round(500_000 / ms)}/s)`);
  });
});

describe('Counter value$', () => {
  it('emits the value now, then each change, across a dropped connection; initial while missing', async () => {
    const path = counterPath();
    const proxy = await env.proxy();
    const zk = await connect({ hosts: proxy.address, sessionTimeout: 20_000 });
    const values = new Recorder(new Counter(zk, path, { initial: 3 }).value$());
    await values.until((vs) => vs.length === 1);
    const writer = new Counter(await connect(), path, { initial: 3 });
    await writer.add(1);
    await values.until((vs) => vs[vs.length - 1] === 4);
    proxy.refuse();
    await until(zk, 'SUSPENDED');
    await writer.add(10);
    proxy.accept();
    await values.until((vs) => vs[vs.length - 1] === 14);
    expect(values.values).toEqual([3, 4, 14]);
    values.subscription.unsubscribe();
  });
});

describe('SharedCount', () => {
  it('creates its node with the seed, follows count$ with versions, and sets only at the version read', async () => {
    const path = counterPath();
    const zk = await connect();
    const shared = new SharedCount(zk, path, 5);
    const counts = new Recorder(shared.count$());
    await counts.until((cs) => cs.length === 1);
    expect(counts.values[0]).toEqual({ value: 5, version: 0 });
    expect(await data(path)).toEqual(Buffer.from([0, 0, 0, 5]));

    const other = new SharedCount(await connect(), path, 99); // the seed only matters for a missing node
    expect(await other.count()).toEqual({ value: 5, version: 0 });
    expect(await other.trySetCount(6, 0)).toBe(true);
    expect(await shared.trySetCount(7, 0)).toBe(false); // someone set it since version 0
    await counts.until((cs) => cs.length === 2);
    expect(counts.values[1]).toEqual({ value: 6, version: 1 });
    expect(await shared.trySetCount(7, counts.values[1].version)).toBe(true);
    await shared.setCount(-1);
    await counts.until((cs) => cs[cs.length - 1]?.value === -1);
    expect(counts.values.slice(2)).toEqual([{ value: 7, version: 2 }, { value: -1, version: 3 }]);
    expect(await data(path)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff]));

    // Deleted while followed: made again with the seed.
    await one(env.observer.delete(path));
    await counts.until((cs) => cs[cs.length - 1]?.version === 0);
    expect(counts.values[counts.values.length - 1]).toEqual({ value: 5, version: 0 });
    counts.subscription.unsubscribe();
  });

  it('count$ goes on after its session expires: a change made meanwhile is seen on the new session', async () => {
    const path = counterPath();
    const zk = await connect();
    const counts = new Recorder(new SharedCount(zk, path, 1).count$());
    await counts.until((cs) => cs.length === 1);
    const old = zk.session!.id;
    await env.server.expireSession(zk);
    await new SharedCount(env.observer, path, 1).setCount(8);
    await firstValueFrom(zk.session$.pipe(filter((s) => s !== null && s.id !== old), timeout(20_000)));
    await counts.until((cs) => cs[cs.length - 1]?.value === 8, 20_000);
    expect(counts.values).toEqual([{ value: 1, version: 0 }, { value: 8, version: 1 }]);
    expect(counts.error).toBeUndefined();
    counts.subscription.unsubscribe();
  });

  it('setCount and trySetCount on a missing node: setCount creates it with the value; trySetCount seeds it first', async () => {
    const zk = await connect();
    const a = counterPath();
    await new SharedCount(zk, a, 1).setCount(12);
    expect(await data(a)).toEqual(Buffer.from([0, 0, 0, 12]));
    const b = counterPath();
    expect(await new SharedCount(zk, b, 1).trySetCount(3, 0)).toBe(true);
    expect((await one(env.observer.get(b))).stat.version).toBe(1);
  });

  it('accepts the negative versions of a wrapped dataVersion (CURATOR-688) and refuses bad arguments', async () => {
    const zk = await connect();
    const path = counterPath();
    const shared = new SharedCount(zk, path, 0);
    await shared.count();
    // A version no node of this test reaches: a compare-and-set that fails, not an argument error.
    expect(await shared.trySetCount(1, -2_000_000_000)).toBe(false);
    expect(await shared.trySetCount(1, 2 ** 31 - 1)).toBe(false);
    await expect(shared.trySetCount(1, 2 ** 31)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(shared.trySetCount(2 ** 31, 0)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(shared.setCount(1.5)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => new SharedCount(zk, path, 'x' as unknown as number)).toThrow(InvalidArgumentError);
    expect(() => new SharedCount(zk, 'bad', 0)).toThrow(InvalidPathError);
    expect((await firstValueFrom(env.observer.get(path))).stat.version).toBe(0);
  });
});
