// TreeCache against a real ZooKeeper 3.8: the initial snapshot, changes in the server's order, a resync that
// emits only the real differences after a dropped connection and after an expiry, and one server watch for
// 10,000 nodes.
import { InvalidArgumentError, InvalidPathError, NoNodeError, createClient, joinPath, type Stat, type ZooKeeperClient } from '../../../src';
import { TreeCache, type TreeCacheEvent } from '../../../src/recipes';
import { fourLetterWord, zooKeeperHarness } from '../../../src/testing';
import { one } from '../../support/fixtures';
import { Recorder, show } from '../../support/recorder';

const harness = zooKeeperHarness();
beforeAll(() => harness.setup(), 60_000);
afterAll(() => harness.teardown(), 60_000);

const caches: TreeCache[] = [];
afterEach(async () => {
  await Promise.all(caches.splice(0).map((c) => c.close()));
});
function cacheOf(zk: ZooKeeperClient, path: string, opts?: ConstructorParameters<typeof TreeCache>[2]): { cache: TreeCache; events: Recorder<TreeCacheEvent> } {
  const cache = new TreeCache(zk, path, opts);
  caches.push(cache);
  return { cache, events: new Recorder(cache.events$) };
}

/** A fresh recursive read of a subtree: path → data as text and the whole stat. */
async function freshRead(zk: ZooKeeperClient, root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const visit = async (path: string): Promise<void> => {
    try {
      const { data, stat } = await one(zk.get(path));
      out.set(path, `${data.toString()}@${show(stat)}`);
      const names = await one(zk.getChildren(path));
      await Promise.all(names.map((n) => visit(joinPath(path, n))));
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
  };
  await visit(root);
  return out;
}
function cachedView(snapshot: ReadonlyMap<string, { data: Buffer; stat: Stat }>): Map<string, string> {
  return new Map([...snapshot].map(([p, n]) => [p, `${n.data.toString()}@${show(n.stat)}`]));
}
/** Waits until the cache equals a fresh read (fenced by sync), re-checked after each event. */
async function untilEqual(zk: ZooKeeperClient, cache: TreeCache, root: string): Promise<void> {
  await one(zk.sync(root));
  const expected = await freshRead(zk, root);
  const snapshots = new Recorder(cache.snapshot$);
  try {
    await snapshots.last((s) => JSON.stringify([...cachedView(s)].sort()) === JSON.stringify([...expected].sort()), 20_000);
  } finally {
    snapshots.subscription.unsubscribe();
  }
}
const nodeEvents = (events: TreeCacheEvent[]) => events.map((e) => ('path' in e ? `${e.type} ${e.path}` : e.type));

describe('TreeCache', () => {
  it('refuses bad arguments before anything is sent', async () => {
    const zk = await harness.client();
    expect(() => new TreeCache(zk, 'no-slash')).toThrow(InvalidPathError);
    expect(() => new TreeCache(zk, '/a', { watchMode: 'sometimes' as never })).toThrow(InvalidArgumentError);
    expect(() => new TreeCache(zk, '/a', { concurrency: 0 })).toThrow(InvalidArgumentError);
    const { cache } = cacheOf(zk, '/a');
    expect(() => cache.get('bad')).toThrow(InvalidPathError);
  });

  it('emits NODE_ADDED for every node then INITIALIZED, and then each change in order', async () => {
    const zk = await harness.client();
    await one(zk.create('/app/config/db', 'url=a', { makePath: true }));
    await one(zk.create('/app/config/cache', 'on'));
    const { cache, events } = cacheOf(zk, '/app');
    expect(cache.size).toBe(0);
    await cache.start();
    expect(nodeEvents(events.values).sort()).toEqual(['INITIALIZED', 'NODE_ADDED /app', 'NODE_ADDED /app/config', 'NODE_ADDED /app/config/cache', 'NODE_ADDED /app/config/db']);
    expect(cache.size).toBe(4); // the root included
    expect(events.values[events.values.length - 1]).toEqual({ type: 'INITIALIZED' });
    expect(cache.get('/app/config/db')?.data.toString()).toBe('url=a');
    expect(cache.children('/app/config')).toEqual(['cache', 'db']);
    expect(cache.children('/nothing')).toBeUndefined();

    events.values.length = 0;
    await one(zk.set('/app/config/db', 'url=b'));
    await one(zk.create('/app/config/db/pool', '5'));
    await one(zk.delete('/app/config/cache'));
    await events.until((vs) => vs.length >= 3);
    expect(nodeEvents(events.values)).toEqual(['NODE_UPDATED /app/config/db', 'NODE_ADDED /app/config/db/pool', 'NODE_REMOVED /app/config/cache']);
    const removed = events.values[2];
    expect('data' in removed && removed.data.toString()).toBe('on');
    expect(cache.get('/app/config/db')?.data.toString()).toBe('url=b');
    expect(cache.get('/app/config/cache')).toBeUndefined();
    expect(cache.size).toBe(4); // one added, one removed
  });

  it('tells a create, an update and a delete in the order the server made them, however the reads end', async () => {
    const zk = await harness.client();
    await one(zk.create('/order/old', 'o', { makePath: true }));
    await one(zk.create('/order/kept', 'k0'));
    const { cache, events } = cacheOf(zk, '/order');
    await cache.start();
    events.values.length = 0;
    // One transaction: the notifications come back to back; the create and the set need reads, the delete none.
    await one(zk.transaction().create('/order/new', 'n').set('/order/kept', 'k1').delete('/order/old').commit());
    await events.until((vs) => vs.length >= 3);
    expect(nodeEvents(events.values)).toEqual(['NODE_ADDED /order/new', 'NODE_UPDATED /order/kept', 'NODE_REMOVED /order/old']);
  });

  it('removes its server watch at close(), completes its streams and refuses to start again', async () => {
    const zk = await harness.client();
    await one(zk.create('/closing', 'c'));
    const total = async () => watchCount(await fourLetterWord(harness.server.connectString, 'wchs'));
    const before = await total();
    const { cache, events } = cacheOf(zk, '/closing');
    await cache.start();
    expect(await total()).toBe(before + 1);
    const snapshots = new Recorder(cache.snapshot$);
    await cache.close();
    expect(events.completed).toBe(true);
    expect(snapshots.completed).toBe(true);
    await one(zk.sync('/closing'));
    expect(await total()).toBe(before);
    await expect(cache.start()).rejects.toThrow(/closed/);
    // What it held stays readable.
    expect(cache.get('/closing')?.data.toString()).toBe('c');
  });

  it('caches a root created later and forgets it when deleted', async () => {
    const zk = await harness.client();
    const { cache, events } = cacheOf(zk, '/later');
    await cache.start();
    expect(cache.get('/later')).toBeUndefined();
    await one(zk.create('/later', 'x'));
    await one(zk.create('/later/child', 'y'));
    await events.until((vs) => nodeEvents(vs).includes('NODE_ADDED /later/child'));
    await one(zk.delete('/later', { recursive: true }));
    await events.until((vs) => nodeEvents(vs).includes('NODE_REMOVED /later'));
    expect(cache.get('/later/child')).toBeUndefined();
  });

  it('equals a fresh recursive read after 300 random changes', async () => {
    const zk = await harness.client();
    await one(zk.create('/rand', ''));
    const { cache } = cacheOf(zk, '/rand');
    await cache.start();
    const paths = ['/rand'];
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      const target = paths[random(paths.length)];
      const op = random(3);
      if (op === 0 || target === '/rand') {
        const child = `${target}/n${i}`;
        paths.push(child);
        writes.push(one(zk.create(child, `v${i}`)).catch(() => undefined));
      } else if (op === 1) writes.push(one(zk.set(target, `v${i}`)).catch(() => undefined));
      else {
        paths.splice(paths.indexOf(target), 1);
        writes.push(one(zk.delete(target, { recursive: true })).catch(() => undefined));
      }
    }
    await Promise.all(writes);
    await untilEqual(zk, cache, '/rand');
  });

  it('after a dropped connection emits only the changes made meanwhile, then INITIALIZED again', async () => {
    const zk = await harness.client();
    const writer = await writerFor(zk);
    await one(zk.create('/cut/a', 'a0', { makePath: true }));
    await one(zk.create('/cut/b', 'b0'));
    await one(zk.create('/cut/same', 's'));
    const { cache, events } = cacheOf(zk, '/cut');
    await cache.start();
    const before = cache.get('/cut/a');
    events.values.length = 0;

    const cut = harness.loseConnection(zk, { for: 2_000 });
    await events.until((vs) => vs.some((e) => e.type === 'CONNECTION_SUSPENDED'));
    // Made by another client while this one is cut off: no notification of them ever reaches it.
    await one(writer.delete('/cut/a'));
    await one(writer.create('/cut/a', 'a0'));
    await one(writer.set('/cut/b', 'b1'));
    await one(writer.create('/cut/c', 'c0'));
    await cut;
    await events.until((vs) => vs.some((e) => e.type === 'INITIALIZED'), 20_000);
    await untilEqual(zk, cache, '/cut');
    const told = nodeEvents(events.values);
    expect(told[0]).toBe('CONNECTION_SUSPENDED');
    expect(told[1]).toBe('CONNECTION_RECONNECTED');
    expect(told.slice(2, -1).sort()).toEqual(['NODE_ADDED /cut/c', 'NODE_UPDATED /cut/a', 'NODE_UPDATED /cut/b']);
    expect(told[told.length - 1]).toBe('INITIALIZED');
    // Re-created with the same data and version 0 again: told by its new czxid and mzxid.
    expect(cache.get('/cut/a')?.stat.czxid).not.toBe(before?.stat.czxid);
    expect(cache.get('/cut/a')?.stat.version).toBe(0);
  }, 60_000);

  it('after an expiry emits CONNECTION_LOST, resyncs on the new session and keeps following changes', async () => {
    const zk = await harness.client();
    const writer = await writerFor(zk);
    await one(zk.create('/exp/a', 'a0', { makePath: true }));
    await one(zk.create('/exp/gone', 'g'));
    const { cache, events } = cacheOf(zk, '/exp');
    await cache.start();
    events.values.length = 0;
    await harness.expireSession(zk);
    await one(writer.delete('/exp/gone'));
    await events.until((vs) => vs.some((e) => e.type === 'INITIALIZED'), 20_000);
    expect(nodeEvents(events.values)).toContain('CONNECTION_LOST');
    await untilEqual(zk, cache, '/exp');
    // The recursive watch is back on the new session.
    await one(writer.set('/exp/a', 'a1'));
    await events.until((vs) => vs.some((e) => e.type === 'NODE_UPDATED' && e.path === '/exp/a'));
    expect(cache.get('/exp/a')?.data.toString()).toBe('a1');
    expect(cache.get('/exp/gone')).toBeUndefined();
  }, 60_000);

  it('follows changes with per-node watches too (a server before 3.6)', async () => {
    const zk = await harness.client();
    await one(zk.create('/pn/a', 'a0', { makePath: true }));
    const { cache, events } = cacheOf(zk, '/pn', { watchMode: 'per-node' });
    await cache.start();
    await one(zk.create('/pn/a/b', 'b0'));
    await one(zk.set('/pn/a', 'a1'));
    await one(zk.delete('/pn/a/b'));
    await events.until((vs) => nodeEvents(vs).includes('NODE_REMOVED /pn/a/b'));
    await untilEqual(zk, cache, '/pn');
  });

  it('initialises 10,000 nodes on one server watch, sending no watch with its reads', async () => {
    const zk = await harness.client();
    await one(zk.create('/big', ''));
    for (let batch = 0; batch < 100; batch++) {
      const tx = zk.transaction();
      for (let i = 0; i < 100; i++) tx.create(`/big/n${batch * 100 + i}`, `v${i}`);
      await one(tx.commit());
    }
    const watchesBefore = watchCount(await fourLetterWord(harness.server.connectString, 'wchs'));
    const { cache, events } = cacheOf(zk, '/big');
    const started = Date.now();
    await cache.start();
    const elapsed = Date.now() - started;
    expect(events.values.filter((e) => e.type === 'NODE_ADDED')).toHaveLength(10_001);
    expect(cache.children('/big')).toHaveLength(10_000);
    const watchesAfter = watchCount(await fourLetterWord(harness.server.connectString, 'wchs'));
    expect(watchesAfter - watchesBefore).toBe(1);
    console.log(`TreeCache: 10,001 nodes initialised in ${elapsed} ms, ${watchesAfter - watchesBefore} server watch`);
    await one(zk.set('/big/n9999', 'changed'));
    await events.until((vs) => vs.some((e) => e.type === 'NODE_UPDATED' && e.path === '/big/n9999'));
  }, 60_000);
});

/** The total of a `wchs` answer ("… connections watching N paths\nTotal watches:M"). */
function watchCount(wchs: string): number {
  const m = /Total watches:\s*(\d+)/.exec(wchs);
  if (m === null) throw new Error(`no watch total in ${wchs}`);
  return Number(m[1]);
}

/** A second client where `zk` is: chrooted to the same harness chroot. */
async function writerFor(zk: ZooKeeperClient): Promise<ZooKeeperClient> {
  const writer = createClient({ hosts: harness.server.connectString, chroot: harness.chrootOf(zk) });
  writers.push(writer);
  await writer.start();
  return writer;
}
const writers: ZooKeeperClient[] = [];
afterEach(async () => {
  await Promise.all(writers.splice(0).map((w) => w.close()));
});
