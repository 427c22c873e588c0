// Barriers shared with a real kazoo 2.8 and a real Curator 5.4 on the same znodes: kazoo's Barrier and
// Curator's DistributedBarrier released by rxzk and back; Curator DistributedDoubleBarrier members and rxzk
// members entering and leaving one barrier together.
import type { ZooKeeperClient } from '../../../src';
import { NoNodeError } from '../../../src';
import { Barrier, DoubleBarrier } from '../../../src/recipes';
import { startZooKeeper, type StartedZooKeeper } from '../../../src/testing';
import { clientPool, observeFor, one } from '../../support/fixtures';
import { startCuratorPeer, startKazooPeer, type CuratorPeer, type KazooPeer } from '../../support/interop/peers';
import { childrenUntil } from '../leader/support';

let zkServer: StartedZooKeeper;
let curator: CuratorPeer;
let kazoo: KazooPeer;
let observer: ZooKeeperClient;
const { connect, closeAll } = clientPool(() => zkServer.connectString);

beforeAll(async () => {
  zkServer = await startZooKeeper();
  [curator, kazoo, observer] = await Promise.all([startCuratorPeer(zkServer.connectString), startKazooPeer(zkServer.connectString), connect()]);
}, 90_000);

afterAll(async () => {
  await Promise.all([curator?.close(), kazoo?.close(), closeAll()]);
  await zkServer?.stop();
});

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
  (await one(observer.getChildren(path)).catch((err: unknown) => (err instanceof NoNodeError ? [] : Promise.reject(err)))).sort();

describe('Barrier with kazoo and Curator', () => {
  it("rxzk waiters are released when kazoo's Barrier is removed", async () => {
    const path = '/interop/barrier/kazoo-up';
    await kazoo.call('barrier.create', { handle: 'kb', path });
    await kazoo.call('barrier.set', { handle: 'kb' });
    const waits = await Promise.all([1, 2].map(async () => tracked(new Barrier(await connect(), path).wait({ timeout: 20_000 }))));
    expect(await new Barrier(observer, path).wait({ timeout: 0 })).toBe(false);
    await observeFor(300);
    expect(waits.map((w) => w.settled())).toEqual([false, false]);
    expect(await kazoo.call('barrier.remove', { handle: 'kb' })).toBe(true);
    expect(await Promise.all(waits.map((w) => w.promise))).toEqual([true, true]);
  });

  it("kazoo's and Curator's waiters are released when rxzk removes its Barrier", async () => {
    const path = '/interop/barrier/rxzk-up';
    const barrier = new Barrier(await connect(), path);
    await barrier.create();
    await kazoo.call('barrier.create', { handle: 'kw', path });
    await curator.call('barrier.create', { handle: 'cw', path });
    expect(await kazoo.call('barrier.wait', { handle: 'kw', timeoutMs: 100 })).toBe(false);
    expect(await curator.call('barrier.wait', { handle: 'cw', timeoutMs: 100 })).toBe(false);
    const kazooWaits = kazoo.call('barrier.wait', { handle: 'kw', timeoutMs: 20_000 });
    const curatorWaits = curator.call('barrier.wait', { handle: 'cw', timeoutMs: 20_000 });
    await observeFor(300);
    await barrier.remove();
    expect(await Promise.all([kazooWaits, curatorWaits])).toEqual([true, true]);
  });

  it("rxzk waits on Curator's DistributedBarrier", async () => {
    const path = '/interop/barrier/curator-up';
    await curator.call('barrier.create', { handle: 'cb', path });
    await curator.call('barrier.set', { handle: 'cb' });
    const waiting = tracked(new Barrier(await connect(), path).wait({ timeout: 20_000 }));
    await observeFor(300);
    expect(waiting.settled()).toBe(false);
    await curator.call('barrier.remove', { handle: 'cb' });
    expect(await waiting.promise).toBe(true);
  });
});

describe('DoubleBarrier with Curator DistributedDoubleBarrier', () => {
  it('one Curator member and two rxzk members enter together and leave together', async () => {
    const path = '/interop/double/one-curator';
    await curator.call('doubleBarrier.create', { handle: 'c1', path, n: 3 });
    const curatorIn = tracked(curator.call('doubleBarrier.enter', { handle: 'c1', timeoutMs: 20_000 }));
    await childrenUntil(observer, path, (names) => names.length === 1);
    const a = new DoubleBarrier(await connect(), path, 3, { identifier: 'node-a' });
    const b = new DoubleBarrier(await connect(), path, 3, { identifier: 'node-b' });
    const aIn = tracked(a.enter({ timeout: 20_000 }));
    await childrenUntil(observer, path, (names) => names.length === 2);
    await observeFor(300);
    expect([curatorIn.settled(), aIn.settled()]).toEqual([false, false]);
    await b.enter({ timeout: 20_000 });
    expect(await curatorIn.promise).toBe(true);
    await aIn.promise;
    expect((await childrenOf(path)).filter((n) => n !== 'ready')).toHaveLength(3);

    // Leaving: none is out until all are.
    const curatorOut = tracked(curator.call('doubleBarrier.leave', { handle: 'c1', timeoutMs: 20_000 }));
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
    await curator.call('doubleBarrier.create', { handle: 'c2', path, n: 3 });
    await curator.call('doubleBarrier.create', { handle: 'c3', path, n: 3 });
    const curatorIn = [
      curator.call('doubleBarrier.enter', { handle: 'c2', timeoutMs: 20_000 }),
      curator.call('doubleBarrier.enter', { handle: 'c3', timeoutMs: 20_000 }),
    ];
    await childrenUntil(observer, path, (names) => names.length === 2);
    const rx = new DoubleBarrier(await connect(), path, 3);
    await rx.enter({ timeout: 20_000 });
    expect(await Promise.all(curatorIn)).toEqual([true, true]);
    const leaving = [
      curator.call('doubleBarrier.leave', { handle: 'c2', timeoutMs: 20_000 }),
      curator.call('doubleBarrier.leave', { handle: 'c3', timeoutMs: 20_000 }),
      rx.leave({ timeout: 20_000 }),
    ];
    expect(await Promise.all(leaving)).toEqual([true, true, undefined]);
    expect(await childrenOf(path)).toEqual([]);
  });
});
