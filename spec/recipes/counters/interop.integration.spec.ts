// Counters shared with a real kazoo 2.8 and a real Curator 5.4 on the same znodes: kazoo's Counter (text, and
// support_curator's 4-byte int), Curator's SharedCount and DistributedAtomicLong read and write the node rxzk
// writes, and back; mixed concurrent increments sum exactly.
import { Counter, SharedCount } from '../../../src/recipes';
import { waitFor } from '../../../src/testing';
import { one } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { interopServer } from '../support/interop-server';

const env = interopServer({ curator: true, kazoo: true });

/** Curator's SharedCount value once its watch has caught up with `value` (its get answers from a cache). */
const curatorSees = (handle: string, value: number) =>
  waitFor(async () => (await env.curator.call('sharedCount.get', { handle })).value === value, { timeout: 10_000, description: `Curator's SharedCount at ${value}` });

describe("kazoo's Counter", () => {
  it("text: rxzk's adds are kazoo's values and back", async () => {
    const path = '/interop/counters/kazoo-text';
    const counter = new Counter(env.zk, path);
    expect(await counter.add(5)).toEqual({ before: 0, after: 5 });
    await env.kazoo.call('counter.create', { handle: 'kt', path });
    expect(await env.kazoo.call('counter.value', { handle: 'kt' })).toBe(5);
    expect(await env.kazoo.call('counter.add', { handle: 'kt', delta: -8 })).toEqual({ preValue: 5, postValue: -3 });
    expect(await counter.add(10)).toEqual({ before: -3, after: 7 });
    expect(await env.kazoo.call('counter.value', { handle: 'kt' })).toBe(7);
  });

  it("text: an empty node made by kazoo's ensure_path is the initial value", async () => {
    const path = '/interop/counters/kazoo-default';
    await env.kazoo.call('counter.create', { handle: 'kd', path, default: 0 });
    expect(await env.kazoo.call('counter.value', { handle: 'kd' })).toBe(0);
    expect(await new Counter(env.zk, path, { initial: 0 }).add(2)).toEqual({ before: 0, after: 2 });
    expect(await env.kazoo.call('counter.value', { handle: 'kd' })).toBe(2);
  });

  it('support_curator: the same 4-byte int as an rxzk int32 counter, and concurrent adds from both sum exactly', async () => {
    const path = '/interop/counters/kazoo-int32';
    const counter = new Counter(env.zk, path, { format: 'int32' });
    await counter.add(40);
    await env.kazoo.call('counter.create', { handle: 'ki', path, supportCurator: true });
    expect(await env.kazoo.call('counter.add', { handle: 'ki', delta: 2 })).toEqual({ preValue: 40, postValue: 42 });
    expect(await counter.value()).toBe(42);

    const others = await Promise.all([env.connect(), env.connect(), env.connect()]);
    await Promise.all([
      ...others.map(async (c) => {
        const mine = new Counter(c, path, { format: 'int32' });
        for (let i = 0; i < 20; i++) await mine.add(1);
      }),
      (async () => {
        for (let i = 0; i < 20; i++) await env.kazoo.call('counter.add', { handle: 'ki', delta: 1 });
      })(),
    ]);
    expect(await counter.value()).toBe(42 + 80);
    expect(await env.kazoo.call('counter.value', { handle: 'ki' })).toBe(122);
  });
});

describe("Curator's SharedCount", () => {
  it("reads what rxzk's SharedCount seeds and sets; rxzk's count$ sees Curator's sets, and trySetCount compares versions across both", async () => {
    const path = '/interop/counters/shared';
    const shared = new SharedCount(env.zk, path, 3);
    const counts = new Recorder(shared.count$());
    await counts.until((cs) => cs.length === 1);
    await env.curator.call('sharedCount.create', { handle: 'cs', path, seed: 100 });
    expect(await env.curator.call('sharedCount.get', { handle: 'cs' })).toEqual({ value: 3, version: 0 });

    await shared.setCount(-7);
    await curatorSees('cs', -7);
    await env.curator.call('sharedCount.set', { handle: 'cs', value: 11 });
    await counts.until((cs) => cs[cs.length - 1]?.value === 11);
    const { version } = counts.values[counts.values.length - 1];
    expect(version).toBe(2);
    // Curator's set moved the version on: an rxzk trySetCount at an older one fails, at the current one wins.
    expect(await shared.trySetCount(12, 1)).toBe(false);
    expect(await shared.trySetCount(12, version)).toBe(true);
    await curatorSees('cs', 12);
    expect(await env.curator.call('sharedCount.trySet', { handle: 'cs', value: 13, version: 2 })).toBe(false);
    expect(await env.curator.call('sharedCount.trySet', { handle: 'cs', value: 13, version: 3 })).toBe(true);
    await counts.until((cs) => cs[cs.length - 1]?.value === 13);
    expect(await new Counter(env.zk, path, { format: 'int32' }).value()).toBe(13);
    counts.subscription.unsubscribe();
    await env.curator.call('close', { handle: 'cs' });
  });
});

describe("Curator's DistributedAtomicLong", () => {
  it("reads and adds to rxzk's int64 counter, and back, beyond 32 bits", async () => {
    const path = '/interop/counters/atomic-long';
    const counter = new Counter(env.zk, path, { format: 'int64' });
    expect(await counter.add(2n ** 33n)).toEqual({ before: 0n, after: 2n ** 33n });
    await env.curator.call('atomicLong.create', { handle: 'al', path });
    expect(await env.curator.call('atomicLong.get', { handle: 'al' })).toEqual({ succeeded: true, preValue: String(2n ** 33n), postValue: String(2n ** 33n) });
    expect(await env.curator.call('atomicLong.add', { handle: 'al', delta: 5 })).toEqual({
      succeeded: true,
      preValue: String(2n ** 33n),
      postValue: String(2n ** 33n + 5n),
    });
    expect(await counter.add(-10n)).toEqual({ before: 2n ** 33n + 5n, after: 2n ** 33n - 5n });
    expect((await env.curator.call('atomicLong.get', { handle: 'al' })).postValue).toBe(String(2n ** 33n - 5n));
    expect((await one(env.zk.get(path))).data).toEqual(Buffer.from([0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfb]));
  });
});
