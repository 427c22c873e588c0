// Pipelined contention (issue 20, item 1): an uncontended acquire is one round trip (the list goes out behind the
// create, before its reply), a release one more (the delete); a waiter whose predecessor goes holds with NO request
// (the read of its own node that sets the watch its Holding keeps went out beside its watch on the predecessor, and a
// session's events come in order), unless its connection dropped meanwhile (then it reads its node first), and a
// waiter never takes a decision made without a list for granted when its own node went meanwhile.
import type { OperationRecord, ZooKeeperClient } from '../../../src';
import { Lock, ReadWriteLock, type Holding } from '../../../src/recipes';
import { one, until } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { waitForNodes } from '../leader/support';
import { fencedUntil, sessionHex, settled, watchersByPath } from '../locks/support';
import { recipeServer } from '../support/recipe-server';

const env = recipeServer();
const { connect } = env;
let counter = 0;
const nextPath = () => `/pipelined/t-${++counter}`;

/** Every request `zk` completes while recording, in completion order. */
function record(zk: ZooKeeperClient): { readonly ops: OperationRecord[]; stop(): void } {
  const ops: OperationRecord[] = [];
  const subscription = zk.operations$.subscribe((op) => ops.push(op));
  return { ops, stop: () => subscription.unsubscribe() };
}

/** The contender nodes under `path` in their order (the child that keeps the parent left out). */
async function contendersOf(path: string): Promise<string[]> {
  const children = await one(env.observer.getChildren(path));
  return children.filter((n) => n !== KEEP).sort((a, b) => Number(a.slice(-10)) - Number(b.slice(-10)));
}

const KEEP = 'keep';

/** Resolves once the session of `zk` watches `node`. */
const watching = (zk: ZooKeeperClient, node: string) =>
  fencedUntil(env.observer, async () => ((await watchersByPath(env.observer)).get(node)?.includes(sessionHex(zk)) ? true : null));

/** A lock path whose parent is kept by a child that is no contender (the server reaps an empty container parent). */
async function keptLockPath(): Promise<string> {
  const path = nextPath();
  await one(env.observer.create(`${path}/${KEEP}`, null, { makePath: true }));
  return path;
}

describe('pipelined contention', () => {
  it('an uncontended acquire is one round trip: its list goes out before the create is answered; release is the delete', async () => {
    const path = await keptLockPath();
    const zk = await connect();
    const lock = new Lock(zk, path);
    await (await lock.acquire()).release(); // the first may make the parent
    const cycle = record(zk);
    const holding = await lock.acquire();
    const held = performance.timeOrigin + performance.now();
    expect(holding.state).toBe('HELD');
    await holding.release();
    cycle.stop();
    const ops = [...cycle.ops].sort((x, y) => x.startTime - y.startTime);
    // Released within the turn it was acquired in: three requests, the Holding's own watch never needed.
    expect(ops.map((o) => `${o.op} ${o.path ?? ''}`)).toEqual([
      `create2 ${path}/${holding.node.split('/').pop()!.replace(/\d{10}$/, '')}`,
      `getChildren ${path}`,
      `delete ${holding.node}`,
    ]);
    const [create, list, del] = ops;
    // The list was sent before the create's reply came back: acquiring took one round trip.
    expect(list.startTime).toBeLessThan(create.startTime + create.duration);
    expect(create.startTime + create.duration).toBeLessThanOrEqual(held);
    expect(del.startTime).toBeGreaterThanOrEqual(held);
    expect(await contendersOf(path)).toEqual([]);
  });

  it('a holding kept across I/O sets its watch on its own node (one exists), and is LOST when someone deletes it', async () => {
    const path = await keptLockPath();
    const zk = await connect();
    const cycle = record(zk);
    const holding = await new Lock(zk, path).acquire();
    await watching(zk, holding.node);
    const states = new Recorder(holding.state$);
    await one(env.observer.delete(holding.node));
    await states.until((s) => s.includes('LOST'), 10_000);
    cycle.stop();
    // (LOST, it also deletes the node in the background, should its session outlive a dropped connection.)
    expect(cycle.ops.filter((o) => o.path === holding.node && o.op !== 'delete').map((o) => o.op)).toEqual(['exists']);
  });

  it('tryAcquire on a held lock is one round trip too, and leaves no node', async () => {
    const path = await keptLockPath();
    const held = await new Lock(await connect(), path).acquire();
    const zk = await connect();
    const trying = record(zk);
    expect(await new Lock(zk, path).tryAcquire()).toBeNull();
    trying.stop();
    const [create, list, ...rest] = trying.ops;
    expect([create.op, list.op]).toEqual(['create2', 'getChildren']);
    expect(list.startTime).toBeLessThan(create.startTime + create.duration);
    expect(rest.map((o) => o.op)).toEqual(['delete']);
    expect(await contendersOf(path)).toEqual([held.node.split('/').pop()]);
    await held.release();
  });

  it("a waiter whose predecessor goes holds with no request: its own node's watch, its Holding's, was set while it waited", async () => {
    const path = await keptLockPath();
    const first = await new Lock(await connect(), path).acquire();
    const zk = await connect();
    const waiting = new Lock(zk, path).acquire();
    await waitForNodes(env.observer, path, 3);
    await watching(zk, first.node);
    const [, own] = (await contendersOf(path)).map((n) => `${path}/${n}`);
    await watching(zk, own);
    const handOff = record(zk);
    await first.release();
    const second = await waiting;
    handOff.stop();
    expect(second.node).toBe(own);
    expect(handOff.ops).toEqual([]);
    // The read's watch is the Holding's: a deletion by someone else makes it LOST, with no request of its own.
    const after = record(zk);
    const states = new Recorder(second.state$);
    await one(env.observer.delete(second.node));
    await states.until((s) => s.includes('LOST'), 10_000);
    after.stop();
    expect(after.ops.filter((o) => o.op === 'exists' || o.op === 'getData' || o.op === 'getChildren')).toEqual([]);
  });

  it('only the next in line also watches its own node: every waiter further back keeps one server watch, and reads the list once its sibling goes', async () => {
    const path = await keptLockPath();
    const holderZk = await connect();
    const holder = await new Lock(holderZk, path).acquire();
    const zks = [await connect(), await connect(), await connect()];
    const waiting: Promise<Holding>[] = [];
    for (const [i, zk] of zks.entries()) {
      waiting.push(new Lock(zk, path).acquire());
      await waitForNodes(env.observer, path, i + 3);
    }
    const nodes = (await contendersOf(path)).map((n) => `${path}/${n}`);
    await Promise.all([watching(zks[0], nodes[1]), watching(zks[1], nodes[1]), watching(zks[2], nodes[2])]);
    const watchesOf = (watchers: Map<string, string[]>, zk: ZooKeeperClient): string[] =>
      [...watchers].filter(([, sessions]) => sessions.includes(sessionHex(zk))).map(([node]) => node);
    const watchers = await watchersByPath(env.observer);
    expect(watchesOf(watchers, zks[0]).sort()).toEqual([nodes[0], nodes[1]].sort());
    expect(watchesOf(watchers, zks[1])).toEqual([nodes[1]]);
    expect(watchesOf(watchers, zks[2])).toEqual([nodes[2]]);
    // The next in line holds with no request; the one behind it reads the list (it cannot know the holder went).
    const first = record(zks[0]);
    const second = record(zks[1]);
    await holder.release();
    const h1 = await waiting[0];
    first.stop();
    expect(first.ops).toEqual([]);
    await h1.release();
    const h2 = await waiting[1];
    second.stop();
    expect(second.ops.map((o) => o.op)).toEqual(['getChildren']);
    await h2.release();
    await (await waiting[2]).release();
  });

  it('a waiter whose own node was deleted while it waited does not hold when its predecessor goes: it queues again', async () => {
    const path = await keptLockPath();
    const a = await new Lock(await connect(), path, { identifier: 'a' }).acquire();
    const zkB = await connect();
    const zkC = await connect();
    const b = settled(new Lock(zkB, path, { identifier: 'b' }).acquire());
    await waitForNodes(env.observer, path, 3);
    const c = settled(new Lock(zkC, path, { identifier: 'c' }).acquire());
    await waitForNodes(env.observer, path, 4);
    const [, bNode] = (await contendersOf(path)).map((n) => `${path}/${n}`);
    await watching(zkB, a.node);
    await watching(zkC, bNode);
    // Someone deletes B's node: C now waits for A; B still watches A, unaware.
    await one(env.observer.delete(bNode));
    await watching(zkC, a.node);
    await a.release();
    const cHolding = await c.promise;
    // B learnt its node was gone and queued again, behind C: not holding while C holds.
    const names = await fencedUntil(env.observer, async () => {
      const now = (await contendersOf(path));
      return now.length === 2 ? now : null;
    });
    expect(names[0]).toBe(cHolding.node.split('/').pop());
    await one(env.observer.sync(path));
    expect(b.done).toBe(false);
    await cHolding.release();
    const bHolding = await b.promise;
    expect(bHolding.node).not.toBe(bNode);
    expect(bHolding.fencingToken).toBeGreaterThan(cHolding.fencingToken);
    await bHolding.release();
  });

  it("a waiter goes on waiting when its predecessor's data changes (Curator's Revoker writes there), and holds once it goes", async () => {
    const path = await keptLockPath();
    const first = await new Lock(await connect(), path).acquire();
    const zk = await connect();
    const second = settled(new Lock(zk, path).acquire());
    await waitForNodes(env.observer, path, 3);
    await watching(zk, first.node);
    await one(env.observer.set(first.node, '__REVOKE__'));
    // Its watch fired and is set again: still waiting, still watching the predecessor.
    await watching(zk, first.node);
    expect(second.done).toBe(false);
    await first.release();
    await (await second.promise).release();
  });

  it('a writer behind two readers waits for the other once the nearest goes, and holds with no request once both went', async () => {
    const path = await keptLockPath();
    const r1 = await new ReadWriteLock(await connect(), path).readLock.acquire();
    const r2 = await new ReadWriteLock(await connect(), path).readLock.acquire();
    const zk = await connect();
    const writing = settled(new ReadWriteLock(zk, path).writeLock.acquire());
    await waitForNodes(env.observer, path, 4);
    await watching(zk, r2.node);
    await r2.release();
    // Another reader before it: it reads the list again and waits for that one.
    await watching(zk, r1.node);
    expect(writing.done).toBe(false);
    const handOff = record(zk);
    await r1.release();
    const w: Holding = await writing.promise;
    handOff.stop();
    expect(handOff.ops).toEqual([]);
    await w.release();
  });

  it('a waiter whose connection dropped while it waited reads its own node before it holds (the events restored on reconnect come in no order)', async () => {
    const path = await keptLockPath();
    const first = await new Lock(await connect(), path).acquire();
    const { zk, proxy } = await env.proxied();
    const waiting = new Lock(zk, path).acquire();
    await waitForNodes(env.observer, path, 3);
    await watching(zk, first.node);
    proxy.refuse();
    await until(zk, 'SUSPENDED');
    proxy.accept();
    await until(zk, 'CONNECTED');
    await watching(zk, first.node);
    const handOff = record(zk);
    await first.release();
    const second = await waiting;
    handOff.stop();
    expect(handOff.ops.map((o) => `${o.op} ${o.path ?? ''}`)).toEqual([`getData ${second.node}`]);
    await second.release();
  });
});
