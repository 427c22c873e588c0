// Lock on a real ZooKeeper: mutual exclusion, bounded waits that leave no node, and holdings that know when
// they are lost (the scenarios of the anchors' trackers: CURATOR-206, -604, -678, kazoo#732, ZOOKEEPER-1262).
import { Observable, firstValueFrom, lastValueFrom, of, throwError, toArray } from 'rxjs';
import { InvalidArgumentError } from '../../../src';
import { Lock, LockLostError, LockTimeoutError, type Holding, type HoldingState } from '../../../src/recipes';
import { one, rejectionOf, until, untilNewSession } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { recipeServer } from '../support/recipe-server';

const env = recipeServer();
const { connect, proxied } = env;
let counter = 0;
const lockPath = () => `/locks/t-${++counter}`;

/** The contender nodes under a lock's path. */
async function nodesOf(path: string): Promise<string[]> {
  return one(env.observer.getChildren(path)).catch(() => []);
}

/** Resolves once the holding reaches `state`; rejects after 20 s. */
function reaches(holding: Holding, state: HoldingState): Promise<HoldingState[]> {
  return new Recorder(holding.state$).until((states) => states.includes(state), 20_000);
}

describe('Lock', () => {
  it("writes Curator's layout under a container parent, with the identifier as data", async () => {
    const path = lockPath();
    const zk = await connect();
    const holding = await new Lock(zk, path, { identifier: 'worker-1' }).acquire();
    const [name] = await nodesOf(path);
    expect(name).toMatch(/^_c_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-lock-\d{10}$/);
    const { data, stat } = await one(env.observer.get(`${path}/${name}`));
    expect(data.toString()).toBe('worker-1');
    expect(stat.ephemeralOwner).toBe(zk.session!.id);
    expect(holding.node).toBe(`${path}/${name}`);
    expect(holding.fencingToken).toBe(stat.czxid);
    await holding.release();
    expect(holding.state).toBe('RELEASED');
    expect(holding.signal.aborted).toBe(true);
    expect(await nodesOf(path)).toEqual([]);
    // The parent is a container: the server reaps it once empty (the harness checks every second).
    const parent = new Recorder(env.observer.exists$(path));
    await parent.until((stats) => stats[stats.length - 1] === null, 15_000);
    parent.subscription.unsubscribe();
  });

  it('excludes: the second acquire waits for the release, with a greater fencing token', async () => {
    const path = lockPath();
    const a = new Lock(await connect(), path, { identifier: 'a' });
    const b = new Lock(await connect(), path, { identifier: 'b' });
    const first = await a.acquire();
    let secondHeld = false;
    const second = b.acquire().then((h) => {
      secondHeld = true;
      return h;
    });
    // B's node is there, waiting behind A's.
    await waitForNodes(path, 2);
    expect(await a.contenders()).toEqual(['a', 'b']);
    expect(secondHeld).toBe(false);
    await first.release();
    const h = await second;
    expect(h.fencingToken).toBeGreaterThan(first.fencingToken);
    await h.release();
  });

  it('never lets two of many contenders hold at once, and every waiter gets its turn', async () => {
    const path = lockPath();
    const clients = await Promise.all([0, 1, 2, 3].map(() => connect()));
    let holders = 0;
    let maxHolders = 0;
    const tokens: bigint[] = [];
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const lock = new Lock(clients[i % clients.length], path, { identifier: `c${i}` });
        for (let round = 0; round < 3; round++) {
          await lock.withLock(async (h) => {
            holders++;
            maxHolders = Math.max(maxHolders, holders);
            tokens.push(h.fencingToken);
            // The holder is first among the contenders, as the server sees them.
            const children = await nodesOf(path);
            expect(children.length).toBeGreaterThan(0);
            await one(env.observer.sync(path));
            holders--;
          });
        }
      }),
    );
    expect(maxHolders).toBe(1);
    expect(tokens).toHaveLength(36);
    expect([...tokens].sort((x, y) => (x < y ? -1 : 1))).toEqual(tokens);
    expect(await nodesOf(path)).toEqual([]);
  });

  it('bounds the whole wait with timeout: LockTimeoutError, and the waiter leaves no node', async () => {
    const path = lockPath();
    const held = await new Lock(await connect(), path).acquire();
    const error = await rejectionOf(new Lock(await connect(), path).acquire({ timeout: 300 }));
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect(await nodesOf(path)).toEqual([held.node.split('/').pop()]);
    await held.release();
  });

  it('tryAcquire() never waits: null while held, and no node left', async () => {
    const path = lockPath();
    const lock = new Lock(await connect(), path);
    const held = await lock.tryAcquire();
    expect(held).not.toBeNull();
    expect(await lock.tryAcquire()).toBeNull();
    expect(await nodesOf(path)).toHaveLength(1);
    await held!.release();
    const again = await lock.tryAcquire();
    expect(again).not.toBeNull();
    await again!.release();
  });

  it("an aborted wait rejects with the signal's reason and removes its node", async () => {
    const path = lockPath();
    const held = await new Lock(await connect(), path).acquire();
    const controller = new AbortController();
    const waiting = new Lock(await connect(), path).acquire({ signal: controller.signal });
    await waitForNodes(path, 2);
    const reason = new Error('shutting down');
    controller.abort(reason);
    expect(await rejectionOf(waiting)).toBe(reason);
    expect(await nodesOf(path)).toHaveLength(1);
    await held.release();
  });

  it('hold$() acquires on subscribe, releases on unsubscribe; a waiter unsubscribed leaves no node', async () => {
    const path = lockPath();
    const lock = new Lock(await connect(), path);
    const holding = await firstValueFrom(lock.hold$());
    // firstValueFrom unsubscribed: the holding goes.
    await reaches(holding, 'RELEASED');
    const held = await lock.acquire();
    const waiter = lock.hold$().subscribe();
    await waitForNodes(path, 2);
    waiter.unsubscribe();
    await waitForNodes(path, 1);
    await held.release();
  });

  it('run(work) gives work its Holding once held, mirrors it, and releases when it completes or errors (issue 18.6)', async () => {
    const path = lockPath();
    const lock = new Lock(await connect(), path);
    const seen: { token: bigint; state: HoldingState; node: string }[] = [];
    const values = await lastValueFrom(
      lock.run((h) => {
        seen.push({ token: h.fencingToken, state: h.state, node: h.node });
        return of(1, 2);
      }).pipe(toArray()),
    );
    expect(values).toEqual([1, 2]);
    expect(seen).toHaveLength(1);
    expect(seen[0].state).toBe('HELD');
    // Released once work completed: the next holder gets a greater token.
    expect(await nodesOf(path)).toEqual([]);
    const next = await lock.acquire();
    expect(next.fencingToken).toBeGreaterThan(seen[0].token);
    await next.release();
    // work's error: released, then the same error.
    const boom = new Error('work failed');
    expect(await rejectionOf(lastValueFrom(lock.run(() => throwError(() => boom))))).toBe(boom);
    expect(await nodesOf(path)).toEqual([]);
    expect(await rejectionOf(lastValueFrom(lock.run('no' as never)))).toBeInstanceOf(InvalidArgumentError);
  });

  it('run(work): the holding LOST unsubscribes work and errors with LockLostError; a busy lock times out within opts', async () => {
    const path = lockPath();
    const lock = new Lock(await connect(), path);
    let workSubscribed = false;
    let node = '';
    const running = new Recorder(
      lock.run((h) => {
        node = h.node;
        return new Observable<string>((subscriber) => {
          workSubscribed = true;
          subscriber.next('working');
          return () => (workSubscribed = false);
        });
      }),
    );
    await running.until((vs) => vs.includes('working'), 20_000);
    expect(workSubscribed).toBe(true);
    await one(env.observer.delete(node));
    // until() gives up as soon as the stream errors.
    await running.until(() => false, 20_000).catch(() => undefined);
    expect(running.error).toBeInstanceOf(LockLostError);
    expect(workSubscribed).toBe(false);
    const held = await lock.acquire();
    expect(await rejectionOf(lastValueFrom(lock.run(() => of(1), { timeout: 200 })))).toBeInstanceOf(LockTimeoutError);
    await held.release();
  });

  it("honours kazoo's __lock__ contenders without help", async () => {
    const path = lockPath();
    const kazooLike = await connect();
    await one(kazooLike.ensurePath(path));
    const node = await one(kazooLike.create(`${path}/0123456789abcdef0123456789abcdef__lock__`, 'kazoo', { ephemeral: true, sequential: true }));
    const acquiring = new Lock(await connect(), path).acquire();
    await waitForNodes(path, 2);
    let held = false;
    void acquiring.then(() => (held = true));
    await one(env.observer.sync(path));
    expect(held).toBe(false);
    await one(kazooLike.delete(node));
    await (await acquiring).release();
  });

  it("writes kazoo's layout with { layout: 'kazoo' }", async () => {
    const path = lockPath();
    const holding = await new Lock(await connect(), path, { layout: 'kazoo' }).acquire();
    expect(await nodesOf(path)).toEqual([expect.stringMatching(/^[0-9a-f]{32}__lock__\d{10}$/)]);
    await holding.release();
  });
});

describe('a Lock holding when the connection goes (CURATOR-206, TN14)', () => {
  it('is SUSPENDED at once, LOST within the session timeout, before another acquires; its late release deletes nothing of theirs', async () => {
    const path = lockPath();
    const { zk, proxy } = await proxied(4_000);
    const holding = await new Lock(zk, path).acquire();
    const states = new Recorder(holding.state$);
    const other = new Lock(await connect(), path, { identifier: 'next' });
    proxy.refuse();
    await states.until((s) => s.includes('SUSPENDED'));
    let lostBeforeNext: boolean | null = null;
    const next = other.acquire().then((h) => {
      lostBeforeNext = holding.state === 'LOST';
      return h;
    });
    await states.until((s) => s.includes('LOST'), 10_000);
    expect(holding.signal.aborted).toBe(true);
    expect(holding.signal.reason).toBeInstanceOf(LockLostError);
    const nextHolding = await next;
    expect(lostBeforeNext).toBe(true);
    proxy.accept();
    await holding.release();
    expect(holding.state).toBe('LOST');
    await one(env.observer.sync(path));
    expect(await one(env.observer.exists(nextHolding.node))).not.toBeNull();
    await nextHolding.release();
    states.subscription.unsubscribe();
  });

  it('is HELD again when the same session comes back in time', async () => {
    const path = lockPath();
    const { zk, proxy } = await proxied(10_000);
    const holding = await new Lock(zk, path).acquire();
    const states = new Recorder(holding.state$);
    proxy.cut();
    await states.until((s) => s.includes('SUSPENDED'));
    await until(zk, 'CONNECTED');
    await states.until((s) => s[s.length - 1] === 'HELD');
    expect(states.values).toEqual(['HELD', 'SUSPENDED', 'HELD']);
    await holding.release();
    states.subscription.unsubscribe();
  });

  it('is LOST on a server-side expiry; the client makes a new session, and a new acquire gets a new node (CURATOR-604)', async () => {
    const path = lockPath();
    const zk = await connect();
    const lock = new Lock(zk, path);
    const holding = await lock.acquire();
    const oldSession = zk.session!.id;
    await env.server.expireSession(zk);
    await reaches(holding, 'LOST');
    await untilNewSession(zk, oldSession);
    const again = await lock.acquire();
    expect(again.node).not.toBe(holding.node);
    const { stat } = await one(env.observer.get(again.node));
    expect(stat.ephemeralOwner).toBe(zk.session!.id);
    await holding.release(); // after LOST: resolves, touches nothing
    expect(await one(env.observer.exists(again.node))).not.toBeNull();
    await again.release();
  });

  it('is LOST when someone else deletes its node', async () => {
    const path = lockPath();
    const holding = await new Lock(await connect(), path).acquire();
    await one(env.observer.delete(holding.node));
    await reaches(holding, 'LOST');
  });

  it('release() while SUSPENDED deletes the node once reconnected, and the next acquire works (CURATOR-678)', async () => {
    const path = lockPath();
    const { zk, proxy } = await proxied(20_000);
    const lock = new Lock(zk, path);
    const holding = await lock.acquire();
    proxy.refuse();
    await until(zk, 'SUSPENDED');
    const released = holding.release();
    proxy.accept();
    await released;
    expect(holding.state).toBe('RELEASED');
    expect(await nodesOf(path)).toEqual([]);
    await (await lock.acquire({ timeout: 5_000 })).release();
  });
});

describe('a Lock waiter when the connection goes', () => {
  it('a create whose reply was lost is found by its prefix: one node, no orphan (ZOOKEEPER-1262, kazoo#732)', async () => {
    const path = lockPath();
    const held = await new Lock(await connect(), path).acquire();
    const { zk, proxy } = await proxied(20_000);
    proxy.swallowReplies();
    const waiting = new Lock(zk, path, { identifier: 'lost-reply' }).acquire();
    await waitForNodes(path, 2); // the create reached the server; its reply did not come back
    proxy.accept();
    // The client still says CONNECTED until it notices the cut: wait for it to go and come back.
    const states = new Recorder(zk.state$);
    proxy.cut();
    await states.until((vs) => vs.includes('SUSPENDED') && vs[vs.length - 1] === 'CONNECTED');
    states.subscription.unsubscribe();
    await one(env.observer.sync(path));
    // Whatever the waiter does after the reconnect, it never makes a second node.
    await one(zk.sync(path));
    expect(await nodesOf(path)).toHaveLength(2);
    await held.release();
    const h = await waiting;
    expect(await nodesOf(path)).toEqual([h.node.split('/').pop()]);
    await h.release();
  });

  it('a waiter that times out while SUSPENDED has its node removed after the reconnect; the next waiter acquires (kazoo#760, CURATOR-462)', async () => {
    const path = lockPath();
    const held = await new Lock(await connect(), path).acquire();
    const { zk, proxy } = await proxied(20_000);
    const waiting = new Lock(zk, path).acquire({ timeout: 1_500 });
    await waitForNodes(path, 2);
    proxy.refuse();
    expect(await rejectionOf(waiting)).toBeInstanceOf(LockTimeoutError);
    proxy.accept();
    await waitForNodes(path, 1);
    const third = new Lock(await connect(), path).acquire();
    await held.release();
    await (await third).release();
  });

  it('goes on waiting across a dropped connection and acquires when the holder releases', async () => {
    const path = lockPath();
    const held = await new Lock(await connect(), path).acquire();
    const { zk, proxy } = await proxied(20_000);
    const waiting = new Lock(zk, path).acquire();
    await waitForNodes(path, 2);
    proxy.cut();
    await until(zk, 'CONNECTED');
    await held.release();
    await (await waiting).release();
  });
});

/** Waits until `path` has `count` children, re-reading on each change of the list. */
async function waitForNodes(path: string, count: number): Promise<void> {
  const children = new Recorder(env.observer.watchChildren$(path));
  try {
    await children.until((vs) => vs.length > 0 && (vs[vs.length - 1]?.length ?? 0) === count, 15_000);
  } finally {
    children.subscription.unsubscribe();
  }
}
