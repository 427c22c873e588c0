// ReadWriteLock on a real ZooKeeper: Curator's layout, readers sharing, writers excluding, no writer starved by
// readers (kazoo#649, CURATOR-621), readers watching their nearest writer rather than the first one (no herd, unlike
// Curator's readLockPredicate), kazoo's contenders honoured, and bounded waits that leave no node.
import type { ZooKeeperClient } from '../../../src';
import { LockTimeoutError, ReadWriteLock, type Holding } from '../../../src/recipes';
import { one, rejectionOf, until } from '../../support/fixtures';
import { UUID, nodesOf, waitForNodes } from '../leader/support';
import { recipeServer } from '../support/recipe-server';
import { fencedUntil, sessionHex, settled, watchersByPath } from './support';

const env = recipeServer();
const { connect } = env;
let counter = 0;
const rwPath = () => `/rw/t-${++counter}`;
const nodes = (path: string) => nodesOf(env.observer, path);
const nodeCount = (path: string, count: number) => waitForNodes(env.observer, path, count);

/** Resolves once the session of `zk` watches `node` (its contender decided to wait for it). */
const watching = (zk: ZooKeeperClient, node: string) =>
  fencedUntil(env.observer, async () => ((await watchersByPath(env.observer)).get(node)?.includes(sessionHex(zk)) ? true : null));

describe('ReadWriteLock', () => {
  it("writes Curator's __READ__ / __WRIT__ layout with the identifier as data, and kazoo's with { layout: 'kazoo' }", async () => {
    const path = rwPath();
    const zk = await connect();
    const rw = new ReadWriteLock(zk, path, { identifier: 'svc-1' });
    const read = await rw.readLock.acquire();
    const writing = rw.writeLock.acquire();
    await nodeCount(path, 2);
    const [r, w] = await nodes(path);
    expect(r).toMatch(new RegExp(`^_c_${UUID}-__READ__0000000000$`));
    expect(w).toMatch(new RegExp(`^_c_${UUID}-__WRIT__0000000001$`));
    expect((await one(env.observer.get(`${path}/${w}`))).data.toString()).toBe('svc-1');
    expect(read.node).toBe(`${path}/${r}`);
    expect(await rw.readLock.contenders()).toEqual(['svc-1', 'svc-1']);
    await read.release();
    await (await writing).release();

    const kazooPath = rwPath();
    const k = new ReadWriteLock(zk, kazooPath, { layout: 'kazoo' });
    const kr = await k.readLock.acquire();
    const kw = k.writeLock.acquire();
    await nodeCount(kazooPath, 2);
    expect(await nodes(kazooPath)).toEqual([expect.stringMatching(/^[0-9a-f]{32}__rlock__0000000000$/), expect.stringMatching(/^[0-9a-f]{32}__lock__0000000001$/)]);
    await kr.release();
    await (await kw).release();
  });

  it('readers share; a writer waits for every reader, then holds with a greater fencing token', async () => {
    const path = rwPath();
    const [za, zb, zc] = await Promise.all([connect(), connect(), connect()]);
    const r1 = await new ReadWriteLock(za, path).readLock.acquire();
    const r2 = await new ReadWriteLock(zb, path).readLock.acquire({ timeout: 5_000 });
    const writer = new ReadWriteLock(zc, path).writeLock;
    expect(await writer.tryAcquire()).toBeNull();
    const w = settled(writer.acquire());
    await nodeCount(path, 3);
    await watching(zc, r2.node);
    await r1.release();
    await one(zc.sync(path));
    expect(w.done).toBe(false);
    await r2.release();
    const held = await w.promise;
    expect(held.fencingToken).toBeGreaterThan(r2.fencingToken);
    await held.release();
    expect(await nodes(path)).toEqual([]);
  });

  it('a writer excludes readers and writers', async () => {
    const path = rwPath();
    const [za, zb, zc] = await Promise.all([connect(), connect(), connect()]);
    const w = await new ReadWriteLock(za, path).writeLock.acquire();
    expect(await new ReadWriteLock(zb, path).readLock.tryAcquire()).toBeNull();
    expect(await new ReadWriteLock(zc, path).writeLock.tryAcquire()).toBeNull();
    expect(await nodes(path)).toHaveLength(1);
    const reading = new ReadWriteLock(zb, path).readLock.acquire();
    await nodeCount(path, 2);
    await w.release();
    await (await reading).release();
  });

  it('a reader never overtakes a waiting writer: R1 holds, W waits, R2 waits behind W (kazoo#649, CURATOR-621)', async () => {
    const path = rwPath();
    const [za, zb, zc] = await Promise.all([connect(), connect(), connect()]);
    const r1 = await new ReadWriteLock(za, path, { identifier: 'r1' }).readLock.acquire();
    const w = settled(new ReadWriteLock(zb, path, { identifier: 'w' }).writeLock.acquire());
    await nodeCount(path, 2);
    const r2 = settled(new ReadWriteLock(zc, path, { identifier: 'r2' }).readLock.acquire());
    await nodeCount(path, 3);
    const [, wNode] = (await nodes(path)).map((n) => `${path}/${n}`);
    // R2 decided to wait: its session watches W's node.
    await watching(zc, wNode);
    expect(r2.done).toBe(false);
    await r1.release();
    const wHeld = await w.promise;
    await one(zc.sync(path));
    expect(r2.done).toBe(false);
    await wHeld.release();
    const r2Held = await r2.promise;
    expect(r2Held.fencingToken).toBeGreaterThan(wHeld.fencingToken);
    await r2Held.release();
  });

  it('waiting readers watch their NEAREST writer, not the first (no herd among readers)', async () => {
    const path = rwPath();
    const [zw1, zr1, zw2, zr2, zr3] = await Promise.all([connect(), connect(), connect(), connect(), connect()]);
    const w1 = await new ReadWriteLock(zw1, path).writeLock.acquire();
    const r1 = settled(new ReadWriteLock(zr1, path).readLock.acquire());
    await nodeCount(path, 2);
    const w2 = settled(new ReadWriteLock(zw2, path).writeLock.acquire());
    await nodeCount(path, 3);
    const r2 = settled(new ReadWriteLock(zr2, path).readLock.acquire());
    const r3 = settled(new ReadWriteLock(zr3, path).readLock.acquire());
    await nodeCount(path, 5);
    const [w1Node, r1Node, w2Node] = (await nodes(path)).map((n) => `${path}/${n}`);
    await Promise.all([watching(zr1, w1Node), watching(zw2, r1Node), watching(zr2, w2Node), watching(zr3, w2Node)]);
    // Curator's readers would all watch W1 (children.get(firstWriteIndex)): here only R1 does (and W1, its own node).
    const watchers = await watchersByPath(env.observer);
    expect([...(watchers.get(w1Node) ?? [])].sort()).toEqual([sessionHex(zw1), sessionHex(zr1)].sort());
    // W1's release lets R1 in, and only R1: R2 and R3 are behind W2.
    await w1.release();
    const r1Held = await r1.promise;
    await Promise.all([one(zr2.sync(path)), one(zr3.sync(path))]);
    expect([w2.done, r2.done, r3.done]).toEqual([false, false, false]);
    await r1Held.release();
    const w2Held = await w2.promise;
    await w2Held.release();
    const [r2Held, r3Held] = await Promise.all([r2.promise, r3.promise]);
    // R2 and R3 hold together.
    expect([r2Held.state, r3Held.state]).toEqual(['HELD', 'HELD']);
    await Promise.all([r2Held.release(), r3Held.release()]);
  });

  it('a waiting reader whose writer gives up moves to the next writer before it', async () => {
    const path = rwPath();
    const [zw1, zw2, zr] = await Promise.all([connect(), connect(), connect()]);
    const w1 = await new ReadWriteLock(zw1, path).writeLock.acquire();
    const controller = new AbortController();
    const w2 = new ReadWriteLock(zw2, path).writeLock.acquire({ signal: controller.signal });
    await nodeCount(path, 2);
    const r = settled(new ReadWriteLock(zr, path).readLock.acquire());
    await nodeCount(path, 3);
    const [w1Node, w2Node] = (await nodes(path)).map((n) => `${path}/${n}`);
    await watching(zr, w2Node);
    controller.abort(new Error('not needed'));
    expect((await rejectionOf(w2)).message).toBe('not needed');
    await watching(zr, w1Node);
    expect(r.done).toBe(false);
    await w1.release();
    await (await r.promise).release();
  });

  it("honours kazoo's contenders: a __lock__ (WriteLock) node excludes a reader, an __rlock__ node only a writer", async () => {
    const path = rwPath();
    const kazooLike = await connect();
    await one(kazooLike.ensurePath(path));
    const writerNode = await one(kazooLike.create(`${path}/${'a'.repeat(32)}__lock__`, 'py', { ephemeral: true, sequential: true }));
    const zk = await connect();
    const rw = new ReadWriteLock(zk, path);
    expect(await rw.readLock.tryAcquire()).toBeNull();
    await one(kazooLike.delete(writerNode));
    const readerNode = await one(kazooLike.create(`${path}/${'b'.repeat(32)}__rlock__`, 'py', { ephemeral: true, sequential: true }));
    const read = await rw.readLock.tryAcquire();
    expect(read).not.toBeNull();
    await read!.release();
    expect(await rw.writeLock.tryAcquire()).toBeNull();
    await one(kazooLike.delete(readerNode));
    await (await rw.writeLock.acquire({ timeout: 5_000 })).release();
  });

  it('a timed-out reader and an aborted writer leave no node', async () => {
    const path = rwPath();
    const [za, zb] = await Promise.all([connect(), connect()]);
    const w = await new ReadWriteLock(za, path).writeLock.acquire();
    const err = await rejectionOf(new ReadWriteLock(zb, path).readLock.acquire({ timeout: 300 }));
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect(await nodes(path)).toEqual([w.node.split('/').pop()]);
    const controller = new AbortController();
    const waiting = new ReadWriteLock(zb, path).writeLock.acquire({ signal: controller.signal });
    await nodeCount(path, 2);
    const reason = new Error('shutdown');
    controller.abort(reason);
    expect(await rejectionOf(waiting)).toBe(reason);
    expect(await nodes(path)).toHaveLength(1);
    await w.release();
  });

  it('never lets a writer hold together with anyone, under contention; every contender gets its turns', async () => {
    const path = rwPath();
    const clients = await Promise.all([0, 1, 2, 3].map(() => connect()));
    let readers = 0;
    let writers = 0;
    let sharedReads = 0;
    const overlaps: string[] = [];
    const tokens: bigint[] = [];
    const inside = async (h: Holding, kind: 'read' | 'write') => {
      if (kind === 'write') writers++;
      else readers++;
      if (writers > 1 || (writers > 0 && readers > 0)) overlaps.push(`${writers} writers, ${readers} readers`);
      if (readers > 1) sharedReads++;
      tokens.push(h.fencingToken);
      // A round trip inside: the others get their chance to overlap if the lock lets them.
      await one(env.observer.sync(path));
      if (kind === 'write') writers--;
      else readers--;
    };
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const rw = new ReadWriteLock(clients[i % clients.length], path, { identifier: `c${i}` });
        for (let round = 0; round < 3; round++) {
          const kind = (i + round) % 3 === 0 ? 'write' : 'read';
          const half = kind === 'write' ? rw.writeLock : rw.readLock;
          await half.withLock((h) => inside(h, kind));
        }
      }),
    );
    expect(overlaps).toEqual([]);
    expect(tokens).toHaveLength(30);
    expect(sharedReads).toBeGreaterThan(0);
    expect(await nodes(path)).toEqual([]);
  });

  it('a waiting reader goes on across a dropped connection and holds once the writer releases', async () => {
    const path = rwPath();
    const w = await new ReadWriteLock(await connect(), path).writeLock.acquire();
    const proxy = await env.proxy();
    const zk = await connect({ hosts: proxy.address, sessionTimeout: 20_000 });
    const reading = new ReadWriteLock(zk, path).readLock.acquire({ timeout: 25_000 });
    await nodeCount(path, 2);
    proxy.cut();
    await until(zk, 'CONNECTED');
    await w.release();
    const r = await reading;
    expect(r.state).toBe('HELD');
    await r.release();
  });

  it('refuses bad arguments before anything is sent', () => {
    const zk = env.observer;
    expect(() => new ReadWriteLock(zk, 'no-slash')).toThrow(/path/i);
    expect(() => new ReadWriteLock(zk, '/x', { identifier: 7 as unknown as string })).toThrow(/identifier/);
    expect(() => new ReadWriteLock(zk, '/x', { layout: 'zk' as unknown as 'kazoo' })).toThrow(/layout/);
  });
});
