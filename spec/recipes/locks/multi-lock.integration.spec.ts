// MultiLock on a real ZooKeeper: all of the locks or none (Curator's InterProcessMultiLock), taken in the order given
// and released in reverse; a timeout that bounds the whole acquisition, an abort and a lost lock each leave nothing
// held; the MultiHolding's state is the worst of its holdings'. Against Curator itself: multi-lock.interop.integration.spec.ts.
import { filter, firstValueFrom, map, merge } from 'rxjs';
import { InvalidArgumentError, InvalidPathError } from '../../../src';
import { Lock, LockLostError, LockTimeoutError, MultiLock, ReadWriteLock, type HoldingState } from '../../../src/recipes';
import { one, rejectionOf } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { recipeServer } from '../support/recipe-server';

const env = recipeServer();
const { connect } = env;
let counter = 0;
const lockPaths = (n: number): string[] => {
  counter++;
  return Array.from({ length: n }, (_, i) => `/multi/t-${counter}/${String.fromCharCode(97 + i)}`);
};

/** The contender nodes under a lock's path. */
const nodesOf = (path: string): Promise<string[]> => one(env.observer.getChildren(path)).catch(() => []);

describe('MultiLock', () => {
  it("takes every lock in the order given, on Curator's mutex layout, and releases them last first", async () => {
    const paths = lockPaths(3);
    const zk = await connect();
    const all = await new MultiLock(zk, paths).acquire();
    expect(all.holdings.map((h) => h.node.slice(0, h.node.lastIndexOf('/')))).toEqual(paths);
    for (const h of all.holdings) expect(h.node).toMatch(/\/_c_[0-9a-f-]{36}-lock-\d{10}$/);
    // Taken in order: each node was created after the one before it.
    const tokens = all.holdings.map((h) => h.fencingToken);
    expect([...tokens].sort((a, b) => (a < b ? -1 : 1))).toEqual(tokens);
    expect(all.state).toBe('HELD');

    // The order of the deletions, as the server tells a watcher of each node.
    const gone = new Recorder(
      merge(
        ...all.holdings.map((h, i) =>
          env.observer.exists$(h.node).pipe(
            filter((stat) => stat === null),
            map(() => i),
          ),
        ),
      ),
    );
    await all.release();
    expect(await gone.until((vs) => vs.length === 3)).toEqual([2, 1, 0]);
    gone.subscription.unsubscribe();
    expect(all.state).toBe('RELEASED');
    expect(all.signal.aborted).toBe(true);
    for (const p of paths) expect(await nodesOf(p)).toEqual([]);
    await all.release(); // idempotent
  });

  it('excludes another MultiLock sharing one of its locks, and a plain Lock on it', async () => {
    const [a, b, c] = lockPaths(3);
    const [zk1, zk2] = await Promise.all([connect(), connect()]);
    const first = await new MultiLock(zk1, [a, b]).acquire();
    expect(await new MultiLock(zk2, [b, c]).tryAcquire()).toBeNull();
    expect(await new Lock(zk2, b).tryAcquire()).toBeNull();
    // The one that was free (c) was not left held by the failed attempt.
    expect(await nodesOf(c)).toEqual([]);
    const waiting = new MultiLock(zk2, [b, c]).acquire({ timeout: 20_000 });
    await first.release();
    const second = await waiting;
    expect(second.state).toBe('HELD');
    await second.release();
  });

  it('a timeout bounds the whole acquisition, and nothing stays held after it', async () => {
    const [a, b, c] = lockPaths(3);
    const [zk1, zk2] = await Promise.all([connect(), connect()]);
    const blocker = await new Lock(zk1, c).acquire();
    const started = Date.now();
    const err = await rejectionOf(new MultiLock(zk2, [a, b, c]).acquire({ timeout: 800 }));
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as LockTimeoutError).timeout).toBe(800);
    expect(took).toBeGreaterThanOrEqual(790);
    expect(took).toBeLessThan(5_000);
    // a and b were taken, then released before the rejection; c's waiter node is gone too.
    expect(await nodesOf(a)).toEqual([]);
    expect(await nodesOf(b)).toEqual([]);
    expect(await nodesOf(c)).toEqual([blocker.node.slice(c.length + 1)]);
    // timeout 0 is one try of each, as tryAcquire.
    expect(await rejectionOf(new MultiLock(zk2, [a, c]).acquire({ timeout: 0 }))).toBeInstanceOf(LockTimeoutError);
    expect(await nodesOf(a)).toEqual([]);
    await blocker.release();
    const all = await new MultiLock(zk2, [a, b, c]).tryAcquire();
    expect(all).not.toBeNull();
    await all!.release();
  });

  it('an abort ends the wait with its reason and leaves nothing held', async () => {
    const [a, b] = lockPaths(2);
    const [zk1, zk2] = await Promise.all([connect(), connect()]);
    const blocker = await new Lock(zk1, b).acquire();
    const controller = new AbortController();
    const waiting = new MultiLock(zk2, [a, b]).acquire({ signal: controller.signal });
    // Wait until a is held and b's waiter queued: two nodes under b.
    for (let i = 0; (await nodesOf(b)).length < 2; i++) {
      if (i > 200) throw new Error('the waiter never queued under b');
      await one(env.observer.sync(b));
    }
    expect((await nodesOf(a)).length).toBe(1);
    const reason = new Error('shutting down');
    controller.abort(reason);
    expect(await rejectionOf(waiting)).toBe(reason);
    expect(await nodesOf(a)).toEqual([]);
    expect((await nodesOf(b)).length).toBe(1);
    await blocker.release();
  });

  it("is LOST (signal aborted, hold$ errors with LockLostError) when any of its locks is, and its state is the worst", async () => {
    const [a, b] = lockPaths(2);
    const zk = await connect();
    const multi = new MultiLock(zk, [a, b]);
    const held = new Recorder(multi.hold$());
    const [all] = await held.until((vs) => vs.length === 1);
    const states = new Recorder(all.state$);
    // What a's holding said when the whole turned LOST (hold$ releases it right after, as it errors).
    let firstWhenLost: string | undefined;
    const watching = all.state$.subscribe((state) => {
      if (state === 'LOST' && firstWhenLost === undefined) firstWhenLost = all.holdings[0].state;
    });
    await states.until((vs) => vs.includes('HELD'));
    // Someone deletes b's node: b is LOST, and so is the whole.
    await one(env.observer.delete(all.holdings[1].node));
    await states.until((vs) => vs.includes('LOST'));
    watching.unsubscribe();
    expect(firstWhenLost).toBe('HELD');
    expect(all.state).toBe('LOST');
    expect(all.signal.aborted).toBe(true);
    await held.until(() => held.error !== undefined).catch(() => undefined);
    expect(held.error).toBeInstanceOf(LockLostError);
    expect((held.error as LockLostError).holding).toBe(all.holdings[1]);
    // hold$ released what was still held when it errored.
    for (let i = 0; (await nodesOf(a)).length > 0; i++) {
      if (i > 200) throw new Error('a was never released');
      await one(env.observer.sync(a));
    }
    expect(states.values.filter((s: HoldingState) => s !== 'HELD')).toEqual(['LOST']);
  });

  it('unsubscribing hold$ releases every lock; withLock releases when work throws', async () => {
    const [a, b] = lockPaths(2);
    const zk = await connect();
    const multi = new MultiLock(zk, [a, b]);
    const all = await firstValueFrom(multi.hold$({ timeout: 5_000 }));
    // firstValueFrom unsubscribed: released, b first (the whole turns RELEASED, the worst, at b's), then a.
    await firstValueFrom(all.state$.pipe(filter((s) => s === 'RELEASED')));
    expect(all.signal.aborted).toBe(true);
    await firstValueFrom(all.holdings[0].state$.pipe(filter((s) => s === 'RELEASED')));
    expect(await nodesOf(a)).toEqual([]);
    const oops = new Error('work failed');
    expect(await rejectionOf(multi.withLock(() => Promise.reject(oops)))).toBe(oops);
    expect(await nodesOf(a)).toEqual([]);
    expect(await nodesOf(b)).toEqual([]);
    expect(await multi.withLock((h) => h.holdings.length)).toBe(2);
  });

  it('takes locks already made: a ReadWriteLock half and a Lock', async () => {
    const [a, b] = lockPaths(2);
    const [zk1, zk2] = await Promise.all([connect(), connect()]);
    const rw = new ReadWriteLock(zk1, a);
    const all = await new MultiLock(zk1, [rw.readLock, new Lock(zk1, b)]).acquire();
    // Readers share: another reader of a passes, a writer does not.
    const reader = await new ReadWriteLock(zk2, a).readLock.tryAcquire();
    expect(reader).not.toBeNull();
    expect(await new ReadWriteLock(zk2, a).writeLock.tryAcquire()).toBeNull();
    await reader!.release();
    await all.release();
  });

  it('refuses bad arguments before anything is sent', async () => {
    const zk = await connect();
    expect(() => new MultiLock(zk, [])).toThrow(InvalidArgumentError);
    expect(() => new MultiLock(zk, ['/x', '/x'])).toThrow(InvalidArgumentError);
    const lock = new Lock(zk, '/y');
    expect(() => new MultiLock(zk, [lock, lock])).toThrow(InvalidArgumentError);
    expect(() => new MultiLock(zk, ['no-slash'])).toThrow(InvalidPathError);
    expect(() => new MultiLock(zk, [42 as unknown as string])).toThrow(InvalidPathError);
    expect(() => new MultiLock(zk, [{} as unknown as string])).toThrow(InvalidArgumentError);
    expect(() => new MultiLock('localhost:2181' as never, ['/x'])).toThrow(InvalidArgumentError);
    expect(await rejectionOf(new MultiLock(zk, ['/x']).acquire({ timeout: -1 }))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejectionOf(new MultiLock(zk, ['/x']).acquire({ bogus: 1 } as never))).toBeInstanceOf(InvalidArgumentError);
  });
});
