// LeaderLatch on a real ZooKeeper: Curator's layout, one shared participation per latch, followers that watch their
// predecessor only, and leadership that is false from SUSPENDED on and comes back only on the same session
// (scenario 9 of RECIPES.md: CURATOR-460, CURATOR-696, CURATOR-537).
import { Observable, concatMap, filter, interval, map, merge, switchMap, take, type Subscription } from 'rxjs';
import { LeaderLatch, whileLeader, type Holding } from '../../../src/recipes';
import { one, until, untilNewSession, expireAndRenew } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { recipeServer } from '../support/recipe-server';
import { sessionHex, watchersByPath } from '../locks/support';
import { Condition, UUID, childrenUntil, nodesOf, waitForNodes } from './support';

const env = recipeServer();
const { client, connect, proxied } = env;
let counter = 0;
const latchPath = () => `/election/latch-${++counter}`;
const nodes = (path: string) => nodesOf(env.observer, path);
const nodeCount = (path: string, count: number) => waitForNodes(env.observer, path, count);

/** Joins `latch` and waits until its leadership is `leading`. */
async function joined(latch: LeaderLatch, leading: boolean): Promise<Recorder<boolean>> {
  const r = new Recorder(latch.leadership$());
  await r.last((v) => v === leading, 20_000);
  return r;
}

/** Emits once `latch` leads (sharing its participation). */
const log$ = (latch: LeaderLatch) => latch.leadership$().pipe(filter(Boolean), take(1));

describe('LeaderLatch', () => {
  it("writes Curator's LeaderLatch layout under a container parent; emits false, then true; the last unsubscribe leaves", async () => {
    const path = latchPath();
    const zk = await connect();
    const latch = new LeaderLatch(zk, path, { identifier: 'scheduler-a' });
    const leadership = await joined(latch, true);
    expect(leadership.values).toEqual([false, true]);
    const [name] = await nodes(path);
    expect(name).toMatch(new RegExp(`^_c_${UUID}-latch-\\d{10}$`));
    const { data, stat } = await one(env.observer.get(`${path}/${name}`));
    expect(data.toString()).toBe('scheduler-a');
    expect(stat.ephemeralOwner).toBe(zk.session!.id);
    // The Holding of this term: its node and the node's czxid as fencing token.
    const holdings = new Recorder(latch.holding$());
    const holding = (await holdings.last((h) => h !== null))!;
    expect(holding.node).toBe(`${path}/${name}`);
    expect(holding.fencingToken).toBe(stat.czxid);
    expect(holding.state).toBe('HELD');
    leadership.subscription.unsubscribe();
    expect(await nodes(path)).toHaveLength(1); // holding$ still takes part
    holdings.subscription.unsubscribe();
    await nodeCount(path, 0);
    // The node goes before the delete's reply reaches the holder: RELEASED follows, and with it the aborted signal.
    await one(holding.state$.pipe(filter((state) => state === 'RELEASED')));
    expect(holding.signal.aborted).toBe(true);
    // The parent is a container: the server reaps it once empty.
    const parent = new Recorder(env.observer.exists$(path));
    await parent.until((stats) => stats[stats.length - 1] === null, 15_000);
    parent.subscription.unsubscribe();
  });

  it('is one participation shared by leadership$, holding$ and whileLeader; a late subscriber is told the current state', async () => {
    const path = latchPath();
    const latch = new LeaderLatch(await connect(), path, { identifier: 'shared' });
    const first = await joined(latch, true);
    const late = new Recorder(latch.leadership$());
    expect(late.values).toEqual([true]);
    const holdings = new Recorder(latch.holding$());
    expect(holdings.values).toHaveLength(1);
    expect(holdings.values[0]).not.toBeNull();
    const work = new Recorder(interval(20).pipe(whileLeader(latch)));
    await work.until((vs) => vs.length > 0);
    expect(await nodes(path)).toHaveLength(1);
    first.subscription.unsubscribe();
    late.subscription.unsubscribe();
    holdings.subscription.unsubscribe();
    await one(env.observer.sync(path));
    expect(await nodes(path)).toHaveLength(1); // whileLeader still takes part
    work.subscription.unsubscribe();
    await nodeCount(path, 0);
  });

  it('joins when subscribed before start(), once the client connects', async () => {
    const path = latchPath();
    const zk = client();
    const leadership = new Recorder(new LeaderLatch(zk, path).leadership$());
    expect(leadership.values).toEqual([false]);
    await zk.start();
    await leadership.last((v) => v);
    leadership.subscription.unsubscribe();
    await nodeCount(path, 0);
  });

  it('the first leads; each other follows, watching its predecessor only; leadership passes in order', async () => {
    const path = latchPath();
    const [za, zb, zc] = await Promise.all([connect(), connect(), connect()]);
    const a = await joined(new LeaderLatch(za, path, { identifier: 'a' }), true);
    const b = await joined(new LeaderLatch(zb, path, { identifier: 'b' }), false);
    await nodeCount(path, 2);
    const latchC = new LeaderLatch(zc, path, { identifier: 'c' });
    const c = await joined(latchC, false);
    await nodeCount(path, 3);
    expect(await latchC.participants()).toEqual([
      { identifier: 'a', isLeader: true },
      { identifier: 'b', isLeader: false },
      { identifier: 'c', isLeader: false },
    ]);
    // No herd: C's getData watch is on B's node, none on A's (kazoo 9b0a793, Curator's LeaderLatch).
    const [nodeA, nodeB] = (await nodes(path)).map((n) => `${path}/${n}`);
    const watchers = await fencedUntil(async () => {
      const w = await watchersByPath(env.observer);
      return (w.get(nodeB) ?? []).includes(sessionHex(zc)) && (w.get(nodeA) ?? []).includes(sessionHex(zb)) ? w : null;
    });
    expect(watchers.get(nodeA)).not.toContain(sessionHex(zc));
    a.subscription.unsubscribe();
    await b.last((v) => v);
    await one(zc.sync(path));
    expect(c.values).toEqual([false]);
    b.subscription.unsubscribe();
    await c.last((v) => v);
    expect(await latchC.participants()).toEqual([{ identifier: 'c', isLeader: true }]);
    c.subscription.unsubscribe();
    await nodeCount(path, 0);
  });

  it('leader$() follows the leader for anyone, without taking part', async () => {
    const path = latchPath();
    const watcher = await connect();
    const leaders = new Recorder(new LeaderLatch(watcher, path).leader$());
    await leaders.last((v) => v === null);
    const a = await joined(new LeaderLatch(await connect(), path, { identifier: 'a' }), true);
    await leaders.last((v) => v === 'a');
    const b = await joined(new LeaderLatch(await connect(), path, { identifier: 'b' }), false);
    a.subscription.unsubscribe();
    await leaders.last((v) => v === 'b');
    b.subscription.unsubscribe();
    await leaders.last((v) => v === null);
    expect(leaders.values).toEqual([null, 'a', 'b', null]);
    expect(await one(watcher.getEphemerals('/'))).toEqual([]);
    leaders.subscription.unsubscribe();
  });

  it('completes, not leading, when the client closes', async () => {
    const path = latchPath();
    const [za, zb] = await Promise.all([connect(), connect()]);
    const leader = await joined(new LeaderLatch(za, path, { identifier: 'a' }), true);
    const follower = await joined(new LeaderLatch(zb, path, { identifier: 'b' }), false);
    await nodeCount(path, 2);
    await zb.close();
    await follower.until(() => follower.completed);
    expect(follower.values).toEqual([false]);
    await za.close();
    await leader.until(() => leader.completed);
    expect(leader.values).toEqual([false, true, false]);
  });

  it('run(work) runs work with the Holding of each term: unsubscribed when leadership goes, again for the next term (issue 18.6)', async () => {
    const path = latchPath();
    const [za, zb] = await Promise.all([connect(), connect()]);
    const a = new LeaderLatch(za, path, { identifier: 'a' });
    const terms: { who: string; token: bigint }[] = [];
    let running = 0;
    const work = (who: string) => (h: Holding) =>
      new Observable<string>((subscriber) => {
        terms.push({ who, token: h.fencingToken });
        running++;
        subscriber.next(`${who} leads`);
        return () => running--;
      });
    const ra = new Recorder(a.run(work('a')));
    await ra.until((vs) => vs.includes('a leads'), 20_000);
    const rb = new Recorder(new LeaderLatch(zb, path, { identifier: 'b' }).run(work('b')));
    await nodeCount(path, 2);
    expect(running).toBe(1);
    // a leaves: its work is unsubscribed, b's term begins with a greater token.
    ra.subscription.unsubscribe();
    await rb.until((vs) => vs.includes('b leads'), 20_000);
    expect(terms.map((t) => t.who)).toEqual(['a', 'b']);
    expect(terms[1].token).toBeGreaterThan(terms[0].token);
    expect(running).toBe(1);
    // It never completes by itself: it completes when the client closes.
    await zb.close();
    await rb.until(() => rb.completed, 20_000);
    expect(rb.error).toBeUndefined();
    expect(running).toBe(0);
  });

  it('whileLeader completes, never errors, when the client closes under a source of its requests (issue 17)', async () => {
    const path = latchPath();
    const zk = await connect();
    const latch = new LeaderLatch(zk, path, { identifier: 'a' });
    // A source with a request always in flight: the close fails it with ClientClosedError before the leadership completes.
    const work = new Recorder(interval(1).pipe(concatMap(() => zk.exists(path)), whileLeader(latch)));
    await work.until((vs) => vs.length >= 3, 20_000);
    await zk.close();
    await work.until(() => work.completed);
    expect(work.error).toBeUndefined();
  });
});

describe('LeaderLatch when the connection goes (scenario 9)', () => {
  it('a leader refused by the network is not leading from SUSPENDED on, strictly before the next one leads; it rejoins as a follower on its new session', async () => {
    const path = latchPath();
    const { zk: za, proxy } = await proxied(4_000);
    const zb = await connect();
    const latchA = new LeaderLatch(za, path, { identifier: 'a' });
    const latchB = new LeaderLatch(zb, path, { identifier: 'b' });
    const log = new Recorder(
      merge(
        latchA.leadership$().pipe(map((v) => `a:${v}`)),
        // B joins once A leads: its node comes second.
        log$(latchA).pipe(switchMap(() => latchB.leadership$().pipe(map((v) => `b:${v}`)))),
      ),
    );
    await log.until((vs) => vs.includes('a:true') && vs.includes('b:false'));
    const holdingsA = new Recorder(latchA.holding$());
    const first = (await holdingsA.last((h) => h !== null))!;
    await nodeCount(path, 2);
    const oldSession = za.session!.id;
    // Recorded from now: A declares its session expired itself (clientSideExpiry) while still refused, before it reconnects.
    const statesA = new Recorder(za.state$);
    proxy.refuse();
    await log.until((vs) => vs.includes('b:true'), 20_000);
    expect(log.values.indexOf('a:false', log.values.indexOf('a:true'))).toBeGreaterThan(-1);
    expect(log.values.indexOf('a:false', log.values.indexOf('a:true'))).toBeLessThan(log.values.indexOf('b:true'));
    const holdingsB = new Recorder(latchB.holding$());
    const second = (await holdingsB.last((h) => h !== null))!;
    expect(second.fencingToken).toBeGreaterThan(first.fencingToken);
    proxy.accept();
    // A's session expired meanwhile: a new session, and a new node behind B's, owned by it.
    await statesA.until((s) => s.includes('EXPIRED') && s[s.length - 1] === 'CONNECTED', 20_000);
    statesA.subscription.unsubscribe();
    expect(za.session!.id).not.toBe(oldSession);
    const [leaderNode, followerNode] = await childrenUntil(env.observer, path, (names) => names.length === 2);
    expect(`${path}/${leaderNode}`).toBe(second.node);
    const { stat } = await one(env.observer.get(`${path}/${followerNode}`));
    expect(stat.ephemeralOwner).toBe(za.session!.id);
    await one(za.sync(path));
    expect(log.values.filter((v) => v.startsWith('a:'))).toEqual(['a:false', 'a:true', 'a:false']);
    expect(first.state).toBe('LOST');
    // B leaves: A leads again, with a greater token.
    holdingsB.subscription.unsubscribe();
    log.subscription.unsubscribe();
    const third = (await holdingsA.last((h) => h !== null && h !== first))!;
    expect(third.fencingToken).toBeGreaterThan(second.fencingToken);
    expect(third.node).toBe(`${path}/${followerNode}`);
    holdingsA.subscription.unsubscribe();
    await nodeCount(path, 0);
  });

  it('gives null at SUSPENDED and the same Holding again when the same session reconnects (CURATOR-696)', async () => {
    const path = latchPath();
    const { zk, proxy } = await proxied(10_000);
    const latch = new LeaderLatch(zk, path);
    const holdings = new Recorder(latch.holding$());
    const leadership = new Recorder(latch.leadership$());
    const held = (await holdings.last((h) => h !== null))!;
    const session = zk.session!.id;
    proxy.cut();
    await holdings.last((h) => h === null);
    await until(zk, 'CONNECTED');
    await holdings.last((h) => h !== null);
    expect(zk.session!.id).toBe(session);
    expect(holdings.values).toEqual([null, held, null, held]);
    expect(leadership.values).toEqual([false, true, false, true]);
    expect(held.state).toBe('HELD');
    holdings.subscription.unsubscribe();
    leadership.subscription.unsubscribe();
    await nodeCount(path, 0);
  });

  it('a leader whose session expires stops leading, and rejoins as a follower on its new session; tokens increase', async () => {
    const path = latchPath();
    const [za, zb] = await Promise.all([connect(), connect()]);
    const a = new Recorder(new LeaderLatch(za, path, { identifier: 'a' }).holding$());
    const first = (await a.last((h) => h !== null))!;
    const b = new Recorder(new LeaderLatch(zb, path, { identifier: 'b' }).holding$());
    await nodeCount(path, 2);
    const oldSession = za.session!.id;
    await env.server.expireSession(za);
    const second = (await b.last((h) => h !== null))!;
    expect(second.fencingToken).toBeGreaterThan(first.fencingToken);
    await a.last((h) => h === null);
    await untilNewSession(za, oldSession);
    await nodeCount(path, 2);
    const [, rejoined] = await nodes(path);
    const { stat } = await one(env.observer.get(`${path}/${rejoined}`));
    expect(stat.ephemeralOwner).toBe(za.session!.id);
    expect(stat.ephemeralOwner).not.toBe(oldSession);
    expect(a.values).toEqual([null, first, null]);
    b.subscription.unsubscribe();
    const third = (await a.last((h) => h !== null))!;
    expect(third.fencingToken).toBeGreaterThan(second.fencingToken);
    a.subscription.unsubscribe();
    await nodeCount(path, 0);
  });

  it('a follower whose session expires makes a new node on its new session and still follows', async () => {
    const path = latchPath();
    const [za, zb] = await Promise.all([connect(), connect()]);
    const a = await joined(new LeaderLatch(za, path, { identifier: 'a' }), true);
    const b = await joined(new LeaderLatch(zb, path, { identifier: 'b' }), false);
    await nodeCount(path, 2);
    const [, before] = await nodes(path);
    await expireAndRenew(env.server, zb);
    await childrenUntil(env.observer, path, (names) => names.length === 2 && names[1] !== before);
    expect(b.values).toEqual([false]);
    a.subscription.unsubscribe();
    await b.last((v) => v);
    b.subscription.unsubscribe();
    await nodeCount(path, 0);
  });
});

describe('LeaderLatch under churn', () => {
  it('exactly one of six latches leads at every step while leaders and followers leave and rejoin; tokens strictly increase', async () => {
    const path = latchPath();
    const clients = await Promise.all([0, 1, 2].map(() => connect()));
    const latches = Array.from({ length: 6 }, (_, i) => new LeaderLatch(clients[i % 3], path, { identifier: `l${i}` }));
    const leading = new Set<number>();
    const terms: { who: number; holding: Holding }[] = [];
    let maxLeading = 0;
    const condition = new Condition();
    const subs = new Map<number, Subscription>();
    const join = (i: number) =>
      subs.set(
        i,
        latches[i].holding$().subscribe((h) => {
          if (h === null) leading.delete(i);
          else {
            leading.add(i);
            if (terms[terms.length - 1]?.holding !== h) terms.push({ who: i, holding: h });
          }
          maxLeading = Math.max(maxLeading, leading.size);
          condition.changed();
        }),
      );
    const leave = (i: number) => {
      subs.get(i)!.unsubscribe();
      subs.delete(i);
      leading.delete(i);
    };
    for (let i = 0; i < 6; i++) join(i);
    await nodeCount(path, 6);
    for (let round = 0; round < 15; round++) {
      await condition.until(() => leading.size === 1 && terms.length === round + 1, `the leader of round ${round}`);
      const [leader] = leading;
      // A follower leaves and rejoins too: the queue changes under the waiters.
      const follower = (leader + 1 + (round % 5)) % 6;
      leave(leader);
      leave(follower);
      join(follower);
      join(leader);
    }
    await condition.until(() => leading.size === 1, 'the last leader');
    expect(maxLeading).toBe(1);
    const tokens = terms.map((t) => t.holding.fencingToken);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1]);
    // Leadership passes on each round to one of the four still queued, never back to the latch that just left
    // (it and the follower rejoin behind them). Which latches lead over 15 rounds depends on the order the two
    // rejoins' creates land, so it is not asserted; that several different ones lead is.
    for (let i = 1; i < terms.length; i++) expect(terms[i].who).not.toBe(terms[i - 1].who);
    expect(new Set(terms.map((t) => t.who)).size).toBeGreaterThanOrEqual(4);
    for (const i of [...subs.keys()]) leave(i);
    await nodeCount(path, 0);
  });
});

/**
 * For server state no watch reports (which session watches what): `probe` again after each sync round trip (a fence,
 * no timer) until it gives non-null; bounded.
 */
async function fencedUntil<T>(probe: () => Promise<T | null>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    // A round trip to the server between probes (no timer): the watches and sessions it waits for are the server's.
    await one(env.observer.sync('/'));
  }
}
