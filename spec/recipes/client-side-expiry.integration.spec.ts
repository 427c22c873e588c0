// The recipes through a session the client declares expired itself (issue 21 item 3): a silent partition longer than
// the session timeout. Each recipe must see ONE loss — the holding LOST once, the latch rejoining once, the cache
// reporting CONNECTION_LOST once — not one from its own silence timer and a second from the client's EXPIRED.
import { firstValueFrom, type Subscription } from 'rxjs';
import type { ConnectionState, ZooKeeperClient } from '../../src';
import { LeaderLatch, Lock, TreeCache, type HoldingState, type TreeCacheEvent } from '../../src/recipes';
import { waitFor } from '../../src/testing';
import { until } from '../support/fixtures';
import { Recorder } from '../support/recorder';
import { childrenUntil, nodesOf } from './leader/support';
import { recipeServer } from './support/recipe-server';

const TIMEOUT = 2_000;
const env = recipeServer();
let counter = 0;
const nextPath = (kind: string) => `/client-expiry/${kind}-${++counter}`;
const subscriptions: Subscription[] = [];

afterEach(() => {
  for (const s of subscriptions.splice(0)) s.unsubscribe();
});

function statesOf(zk: ZooKeeperClient): ConnectionState[] {
  const states: ConnectionState[] = [];
  subscriptions.push(zk.state$.subscribe((s) => states.push(s)));
  return states;
}

it('Lock: the holding goes LOST once and stays LOST; a waiter on the same client goes on with one node on the new session', async () => {
  const path = nextPath('lock');
  const { zk, proxy } = await env.proxied(TIMEOUT);
  const states = statesOf(zk);
  const holding = await new Lock(zk, path, { identifier: 'held' }).acquire();
  const holdingStates = new Recorder<HoldingState>(holding.state$);
  subscriptions.push(holdingStates.subscription);
  const waiting = new Lock(zk, path, { identifier: 'waiting' }).acquire({ timeout: 30_000 });
  await childrenUntil(env.observer, path, (names) => names.length === 2);
  const old = zk.session!.id;

  proxy.partition();
  await until(zk, 'EXPIRED', TIMEOUT + 5_000);
  expect(holding.state).toBe('LOST');
  expect(holding.signal.aborted).toBe(true);
  proxy.accept();
  await until(zk, 'CONNECTED');
  expect(zk.session!.id).not.toBe(old);

  // The old session's nodes go when the server expires it; the waiter holds with one node of the new session.
  const next = await waiting;
  expect((await env.observer.get(next.node)).stat.ephemeralOwner).toBe(zk.session!.id);
  expect(await nodesOf(env.observer, path)).toEqual([next.node.split('/').pop()]);
  expect(holdingStates.values).toEqual(['HELD', 'SUSPENDED', 'LOST']);
  expect(holdingStates.completed).toBe(true);
  expect(states.filter((s) => s === 'EXPIRED')).toHaveLength(1);
  await next.release();
}, 30_000);

it('LeaderLatch: leadership ends at SUSPENDED, and the latch rejoins once on the new session (one node, not two)', async () => {
  const path = nextPath('latch');
  const { zk, proxy } = await env.proxied(TIMEOUT);
  const latch = new LeaderLatch(zk, path, { identifier: 'partitioned' });
  const leadership = new Recorder(latch.leadership$());
  subscriptions.push(leadership.subscription);
  await leadership.last((v) => v);
  const other = new Recorder(new LeaderLatch(await env.connect(), path, { identifier: 'other' }).leadership$());
  subscriptions.push(other.subscription);
  await childrenUntil(env.observer, path, (names) => names.length === 2);

  proxy.partition();
  await until(zk, 'EXPIRED', TIMEOUT + 5_000);
  // The server expires the old session too (it heard nothing): the other participant leads.
  await other.last((v) => v, 10_000);
  proxy.accept();
  await until(zk, 'CONNECTED');

  // Read through the partitioned client itself: its requests go in order, so this listing follows every create it
  // queued before; a second rejoin would show as a second node of the new session.
  const owners = async (): Promise<bigint[]> =>
    Promise.all((await nodesOf(zk, path)).map(async (n) => (await zk.get(`${path}/${n}`)).stat.ephemeralOwner));
  await waitFor(async () => (await owners()).includes(zk.session!.id), { timeout: 10_000, description: 'the latch rejoined' });
  expect((await owners()).filter((o) => o === zk.session!.id)).toHaveLength(1);
  expect((await latch.participants()).map((p) => p.identifier).sort()).toEqual(['other', 'partitioned']);
  expect(leadership.values).toEqual([false, true, false]);
  expect(leadership.error).toBeUndefined();
}, 30_000);

it('TreeCache: CONNECTION_SUSPENDED, one CONNECTION_LOST, then resynced on the new session with what changed meanwhile', async () => {
  const path = nextPath('cache');
  await env.observer.create(`${path}/a`, 'a0', { makePath: true });
  const { zk, proxy } = await env.proxied(TIMEOUT);
  const cache = new TreeCache(zk, path);
  const events = new Recorder<TreeCacheEvent>(cache.events$);
  subscriptions.push(events.subscription);
  await cache.start();
  try {
    events.values.length = 0;
    proxy.partition();
    await until(zk, 'EXPIRED', TIMEOUT + 5_000);
    await env.observer.set(`${path}/a`, 'a1');
    proxy.accept();
    await events.until((vs) => vs.some((e) => e.type === 'INITIALIZED'), 20_000);
    await firstValueFrom(cache.snapshot$);
    const types = events.values.map((e) => e.type);
    expect(types.filter((t) => t === 'CONNECTION_LOST')).toHaveLength(1);
    expect(types.indexOf('CONNECTION_SUSPENDED')).toBeLessThan(types.indexOf('CONNECTION_LOST'));
    expect(types.indexOf('CONNECTION_LOST')).toBeLessThan(types.indexOf('CONNECTION_RECONNECTED'));
    expect(cache.get(`${path}/a`)?.data.toString()).toBe('a1');
  } finally {
    await cache.close();
  }
}, 30_000);
