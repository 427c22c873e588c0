// A contender whose session expires at any step of its wait (issue 17, item 2): the create in flight, the look-up of
// its node by prefix, the listing, the watch. Lock and Semaphore waits go on on the new session within their bound,
// and a LeaderLatch rejoins by itself; none of them errors with SessionExpiredError.
import type { ZooKeeperClient } from '../../../src';
import { LeaderLatch, Lock, LockTimeoutError, Semaphore } from '../../../src/recipes';
import type { TcpProxy } from '../../support/tcp-proxy';
import { one, rejectionOf, until, untilNewSession, expireAndRenew } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { recipeServer } from '../support/recipe-server';
import { childrenUntil, nodesOf, waitForNodes } from '../leader/support';

const env = recipeServer();
const { connect, proxied } = env;
let counter = 0;
const nextPath = (kind: string) => `/expiry/${kind}-${++counter}`;

/**
 * Makes `start()` send its create while the proxy swallows the replies, then, once the create has reached the server
 * (`parent` has `count` children), cuts the connection (the create fails with ConnectionLoss: applied, reply lost),
 * expires the session on the server while the client cannot reconnect, and lets it reconnect: it learns of the
 * expiry and makes a new session. What `start()` started is in flight across all of it.
 */
async function expireWithCreateInFlight<T>(zk: ZooKeeperClient, proxy: TcpProxy, parent: string, count: number, start: () => T): Promise<{ started: T }> {
  const oldSession = zk.session!.id;
  proxy.swallowReplies();
  const started = start();
  await waitForNodes(env.observer, parent, count);
  proxy.refuse();
  await until(zk, 'SUSPENDED');
  await env.server.expireSession(zk);
  proxy.accept();
  await untilNewSession(zk, oldSession);
  return { started };
}

/** The ephemeralOwner of the node at `path`. */
async function ownerOf(path: string): Promise<bigint> {
  return (await one(env.observer.get(path))).stat.ephemeralOwner;
}

describe('a contender whose create is in flight when its session expires', () => {
  it('Lock.acquire({ timeout }) goes on waiting on the new session and acquires once the holder releases', async () => {
    const path = nextPath('lock');
    const held = await new Lock(await connect(), path).acquire();
    const { zk, proxy } = await proxied(10_000);
    const { started: waiting } = await expireWithCreateInFlight(zk, proxy, path, 2, () => new Lock(zk, path, { identifier: 'w' }).acquire({ timeout: 20_000 }));
    // The node of the old session went with it; the waiter makes a new one on the new session.
    await waitForNodes(env.observer, path, 2);
    await held.release();
    const holding = await waiting;
    expect(await ownerOf(holding.node)).toBe(zk.session!.id);
    expect(await nodesOf(env.observer, path)).toEqual([holding.node.split('/').pop()]);
    await holding.release();
  });

  it('Semaphore.acquire goes on waiting on the new session and takes the lease once one is free', async () => {
    const path = nextPath('sem');
    const other = await new Semaphore(await connect(), path, { maxLeases: 1, identifier: 'other' }).acquire();
    const { zk, proxy } = await proxied(10_000);
    // The first create is the mutex's (<path>/locks), the step every acquire starts with.
    const { started: waiting } = await expireWithCreateInFlight(zk, proxy, `${path}/locks`, 1, () =>
      new Semaphore(zk, path, { maxLeases: 1, identifier: 'w' }).acquire({ timeout: 20_000 }),
    );
    await waitForNodes(env.observer, `${path}/leases`, 2);
    await other.release();
    const lease = await waiting;
    expect(await ownerOf(lease.node)).toBe(zk.session!.id);
    await lease.release();
    await waitForNodes(env.observer, `${path}/leases`, 0);
  });

  it('a LeaderLatch does not error: it rejoins by itself on the new session and leads once the leader leaves', async () => {
    const path = nextPath('latch');
    const leader = new Recorder(new LeaderLatch(await connect(), path, { identifier: 'leader' }).leadership$());
    await leader.last((v) => v);
    const { zk, proxy } = await proxied(10_000);
    const latch = new LeaderLatch(zk, path, { identifier: 'follower' });
    const { started: follower } = await expireWithCreateInFlight(zk, proxy, path, 2, () => new Recorder(latch.leadership$()));
    await waitForNodes(env.observer, path, 2);
    const [, own] = await nodesOf(env.observer, path);
    expect(await ownerOf(`${path}/${own}`)).toBe(zk.session!.id);
    leader.subscription.unsubscribe();
    await follower.last((v) => v);
    expect(follower.error).toBeUndefined();
    expect(follower.values).toEqual([false, true]);
    follower.subscription.unsubscribe();
    await waitForNodes(env.observer, path, 0);
  });
});

describe('a contender whose session expires while it waits', () => {
  it('a Lock waiter (watching its predecessor) makes a new node on the new session and acquires within its bound', async () => {
    const path = nextPath('lock-wait');
    const held = await new Lock(await connect(), path).acquire();
    const zk = await connect();
    const waiting = new Lock(zk, path, { identifier: 'w' }).acquire({ timeout: 20_000 });
    await waitForNodes(env.observer, path, 2);
    const [, before] = await nodesOf(env.observer, path);
    await expireAndRenew(env.server, zk);
    const [, after] = await childrenUntil(env.observer, path, (names) => names.length === 2 && names[1] !== before);
    expect(await ownerOf(`${path}/${after}`)).toBe(zk.session!.id);
    await held.release();
    const holding = await waiting;
    expect(holding.node).toBe(`${path}/${after}`);
    await holding.release();
  });

  it('a Semaphore waiter (watching the leases) makes a new lease on the new session and takes it once one is free', async () => {
    const path = nextPath('sem-wait');
    const other = await new Semaphore(await connect(), path, { maxLeases: 1, identifier: 'other' }).acquire();
    const zk = await connect();
    const waiting = new Semaphore(zk, path, { maxLeases: 1, identifier: 'w' }).acquire({ timeout: 20_000 });
    await waitForNodes(env.observer, `${path}/leases`, 2);
    const [, before] = await nodesOf(env.observer, `${path}/leases`);
    await expireAndRenew(env.server, zk);
    await childrenUntil(env.observer, `${path}/leases`, (names) => names.length === 2 && names[1] !== before);
    await other.release();
    const lease = await waiting;
    expect(await ownerOf(lease.node)).toBe(zk.session!.id);
    await lease.release();
  });

  it('a waiter whose bound runs out across the expiry still rejects with LockTimeoutError and leaves no node', async () => {
    const path = nextPath('lock-bound');
    const held = await new Lock(await connect(), path).acquire();
    const { zk, proxy } = await proxied(10_000);
    const { started: waiting } = await expireWithCreateInFlight(zk, proxy, path, 2, () => new Lock(zk, path, { identifier: 'w' }).acquire({ timeout: 3_000 }));
    expect(await rejectionOf(waiting)).toBeInstanceOf(LockTimeoutError);
    await waitForNodes(env.observer, path, 1);
    await held.release();
  });
});
