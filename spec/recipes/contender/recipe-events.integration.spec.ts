// What the lock-like recipes report on zk.recipeEvents$ (issue 22, item 3): a wait from the acquire's call until it
// holds or gives up (lock-wait: ok, timeout, aborted), a hold until released or lost (lock-hold), and for leadership
// each wait to lead (leader-wait) and each term (leadership); one activity-ended per activity-started, by id.
import { EMPTY, lastValueFrom, timer } from 'rxjs';
import type { RecipeEvent, ZooKeeperClient } from '../../../src';
import { LeaderElection, LeaderLatch, Lock, LockLostError, LockTimeoutError, ReadWriteLock, Semaphore } from '../../../src/recipes';
import { rejectionOf, until } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { waitForNodes } from '../leader/support';
import { recipeServer } from '../support/recipe-server';

const env = recipeServer();
const { connect } = env;
let counter = 0;
const nextPath = (kind: string) => `/recipe-events/${kind}-${++counter}`;

type Ended = Extract<RecipeEvent, { type: 'activity-ended' }>;

/** Every recipe event of `zk` from now on. */
function listen(zk: ZooKeeperClient): { readonly events: RecipeEvent[]; ended(): Ended[]; stop(): void } {
  const events: RecipeEvent[] = [];
  const subscription = zk.recipeEvents$.subscribe((e) => events.push(e));
  return {
    events,
    ended: () => events.filter((e): e is Ended => e.type === 'activity-ended'),
    stop: () => subscription.unsubscribe(),
  };
}

/** The ended activities as `kind recipe path outcome`. */
const summary = (ended: Ended[]) => ended.map((e) => `${e.kind} ${e.recipe} ${e.path} ${e.outcome}`);

/** Resolves once `listener` has seen an activity end that `predicate` accepts. */
async function endedWith(listener: { ended(): Ended[] }, zk: ZooKeeperClient, predicate: (e: Ended) => boolean): Promise<Ended> {
  const seen = new Recorder(zk.recipeEvents$);
  try {
    const found = listener.ended().find(predicate);
    if (found !== undefined) return found;
    const events = await seen.until((es) => es.some((e) => e.type === 'activity-ended' && predicate(e)), 20_000);
    return events.find((e): e is Ended => e.type === 'activity-ended' && predicate(e)) as Ended;
  } finally {
    seen.subscription.unsubscribe();
  }
}

describe('recipeEvents$ of the locks', () => {
  it('a Lock reports its wait (from the call) and its hold (until released), paired by id, with plausible times', async () => {
    const path = nextPath('lock');
    const zk = await connect();
    const events = listen(zk);
    const called = performance.timeOrigin + performance.now();
    const holding = await new Lock(zk, path).acquire();
    const held = performance.timeOrigin + performance.now();
    await holding.release();
    const released = performance.timeOrigin + performance.now();
    events.stop();
    expect(events.events.map((e) => `${e.type} ${'kind' in e ? e.kind : ''}`)).toEqual([
      'activity-started lock-wait',
      'activity-ended lock-wait',
      'activity-started lock-hold',
      'activity-ended lock-hold',
    ]);
    const [waitStart, wait, holdStart, hold] = events.events as [RecipeEvent & { id: number }, Ended, RecipeEvent & { id: number }, Ended];
    expect(wait.id).toBe(waitStart.id);
    expect(hold.id).toBe(holdStart.id);
    expect(summary([wait, hold])).toEqual([`lock-wait Lock ${path} ok`, `lock-hold Lock ${path} released`]);
    expect(wait.startTime).toBeGreaterThanOrEqual(called - 1);
    expect(wait.time).toBeLessThanOrEqual(held + 1);
    expect(hold.startTime).toBeGreaterThanOrEqual(wait.time);
    expect(hold.time).toBeLessThanOrEqual(released + 1);
    expect(wait.duration).toBeCloseTo(wait.time - wait.startTime, 6);
    expect(wait.error).toBeNull();
  });

  it('a wait that times out, one aborted by its signal, a tryAcquire on a held lock and a hold$ left while waiting', async () => {
    const path = nextPath('busy');
    const held = await new Lock(await connect(), path).acquire();
    const zk = await connect();
    const lock = new Lock(zk, path);
    const events = listen(zk);
    const timedOut = await rejectionOf(lock.acquire({ timeout: 200 }));
    expect(timedOut).toBeInstanceOf(LockTimeoutError);
    expect(await lock.tryAcquire()).toBeNull();
    const abort = new AbortController();
    const aborted = rejectionOf(lock.acquire({ signal: abort.signal }));
    await waitForNodes(env.observer, path, 2);
    abort.abort(new Error('shutting down'));
    expect((await aborted).message).toBe('shutting down');
    const leaving = lock.hold$().subscribe();
    await waitForNodes(env.observer, path, 2);
    leaving.unsubscribe();
    events.stop();
    const ended = events.ended();
    expect(summary(ended)).toEqual([
      `lock-wait Lock ${path} timeout`,
      `lock-wait Lock ${path} timeout`,
      `lock-wait Lock ${path} aborted`,
      `lock-wait Lock ${path} aborted`,
    ]);
    expect(ended[0].error).toBe(timedOut);
    expect(ended[0].duration).toBeGreaterThanOrEqual(190);
    expect(ended[2].error?.message).toBe('shutting down');
    await held.release();
  });

  it('a hold lost to an expiry ends lost, with the LockLostError', async () => {
    const path = nextPath('lost');
    const zk = await connect({ sessionTimeout: 4_000 });
    const events = listen(zk);
    const holding = await new Lock(zk, path).acquire();
    await env.server.expireSession(zk);
    const hold = await endedWith(events, zk, (e) => e.kind === 'lock-hold');
    events.stop();
    expect(summary([hold])).toEqual([`lock-hold Lock ${path} lost`]);
    expect(hold.error).toBeInstanceOf(LockLostError);
    expect(holding.state).toBe('LOST');
    await until(zk, 'CONNECTED');
  });

  it("a ReadWriteLock's halves report as ReadLock and WriteLock, a Semaphore's lease as the Semaphore at its own path", async () => {
    const rwPath = nextPath('rw');
    const semPath = nextPath('sem');
    const zk = await connect();
    const events = listen(zk);
    const rw = new ReadWriteLock(zk, rwPath);
    await (await rw.readLock.acquire()).release();
    await rw.writeLock.withLock(() => undefined);
    await (await new Semaphore(zk, semPath, { maxLeases: 2 }).acquire()).release();
    events.stop();
    expect(summary(events.ended())).toEqual([
      `lock-wait ReadLock ${rwPath} ok`,
      `lock-hold ReadLock ${rwPath} released`,
      `lock-wait WriteLock ${rwPath} ok`,
      `lock-hold WriteLock ${rwPath} released`,
      `lock-wait Semaphore ${semPath} ok`,
      `lock-hold Semaphore ${semPath} released`,
    ]);
  });

  it('an activity that began while nobody listened is not reported when it ends', async () => {
    const zk = await connect();
    const holding = await new Lock(zk, nextPath('unheard')).acquire();
    const events = listen(zk);
    await holding.release();
    events.stop();
    expect(events.events).toEqual([]);
  });
});

describe('recipeEvents$ of leadership', () => {
  it("a LeaderLatch reports its wait to lead and its term; an expiry ends the term lost, and it waits and leads again", async () => {
    const path = nextPath('latch');
    const { zk, proxy } = await env.proxied(4_000);
    const events = listen(zk);
    const latch = new LeaderLatch(zk, path);
    const leadership = new Recorder(latch.leadership$());
    await leadership.until((v) => v[v.length - 1] === true, 20_000);
    // The client cannot reconnect while the server expires its session: expireSession resumes the session on a second
    // connection, and a client free to reconnect may win it back for a moment (and lead again on it) before the close.
    proxy.refuse();
    await env.server.expireSession(zk);
    proxy.accept();
    await endedWith(events, zk, (e) => e.kind === 'leadership');
    await leadership.until((v) => v.filter((x) => x).length === 2 && v[v.length - 1] === true, 20_000);
    leadership.subscription.unsubscribe();
    await endedWith(events, zk, (e) => e.kind === 'leadership' && e.outcome === 'released');
    events.stop();
    expect(summary(events.ended())).toEqual([
      `leader-wait LeaderLatch ${path} ok`,
      `leadership LeaderLatch ${path} lost`,
      `leader-wait LeaderLatch ${path} ok`,
      `leadership LeaderLatch ${path} released`,
    ]);
  });

  it('a follower left before it leads ends its wait aborted', async () => {
    const path = nextPath('follower');
    const leader = new Recorder(new LeaderLatch(await connect(), path).leadership$());
    await leader.until((v) => v[v.length - 1] === true, 20_000);
    const zk = await connect();
    const events = listen(zk);
    const following = new LeaderLatch(zk, path).leadership$().subscribe();
    await waitForNodes(env.observer, path, 2);
    following.unsubscribe();
    events.stop();
    expect(summary(events.ended())).toEqual([`leader-wait LeaderLatch ${path} aborted`]);
    leader.subscription.unsubscribe();
  });

  it("a LeaderElection reports its wait and its term, and its contender lock's wait and hold, as the election", async () => {
    const path = nextPath('election');
    const zk = await connect();
    const events = listen(zk);
    // Completes once the term is given up (its node deleted).
    await lastValueFrom(new LeaderElection(zk, path).run(() => timer(20)));
    events.stop();
    expect(summary(events.ended()).sort()).toEqual(
      [
        `leader-wait LeaderElection ${path} ok`,
        `lock-wait LeaderElection ${path} ok`,
        `leadership LeaderElection ${path} released`,
        `lock-hold LeaderElection ${path} released`,
      ].sort(),
    );
    const term = events.ended().find((e) => e.kind === 'leadership') as Ended;
    expect(term.duration).toBeGreaterThanOrEqual(15);
  });

  it('a LeaderElection unsubscribed while waiting ends its waits aborted', async () => {
    const path = nextPath('election-left');
    const leading = new LeaderElection(await connect(), path).run(() => timer(60_000)).subscribe();
    await waitForNodes(env.observer, path, 1);
    const zk = await connect();
    const events = listen(zk);
    const waiting = new LeaderElection(zk, path).run(() => EMPTY).subscribe();
    await waitForNodes(env.observer, path, 2);
    waiting.unsubscribe();
    events.stop();
    expect(summary(events.ended()).sort()).toEqual([`leader-wait LeaderElection ${path} aborted`, `lock-wait LeaderElection ${path} aborted`].sort());
    leading.unsubscribe();
  });
});
