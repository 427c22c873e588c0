// TreeCache's maxDepth and selector (Curator's TreeCache.Builder.setMaxDepth and TreeCacheSelector) on a real
// ZooKeeper 3.8: only the nodes in scope are held, told and counted — after the initial load, after changes
// anywhere in the subtree (the one recursive watch tells of all of them), and after a resync on a new session —
// with the recursive watch and with per-node watches.
import { InvalidArgumentError, NoNodeError, createClient, joinPath, type ZooKeeperClient } from '../../../src';
import { TreeCache, type TreeCacheEvent, type TreeCacheOptions, type TreeCacheSelector } from '../../../src/recipes';
import { zooKeeperHarness } from '../../../src/testing';
import { one, rejectionOf } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';

const harness = zooKeeperHarness();
beforeAll(() => harness.setup(), 60_000);
afterAll(() => harness.teardown(), 60_000);

const caches: TreeCache[] = [];
afterEach(async () => {
  await Promise.all(caches.splice(0).map((c) => c.close()));
});
function cacheOf(zk: ZooKeeperClient, path: string, opts?: TreeCacheOptions): { cache: TreeCache; events: Recorder<TreeCacheEvent> } {
  const cache = new TreeCache(zk, path, opts);
  caches.push(cache);
  return { cache, events: new Recorder(cache.events$) };
}
/** A second client where `zk` is: chrooted to the same harness chroot. */
const writers: ZooKeeperClient[] = [];
afterEach(async () => {
  await Promise.all(writers.splice(0).map((w) => w.close()));
});
async function writerFor(zk: ZooKeeperClient): Promise<ZooKeeperClient> {
  const writer = createClient({ hosts: harness.server.connectString, chroot: harness.chrootOf(zk) });
  writers.push(writer);
  await writer.start();
  return writer;
}
const nodeEvents = (events: TreeCacheEvent[]) => events.map((e) => ('path' in e ? `${e.type} ${e.path}` : e.type));

/** A fresh read of what Curator's rules keep of a subtree (written apart from TreeScope): path → data, czxid, mzxid. */
async function scopedRead(zk: ZooKeeperClient, root: string, maxDepth: number, selector: TreeCacheSelector = {}): Promise<Map<string, string>> {
  await one(zk.sync(root));
  const out = new Map<string, string>();
  const visit = async (path: string, depth: number): Promise<void> => {
    try {
      const { data, stat } = await one(zk.get(path));
      out.set(path, `${data.toString()}@${stat.czxid}/${stat.mzxid}`);
      if (depth >= maxDepth || selector.traverseChildren?.(path) === false) return;
      const names = await one(zk.getChildren(path));
      await Promise.all(names.map((n) => joinPath(path, n)).filter((c) => selector.acceptChild?.(c) !== false).map((c) => visit(c, depth + 1)));
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
  };
  await visit(root, 0);
  return out;
}
function held(cache: TreeCache, root: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (path: string): void => {
    const node = cache.get(path);
    if (node === undefined) return;
    out.set(path, `${node.data.toString()}@${node.stat.czxid}/${node.stat.mzxid}`);
    for (const name of cache.children(path) ?? []) visit(joinPath(path, name));
  };
  visit(root);
  return out;
}
const sorted = (m: ReadonlyMap<string, unknown>) => [...m.keys()].sort();

describe('TreeCache maxDepth and selector', () => {
  it('refuses a bad maxDepth or selector, and an unknown key, before anything is sent', async () => {
    const zk = await harness.client();
    for (const maxDepth of [-1, 1.5, NaN, '2', null]) expect(() => new TreeCache(zk, '/a', { maxDepth: maxDepth as never })).toThrow(InvalidArgumentError);
    expect(() => new TreeCache(zk, '/a', { maxdepth: 1 } as never)).toThrow(/unknown option 'maxdepth' \(did you mean 'maxDepth'\?\)/);
    expect(() => new TreeCache(zk, '/a', { selector: (() => true) as never })).toThrow(InvalidArgumentError);
    expect(() => new TreeCache(zk, '/a', { selector: { acceptChild: true } as never })).toThrow(/acceptChild must be a function/);
    expect(() => new TreeCache(zk, '/a', { selector: { acceptChildren: () => true } as never })).toThrow(/unknown option 'acceptChildren'/);
    // Accepted: 0, Infinity, an empty selector, a class instance with fields of its own.
    class Skip { constructor(readonly suffix: string) {} acceptChild(p: string) { return !p.endsWith(this.suffix); } }
    for (const opts of [{ maxDepth: 0 }, { maxDepth: Infinity }, { selector: {} }, { selector: new Skip('x') }]) expect(() => new TreeCache(zk, '/a', opts)).not.toThrow();
  });

  for (const watchMode of ['recursive', 'per-node'] as const) {
    it(`maxDepth 0 holds the root only, maxDepth 1 its children too; deeper changes are never told (${watchMode})`, async () => {
      const zk = await harness.client();
      const root = `/depth-${watchMode}`;
      await one(zk.create(`${root}/a/a1/a2`, 'deep', { makePath: true }));
      await one(zk.create(`${root}/b`, 'b'));
      const only = cacheOf(zk, root, { watchMode, maxDepth: 0 });
      const one_ = cacheOf(zk, root, { watchMode, maxDepth: 1 });
      await Promise.all([only.cache.start(), one_.cache.start()]);
      expect(nodeEvents(only.events.values)).toEqual([`NODE_ADDED ${root}`, 'INITIALIZED']);
      expect(only.cache.size).toBe(1);
      expect(only.cache.children(root)).toEqual([]);
      expect(nodeEvents(one_.events.values).sort()).toEqual(['INITIALIZED', `NODE_ADDED ${root}`, `NODE_ADDED ${root}/a`, `NODE_ADDED ${root}/b`]);
      expect(one_.cache.size).toBe(3);
      expect(one_.cache.get(`${root}/a/a1`)).toBeUndefined();
      for (const c of [only, one_]) c.events.values.length = 0;

      // Below the depth: created, changed, deleted — and a new child of the root that comes with a subtree.
      await one(zk.create(`${root}/a/a1/new`, 'n'));
      await one(zk.set(`${root}/a/a1`, 'changed'));
      await one(zk.delete(`${root}/a/a1/a2`));
      await one(zk.transaction().create(`${root}/c`, 'c').create(`${root}/c/c1`, 'c1').commit());
      // Fence: the root's own change comes after them all, in the server's order.
      await one(zk.set(root, 'fence'));
      await only.events.until((vs) => nodeEvents(vs).includes(`NODE_UPDATED ${root}`));
      await one_.events.until((vs) => nodeEvents(vs).includes(`NODE_UPDATED ${root}`));
      expect(nodeEvents(only.events.values)).toEqual([`NODE_UPDATED ${root}`]);
      expect(nodeEvents(one_.events.values)).toEqual([`NODE_ADDED ${root}/c`, `NODE_UPDATED ${root}`]);
      expect(one_.cache.children(`${root}/c`)).toEqual([]);
      expect(one_.cache.size).toBe(4);
      expect(held(only.cache, root)).toEqual(await scopedRead(zk, root, 0));
      expect(held(one_.cache, root)).toEqual(await scopedRead(zk, root, 1));
    });
  }

  it("a selector as TreeCacheSelector's javadoc: an untraversed node's children and a refused node's subtree are never held, told or counted, also after a resync", async () => {
    const zk = await harness.client();
    const writer = await writerFor(zk);
    for (const p of ['/sel/n1-a', '/sel/n1-b/n2-a', '/sel/n1-b/n2-b/n3-a', '/sel/n1-c/x', '/sel/n1-d']) await one(zk.create(p, p, { makePath: true }));
    const selector: TreeCacheSelector = {
      traverseChildren: (path) => path !== '/sel/n1-b/n2-b',
      acceptChild: (path) => path !== '/sel/n1-c',
    };
    const { cache, events } = cacheOf(zk, '/sel', { selector });
    const snapshots = new Recorder(cache.snapshot$);
    await cache.start();
    const expected = ['/sel', '/sel/n1-a', '/sel/n1-b', '/sel/n1-b/n2-a', '/sel/n1-b/n2-b', '/sel/n1-d'];
    expect(sorted(held(cache, '/sel'))).toEqual(expected);
    expect(nodeEvents(events.values).filter((e) => e !== 'INITIALIZED').sort()).toEqual(expected.map((p) => `NODE_ADDED ${p}`));
    expect(cache.size).toBe(6);
    expect(sorted(await snapshots.last(() => true))).toEqual(expected);
    events.values.length = 0;

    await one(writer.create('/sel/n1-b/n2-b/n3-b', 'no'));
    await one(writer.set('/sel/n1-c', 'no'));
    await one(writer.create('/sel/n1-c/y', 'no'));
    await one(writer.delete('/sel/n1-b/n2-b/n3-a'));
    await one(writer.create('/sel/n1-e', 'yes'));
    await events.until((vs) => nodeEvents(vs).includes('NODE_ADDED /sel/n1-e'));
    expect(nodeEvents(events.values)).toEqual(['NODE_ADDED /sel/n1-e']);
    expect(cache.size).toBe(7);
    expect(held(cache, '/sel')).toEqual(await scopedRead(zk, '/sel', Infinity, selector));

    // A resync on a new session reads only the scope again.
    events.values.length = 0;
    await harness.expireSession(zk);
    await one(writer.create('/sel/n1-c/z', 'no'));
    await one(writer.create('/sel/n1-b/n2-a/kept', 'yes'));
    await events.until((vs) => vs.some((e) => e.type === 'INITIALIZED'), 20_000);
    expect(nodeEvents(events.values).filter((e) => e.startsWith('NODE_'))).toEqual(['NODE_ADDED /sel/n1-b/n2-a/kept']);
    expect(held(cache, '/sel')).toEqual(await scopedRead(zk, '/sel', Infinity, selector));
    expect(cache.size).toBe(8);
    expect(cache.get('/sel/n1-c')).toBeUndefined();
    snapshots.subscription.unsubscribe();
  }, 60_000);

  it('maxDepth and a selector together, on 200 random changes, end equal to a fresh read of the scope', async () => {
    const zk = await harness.client();
    await one(zk.create('/mix', ''));
    const selector: TreeCacheSelector = { acceptChild: (p) => !p.endsWith('3') };
    const { cache } = cacheOf(zk, '/mix', { maxDepth: 2, selector });
    await cache.start();
    const paths = ['/mix'];
    let seq = 0;
    for (let i = 0; i < 200; i++) {
      const pick = paths[(i * 7919) % paths.length];
      if (i % 5 === 4 && pick !== '/mix') {
        await one(zk.delete(pick, { recursive: true }));
        for (let j = paths.length - 1; j >= 0; j--) if (paths[j] === pick || paths[j].startsWith(`${pick}/`)) paths.splice(j, 1);
      } else if (i % 3 === 2) {
        await one(zk.set(pick, `v${i}`));
      } else {
        const child = `${pick === '/' ? '' : pick}/n${++seq}`;
        await one(zk.create(child, `c${i}`));
        paths.push(child);
      }
    }
    await one(zk.set('/mix', 'last'));
    const expected = await scopedRead(zk, '/mix', 2, selector);
    const snapshots = new Recorder(cache.snapshot$);
    await snapshots.last(() => cache.get('/mix')?.data.toString() === 'last', 20_000);
    snapshots.subscription.unsubscribe();
    expect(held(cache, '/mix')).toEqual(expected);
    expect(cache.size).toBe(expected.size);
  }, 60_000);

  it('a selector that throws fails the cache with what it threw', async () => {
    const zk = await harness.client();
    await one(zk.create('/throws/a', 'a', { makePath: true }));
    const boom = new Error('selector bug');
    const { cache, events } = cacheOf(zk, '/throws', { selector: { acceptChild: () => { throw boom; } } });
    expect(await rejectionOf(cache.start())).toBe(boom);
    expect(events.error).toBe(boom);
  });
});
