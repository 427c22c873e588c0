// Barriers shared with a real kazoo 2.8 and a real Curator 5.4 on the same znodes: kazoo's Barrier and
// Curator's DistributedBarrier released by rxzk and back; Curator DistributedDoubleBarrier members and rxzk
// members entering and leaving one barrier together.
import { NoNodeError } from '../../../src';
import { Barrier, DoubleBarrier } from '../../../src/recipes';
import { observeFor, one } from '../../support/fixtures';
import { childrenUntil } from '../leader/support';
import { interopServer } from '../support/interop-server';

const env = interopServer({ curator: true, kazoo: true });

/** Tracks whether a promise has settled yet. */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { promise, settled: () => settled };
}

const childrenOf = async (path: string): Promise<string[]> =>
  (await one(env.observer.getChildren(path)).catch((err: unknown) => (err instanceof NoNodeError ? [] : Promise.reject(err)))).sort();

describe('Barrier with kazoo and Curator', () => {
  it("rxzk waiters are released when kazoo's Barrier is removed", async () => {
    const path = '/interop/barrier/kazoo-up';
    await env.kazoo.call('barrier.create', { handle: 'kb', path });
    await env.kazoo.call('barrier.set', { handle: 'kb' });
    const waits = await Promise.all([1, 2].map(async () => tracked(new Barrier(await env.connect(), path).wait({ timeout: 20_000 }))));
    expect(await new Barrier(env.observer, path).wait({ timeout: 0 })).toBe(false);
    await observeFor(300);
    expect(waits.map((w) => w.settled())).toEqual([false, false]);
    expect(await env.kazoo.call('barrier.remove', { handle: 'kb' })).toBe(true);
    expect(await Promise.all(waits.map((w) => w.promise))).toEqual([true, true]);
  });

  it("kazoo's and Curator's waiters are released when rxzk removes its Barrier", async () => {
    const path = '/interop/barrier/rxzk-up';
    const barrier = new Barrier(await env.connect(), path);
    await barrier.create();
    await env.kazoo.call('barrier.create', { handle: 'kw', path });
    await env.curator.call('barrier.create', { handle: 'cw', path });
    expect(await env.kazoo.call('barrier.wait', { handle: 'kw', timeoutMs: 100 })).toBe(false);
    expect(await env.curator.call('barrier.wait', { handle: 'cw', timeoutMs: 100 })).toBe(false);
    const kazooWaits = env.kazoo.call('barrier.wait', { handle: 'kw', timeoutMs: 20_000 });
    const curatorWaits = env.curator.call('barrier.wait', { handle: 'cw', timeoutMs: 20_000 });
    await observeFor(300);
    await barrier.remove();
    expect(await Promise.all([kazooWaits, curatorWaits])).toEqual([true, true]);
  });

  it("rxzk waits on Curator's DistributedBarrier", async () => {
    const path = '/interop/barrier/curator-up';
    await env.curator.call('barrier.create', { handle: 'cb', path });
    await env.curator.call('barrier.set', { handle: 'cb' });
    const waiting = tracked(new Barrier(await env.connect(), path).wait({ timeout: 20_000 }));
    await observeFor(300);
    expect(waiting.settled()).toBe(false);
    await env.curator.call('barrier.remove', { handle: 'cb' });
    expect(await waiting.promise).toBe(true);
  });
});

describe('DoubleBarrier with Curator DistributedDoubleBarrier', () => {
  it('one Curator member and two rxzk members enter together and leave together', async () => {
    const path = '/interop/double/one-curator';
    await env.curator.call('doubleBarrier.create', { handle: 'c1', path, n: 3 });
    const curatorIn = tracked(env.curator.call('doubleBarrier.enter', { handle: 'c1', timeoutMs: 20_000 }));
    await childrenUntil(env.observer, path, (names) => names.length === 1);
    const a = new DoubleBarrier(await env.connect(), path, 3, { identifier: 'node-a' });
    const b = new DoubleBarrier(await env.connect(), path, 3, { identifier: 'node-b' });
    const aIn = tracked(a.enter({ timeout: 20_000 }));
    await childrenUntil(env.observer, path, (names) => names.length === 2);
    await observeFor(300);
    expect([curatorIn.settled(), aIn.settled()]).toEqual([false, false]);
    await b.enter({ timeout: 20_000 });
    expect(await curatorIn.promise).toBe(true);
    await aIn.promise;
    expect((await childrenOf(path)).filter((n) => n !== 'ready')).toHaveLength(3);

    // Leaving: none is out until all are.
    const curatorOut = tracked(env.curator.call('doubleBarrier.leave', { handle: 'c1', timeoutMs: 20_000 }));
    const aOut = tracked(a.leave({ timeout: 20_000 }));
    await observeFor(500);
    expect([curatorOut.settled(), aOut.settled()]).toEqual([false, false]);
    await b.leave({ timeout: 20_000 });
    expect(await curatorOut.promise).toBe(true);
    await aOut.promise;
    expect(await childrenOf(path)).toEqual([]);
  });

  it('two Curator members wait for the rxzk member who completes the count, and all leave', async () => {
    const path = '/interop/double/two-curator';
    await env.curator.call('doubleBarrier.create', { handle: 'c2', path, n: 3 });
    await env.curator.call('doubleBarrier.create', { handle: 'c3', path, n: 3 });
    const curatorIn = [
      env.curator.call('doubleBarrier.enter', { handle: 'c2', timeoutMs: 20_000 }),
      env.curator.call('doubleBarrier.enter', { handle: 'c3', timeoutMs: 20_000 }),
    ];
    await childrenUntil(env.observer, path, (names) => names.length === 2);
    const rx = new DoubleBarrier(await env.connect(), path, 3);
    await rx.enter({ timeout: 20_000 });
    expect(await Promise.all(curatorIn)).toEqual([true, true]);
    const leaving = [
      env.curator.call('doubleBarrier.leave', { handle: 'c2', timeoutMs: 20_000 }),
      env.curator.call('doubleBarrier.leave', { handle: 'c3', timeoutMs: 20_000 }),
      rx.leave({ timeout: 20_000 }),
    ];
    expect(await Promise.all(leaving)).toEqual([true, true, undefined]);
    expect(await childrenOf(path)).toEqual([]);
  });
});
