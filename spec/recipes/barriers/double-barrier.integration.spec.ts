// DoubleBarrier on a real ZooKeeper, on Curator's DistributedDoubleBarrier layout: members enter and leave
// together; `ready` is never counted as a member (Netflix/curator#99); a timed-out entrant removes its node, so
// latecomers are not let through by it (CURATOR-318); a lone member never passes on a spurious wake-up, a cut
// connection or an expiry (GH-1290); leave() resolves only once every member has left.
import type { ZooKeeperClient } from '../../../src';
import { InvalidArgumentError, InvalidPathError, NoNodeError } from '../../../src';
import { DoubleBarrier, LockTimeoutError } from '../../../src/recipes';
import { TcpProxy, waitFor } from '../../../src/testing';
import { observeFor, one, rejectionOf, until, expireAndRenew } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';
import { childrenUntil } from '../leader/support';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const env = recipeServer();
const { connect } = env;
let counter = 0;
const barrierPath = () => `/double/job-${++counter}`;

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

/** The children of a barrier, sorted ([] when it does not exist). */
async function childrenOf(path: string): Promise<string[]> {
  return (await one(env.observer.getChildren(path)).catch((err: unknown) => (err instanceof NoNodeError ? [] : Promise.reject(err)))).sort();
}

/** Waits until the barrier's members (every child but `ready`) number `n`; gives all its children. */
function membersUntil(path: string, n: number): Promise<string[]> {
  return childrenUntil(env.observer, path, (names) => names.filter((name) => name !== 'ready').length === n);
}

/** `n` members of one barrier, each on its own client. */
async function members(path: string, count: number, n = count): Promise<DoubleBarrier[]> {
  return Promise.all(Array.from({ length: n }, async (_, i) => new DoubleBarrier(await connect(), path, count, { identifier: `member-${i}` })));
}

describe('DoubleBarrier enter', () => {
  it("lets 3 in together, on Curator's layout: <uuid> ephemerals with the identifier as data, and ready", async () => {
    const path = barrierPath();
    const [a, b, c] = await members(path, 3);
    const first = tracked(a.enter({ timeout: 20_000 }));
    const second = tracked(b.enter({ timeout: 20_000 }));
    await membersUntil(path, 2);
    await observeFor(300);
    expect([first.settled(), second.settled()]).toEqual([false, false]);
    await c.enter({ timeout: 20_000 });
    await Promise.all([first.promise, second.promise]);

    const names = await childrenOf(path);
    expect(names).toHaveLength(4);
    expect(names).toContain('ready');
    const memberNames = names.filter((n) => n !== 'ready');
    for (const name of memberNames) expect(name).toMatch(UUID);
    const nodes = await Promise.all(memberNames.map((name) => one(env.observer.get(`${path}/${name}`))));
    expect(nodes.map((n) => n.data.toString()).sort()).toEqual(['member-0', 'member-1', 'member-2']);
    for (const n of nodes) expect(n.stat.ephemeralOwner).not.toBe(0n);
    expect((await one(env.observer.exists(`${path}/ready`)))!.ephemeralOwner).toBe(0n);

    // With ready counted, the lowest member would wait for "ready" (it sorts last) and never leave.
    await Promise.all([a, b, c].map((m) => m.leave({ timeout: 20_000 })));
    expect(await childrenOf(path)).toEqual([]);
  });

  it('lets a member in at once when the barrier is already open, and counts more than the threshold', async () => {
    const path = barrierPath();
    const [a, b, late] = await members(path, 2, 3);
    await Promise.all([a.enter({ timeout: 20_000 }), b.enter({ timeout: 20_000 })]);
    await late.enter({ timeout: 0 });
    expect((await childrenOf(path)).filter((n) => n !== 'ready')).toHaveLength(3);
    await Promise.all([a, b, late].map((m) => m.leave({ timeout: 20_000 })));
  });

  it('a timed-out entrant removes its node: two latecomers to a barrier of 3 do not pass (CURATOR-318)', async () => {
    const path = barrierPath();
    const [early, late1, late2, last] = await members(path, 3, 4);
    const err = await rejectionOf(early.enter({ timeout: 500 }));
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as LockTimeoutError).timeout).toBe(500);
    expect(await childrenOf(path)).toEqual([]);

    const waits = [tracked(late1.enter({ timeout: 30_000 })), tracked(late2.enter({ timeout: 30_000 }))];
    await membersUntil(path, 2);
    await observeFor(1_000);
    expect(waits.map((w) => w.settled())).toEqual([false, false]);
    expect(await childrenOf(path)).not.toContain('ready');
    // The third real member opens it.
    await last.enter({ timeout: 20_000 });
    await Promise.all(waits.map((w) => w.promise));
    await Promise.all([late1, late2, last].map((m) => m.leave({ timeout: 20_000 })));
  });

  it('timeout 0 looks once; a signal aborts with its reason; both remove the node', async () => {
    const path = barrierPath();
    const [a] = await members(path, 2, 1);
    expect(await rejectionOf(a.enter({ timeout: 0 }))).toBeInstanceOf(LockTimeoutError);
    expect(await childrenOf(path)).toEqual([]);

    const controller = new AbortController();
    const entering = a.enter({ signal: controller.signal });
    await membersUntil(path, 1);
    controller.abort(new Error('deploy cancelled'));
    expect((await rejectionOf(entering)).message).toBe('deploy cancelled');
    expect(await childrenOf(path)).toEqual([]);
    // The member may enter again after a failed enter.
    const again = a.enter({ timeout: 20_000 });
    const [b] = await members(path, 2, 1);
    await Promise.all([again, b.enter({ timeout: 20_000 })]);
    await Promise.all([a.leave({ timeout: 20_000 }), b.leave({ timeout: 20_000 })]);
  });

  it('a lone member never passes: not on cut connections, not on changes beside it, not on an expiry; its node is made again (GH-1290)', async () => {
    const path = barrierPath();
    const { zk, proxy } = await proxied();
    const lone = new DoubleBarrier(zk, path, 2, { identifier: 'lone' });
    const entering = tracked(lone.enter({ timeout: 60_000 }));
    const [first] = await membersUntil(path, 1);

    // Spurious wake-ups: the connection cut twice (watches re-registered, SyncConnected), the parent's data changed.
    for (let i = 0; i < 2; i++) {
      proxy.cut();
      await until(zk, 'SUSPENDED');
      await until(zk, 'CONNECTED');
    }
    await one(env.observer.set(path, 'touched'));
    await one(zk.sync(path));
    expect(entering.settled()).toBe(false);
    expect(await childrenOf(path)).toEqual([first]);

    // An expiry deletes its node: it makes a node again, on its new session, and still waits.
    await expireAndRenew(env.server, zk);
    // The same name (one per enter, as Curator's ourPath), owned by the new session.
    await waitFor(async () => (await one(env.observer.exists(`${path}/${first}`)))?.ephemeralOwner === zk.session!.id, {
      timeout: 15_000,
      description: 'the member node made again on the new session',
    });
    await observeFor(500);
    expect(entering.settled()).toBe(false);
    expect(await childrenOf(path)).toEqual([first]);

    const other = new DoubleBarrier(await connect(), path, 2);
    await other.enter({ timeout: 20_000 });
    await entering.promise;
    await Promise.all([lone.leave({ timeout: 20_000 }), other.leave({ timeout: 20_000 })]);
  });

  it('goes on across a cut that outlasts the enter of the member who completes the count', async () => {
    const path = barrierPath();
    const { zk, proxy } = await proxied();
    const waiting = tracked(new DoubleBarrier(zk, path, 2).enter({ timeout: 30_000 }));
    await membersUntil(path, 1);
    proxy.refuse();
    await until(zk, 'SUSPENDED');
    const other = new DoubleBarrier(await connect(), path, 2);
    await other.enter({ timeout: 20_000 });
    await observeFor(300);
    expect(waiting.settled()).toBe(false);
    proxy.accept();
    await waiting.promise;
  });
});

describe('DoubleBarrier leave', () => {
  it('resolves only once every member has left; ready goes, and the next round waits again', async () => {
    const path = barrierPath();
    const [a, b, c] = await members(path, 3);
    await Promise.all([a, b, c].map((m) => m.enter({ timeout: 20_000 })));
    const leaving = [tracked(a.leave({ timeout: 20_000 })), tracked(b.leave({ timeout: 20_000 }))];
    // The non-lowest of the two delete their nodes at once; the lowest keeps its own until the highest is gone.
    await childrenUntil(env.observer, path, (names) => names.filter((n) => n !== 'ready').length <= 2);
    await observeFor(500);
    expect(leaving.map((l) => l.settled())).toEqual([false, false]);
    await c.leave({ timeout: 20_000 });
    await Promise.all(leaving.map((l) => l.promise));
    expect(await childrenOf(path)).toEqual([]);

    // Round two on the same members: ready is gone, so the first in waits for the others.
    const first = tracked(a.enter({ timeout: 20_000 }));
    await membersUntil(path, 1);
    await observeFor(300);
    expect(first.settled()).toBe(false);
    await Promise.all([b.enter({ timeout: 20_000 }), c.enter({ timeout: 20_000 })]);
    await first.promise;
    await Promise.all([a, b, c].map((m) => m.leave({ timeout: 20_000 })));
  });

  it('a timed-out leave removes its own node and rejects with LockTimeoutError', async () => {
    const path = barrierPath();
    const [a, b] = await members(path, 2);
    await Promise.all([a.enter({ timeout: 20_000 }), b.enter({ timeout: 20_000 })]);
    expect(await rejectionOf(a.leave({ timeout: 500 }))).toBeInstanceOf(LockTimeoutError);
    expect((await childrenOf(path)).filter((n) => n !== 'ready')).toHaveLength(1);
    await b.leave({ timeout: 20_000 });
    expect(await childrenOf(path)).toEqual([]);
  });

  it('a member whose node went with an expiry still waits for the others, then resolves', async () => {
    const path = barrierPath();
    const zk = await connect();
    const a = new DoubleBarrier(zk, path, 2);
    const b = new DoubleBarrier(await connect(), path, 2);
    await Promise.all([a.enter({ timeout: 20_000 }), b.enter({ timeout: 20_000 })]);
    await env.server.expireSession(zk);
    await membersUntil(path, 1);
    const leaving = tracked(a.leave({ timeout: 20_000 }));
    await observeFor(300);
    expect(leaving.settled()).toBe(false);
    await b.leave({ timeout: 20_000 });
    await leaving.promise;
    expect(await childrenOf(path)).toEqual([]);
  });
});

describe('DoubleBarrier arguments', () => {
  it('refuses bad arguments and out-of-turn calls before sending anything', async () => {
    const zk = await connect();
    expect(() => new DoubleBarrier(zk, 'relative', 2)).toThrow(InvalidPathError);
    for (const count of [0, -1, 1.5, Number.NaN, '3', 2 ** 31]) {
      expect(() => new DoubleBarrier(zk, '/double/x', count as number)).toThrow(InvalidArgumentError);
    }
    expect(() => new DoubleBarrier(zk, '/double/x', 2, { identifier: 7 as unknown as string })).toThrow(InvalidArgumentError);
    const path = barrierPath();
    const db = new DoubleBarrier(zk, path, 1);
    await expect(db.leave()).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(db.enter({ timeout: -5 })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await childrenOf(path)).toEqual([]);
    await db.enter({ timeout: 5_000 });
    await expect(db.enter()).rejects.toBeInstanceOf(InvalidArgumentError);
    await db.leave({ timeout: 5_000 });
    expect(await childrenOf(path)).toEqual([]);
  });
});
