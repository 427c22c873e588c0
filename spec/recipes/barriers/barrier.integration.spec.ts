// Barrier on a real ZooKeeper: up while its node exists; waiters released when it goes, bounded waits that
// answer false, and waits that go on across a dropped connection and an expiry (kazoo's Barrier.wait does
// not: barrier.py warns that it raises on a connection loss).
import { ClientClosedError, InvalidArgumentError, InvalidPathError, type ZooKeeperClient } from '../../../src';
import { Barrier } from '../../../src/recipes';
import { TcpProxy, waitFor } from '../../../src/testing';
import { one, rejectionOf, until, observeFor, expireAndRenew } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';
import { Recorder } from '../../support/recorder';

const env = recipeServer();
const { connect } = env;
let counter = 0;
const barrierPath = () => `/barriers/b-${++counter}/gate`;

/** A client behind its own proxy, so that its connection can be cut. */
async function proxied(sessionTimeout = 20_000): Promise<{ zk: ZooKeeperClient; proxy: TcpProxy }> {
  const proxy = await env.proxy();
  return { zk: await connect({ hosts: proxy.address, sessionTimeout }), proxy };
}

/** Tracks whether a promise has settled yet (a wait that must still be pending). */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { promise, settled: () => settled };
}

/** Whether the server holds a data/exists watch on `path`, by anyone (wchp lists each watched path once). */
async function watched(path: string): Promise<boolean> {
  await one(env.observer.sync(path));
  const text = await one(env.observer.command('wchp'));
  return text.split('\n').some((line) => line.trim() === path);
}

describe('Barrier', () => {
  it('create() makes a persistent, empty node under container parents; wait() is false while it is up and true once removed', async () => {
    const path = barrierPath();
    const barrier = new Barrier(await connect(), path);
    await barrier.create();
    await barrier.create(); // idempotent
    const { data, stat } = await one(env.observer.get(path));
    expect(data.length).toBe(0);
    expect(stat.ephemeralOwner).toBe(0n);
    expect(await barrier.wait({ timeout: 0 })).toBe(false);
    expect(await barrier.wait({ timeout: 300 })).toBe(false);

    // Three waiters on three clients, all held until the barrier goes.
    const waits = await Promise.all([1, 2, 3].map(async () => tracked(new Barrier(await connect(), path).wait({ timeout: 20_000 }))));
    await observeFor(300);
    expect(waits.map((w) => w.settled())).toEqual([false, false, false]);
    await new Barrier(await connect(), path).remove();
    expect(await Promise.all(waits.map((w) => w.promise))).toEqual([true, true, true]);
    await barrier.remove(); // idempotent
    expect(await barrier.wait()).toBe(true);
    expect(await barrier.wait({ timeout: 0 })).toBe(true);

    // The parents are containers: the server reaps them once empty.
    const parent = new Recorder(env.observer.exists$(path.slice(0, path.lastIndexOf('/'))));
    await parent.until((stats) => stats[stats.length - 1] === null, 15_000);
    parent.subscription.unsubscribe();
  });

  it('wait$() emits nothing and completes once the node is gone; unsubscribing releases its watch', async () => {
    const path = barrierPath();
    const zk = await connect();
    const barrier = new Barrier(zk, path);
    await barrier.create();
    const waiting = new Recorder(barrier.wait$());
    await waitForWatch(path, 1);
    await barrier.remove();
    await waiting.until(() => waiting.completed);
    expect(waiting.values).toEqual([]);

    await barrier.create();
    const left = new Recorder(barrier.wait$());
    await waitForWatch(path, 1);
    left.subscription.unsubscribe();
    await waitForWatch(path, 0);
    await barrier.remove();
    expect(left.completed).toBe(false);
  });

  it("a signal aborts wait() with the signal's reason, and releases its watch", async () => {
    const path = barrierPath();
    const barrier = new Barrier(await connect(), path);
    await barrier.create();
    const controller = new AbortController();
    const waiting = barrier.wait({ signal: controller.signal });
    await waitForWatch(path, 1);
    controller.abort(new Error('shutting down'));
    expect((await rejectionOf(waiting)).message).toBe('shutting down');
    await waitForWatch(path, 0);
    await expect(barrier.wait({ signal: controller.signal })).rejects.toThrow('shutting down');
    await barrier.remove();
  });

  it('goes on waiting across a dropped connection: a removal made while cut off releases the waiter once back', async () => {
    const path = barrierPath();
    const admin = new Barrier(await connect(), path);
    await admin.create();
    const { zk, proxy } = await proxied();
    const waiting = tracked(new Barrier(zk, path).wait({ timeout: 30_000 }));
    await waitForWatch(path, 1);
    proxy.refuse();
    await until(zk, 'SUSPENDED');
    await admin.remove();
    await observeFor(300);
    expect(waiting.settled()).toBe(false);
    proxy.accept();
    expect(await waiting.promise).toBe(true);
  });

  it('goes on waiting across an expired session', async () => {
    const path = barrierPath();
    const admin = new Barrier(await connect(), path);
    await admin.create();
    const zk = await connect();
    const waiting = tracked(new Barrier(zk, path).wait({ timeout: 30_000 }));
    await waitForWatch(path, 1);
    // The client learns of the expiry when it next hears from the server: wait for its new session.
    await expireAndRenew(env.server, zk);
    // The wait's watch is set again on the new session.
    await waitForWatch(path, 1);
    expect(waiting.settled()).toBe(false);
    await admin.remove();
    expect(await waiting.promise).toBe(true);
  });

  it('a wait ends with ClientClosedError when its client closes', async () => {
    const path = barrierPath();
    const zk = await connect();
    const barrier = new Barrier(zk, path);
    await barrier.create();
    const waiting = barrier.wait();
    const waiting$ = new Recorder(barrier.wait$());
    await waitForWatch(path, 1);
    await zk.close();
    expect(await rejectionOf(waiting)).toBeInstanceOf(ClientClosedError);
    await waiting$.until(() => waiting$.error !== undefined).catch(() => undefined);
    expect(waiting$.error).toBeInstanceOf(ClientClosedError);
    await new Barrier(env.observer, path).remove();
  });

  it('refuses bad arguments before sending anything', async () => {
    const zk = await connect();
    expect(() => new Barrier(zk, 'no-slash')).toThrow(InvalidPathError);
    const barrier = new Barrier(zk, barrierPath());
    await expect(barrier.wait({ timeout: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(barrier.wait({ timeout: Number.NaN })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(barrier.wait({ signal: 'stop' as unknown as AbortSignal })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(barrier.wait('soon' as unknown as { timeout: number })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

/** Waits until the server does (1) or does not (0) hold a data/exists watch on `path` (the four-letter word wchp). */
async function waitForWatch(path: string, n: 0 | 1): Promise<void> {
  await waitFor(async () => (await watched(path)) === (n === 1), { timeout: 15_000, description: `${n ? 'a' : 'no'} watch on ${path}` });
}
