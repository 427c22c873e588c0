// Semaphore on a real ZooKeeper: Curator's InterProcessSemaphoreV2 layout, never more than maxLeases holders
// (kazoo#213, CURATOR-315, aiozk's Lease), the mutex taken only briefly, and bounded waits that leave no node.
import { InvalidArgumentError } from '../../../src';
import { LockTimeoutError, Semaphore, type Holding } from '../../../src/recipes';
import { one, rejectionOf, until } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { recipeServer } from '../support/recipe-server';
import { UUID, childrenUntil, nodesOf, waitForNodes } from '../leader/support';
import { settled } from './support';

const env = recipeServer();
const { connect } = env;
let counter = 0;
const semPath = () => `/sem/t-${++counter}`;
const leases = (path: string) => nodesOf(env.observer, `${path}/leases`);
const mutexNodes = (path: string) => nodesOf(env.observer, `${path}/locks`);

describe('Semaphore', () => {
  it("writes Curator's layout: leases/_c_<uuid>-lease-<seq> with the identifier as data; the mutex under locks/ is let go", async () => {
    const path = semPath();
    const zk = await connect();
    const lease = await new Semaphore(zk, path, { maxLeases: 2, identifier: 'db-1' }).acquire();
    const [name] = await leases(path);
    expect(name).toMatch(new RegExp(`^_c_${UUID}-lease-0000000000$`));
    expect(lease.node).toBe(`${path}/leases/${name}`);
    expect((await one(env.observer.get(lease.node))).data.toString()).toBe('db-1');
    // The mutex was an InterProcessMutex node under <path>/locks, deleted once the lease was counted.
    expect((await one(env.observer.exists(`${path}/locks`)))?.cversion).toBeGreaterThan(0);
    await waitForNodes(env.observer, `${path}/locks`, 0);
    await lease.release();
    expect(lease.state).toBe('RELEASED');
    expect(await leases(path)).toEqual([]);
  });

  it('grants maxLeases at once; the next waits until one is released; leaseHolders lists the holders', async () => {
    const path = semPath();
    const [za, zb, zc] = await Promise.all([connect(), connect(), connect()]);
    const a = await new Semaphore(za, path, { maxLeases: 2, identifier: 'a' }).acquire();
    const b = await new Semaphore(zb, path, { maxLeases: 2, identifier: 'b' }).acquire({ timeout: 5_000 });
    const semC = new Semaphore(zc, path, { maxLeases: 2, identifier: 'c' });
    expect(await semC.tryAcquire()).toBeNull();
    expect(await leases(path)).toHaveLength(2);
    const c = settled(semC.acquire());
    await waitForNodes(env.observer, `${path}/leases`, 3);
    expect(await semC.leaseHolders()).toEqual(['a', 'b']);
    await one(zc.sync(path));
    expect(c.done).toBe(false);
    await a.release();
    const cHeld = await c.promise;
    expect(await semC.leaseHolders()).toEqual(['b', 'c']);
    await Promise.all([b.release(), cHeld.release()]);
    expect(await leases(path)).toEqual([]);
  });

  it('never grants more than maxLeases under contention, and every acquirer gets its turns', async () => {
    const path = semPath();
    const clients = await Promise.all([0, 1, 2, 3, 4].map(() => connect()));
    let holders = 0;
    let most = 0;
    let turns = 0;
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const sem = new Semaphore(clients[i % clients.length], path, { maxLeases: 3, identifier: `c${i}` });
        for (let round = 0; round < 3; round++) {
          await sem.withLock(async () => {
            holders++;
            turns++;
            most = Math.max(most, holders);
            // Stays a few round trips (fences, no timer), or until the semaphore is full, so that holders overlap.
            for (let i = 0; i < 20 && holders < 3; i++) await one(env.observer.sync(path));
            holders--;
          });
        }
      }),
    );
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);
    expect(turns).toBe(30);
    expect(await leases(path)).toEqual([]);
    expect(await mutexNodes(path)).toEqual([]);
  });

  it('ten try-acquirers with max 2 and a reconnect in the middle: never more than 2 granted, no lease orphaned', async () => {
    const path = semPath();
    const proxy = await env.proxy();
    const cutOff = await connect({ hosts: proxy.address, sessionTimeout: 20_000 });
    const plain = await Promise.all([0, 1, 2].map(() => connect()));
    const clients = [cutOff, ...plain];
    const granted: Holding[] = [];
    const tries = Array.from({ length: 10 }, (_, i) =>
      new Semaphore(clients[i % clients.length], path, { maxLeases: 2 }).tryAcquire().then(
        (h) => {
          if (h !== null) granted.push(h);
          return h;
        },
        (err: unknown) => err,
      ),
    );
    // Cut once the first lease is on the server: the others are between the mutex, the create and the count.
    await childrenUntil(env.observer, `${path}/leases`, (names) => names.length > 0);
    proxy.cut();
    const results = await Promise.all(tries);
    await until(cutOff, 'CONNECTED');
    expect(granted.length).toBeGreaterThan(0);
    expect(granted.length).toBeLessThanOrEqual(2);
    // Every lease node left is a granted one; the refused and failed ones removed theirs.
    await waitForNodes(env.observer, `${path}/leases`, granted.length);
    expect((await leases(path)).map((n) => `${path}/leases/${n}`).sort()).toEqual(granted.map((h) => h.node).sort());
    expect(results.filter((r) => r !== null && !('node' in (r as object)))).toEqual([]);
    await Promise.all(granted.map((h) => h.release()));
    expect(await leases(path)).toEqual([]);
  });

  it('a timed-out waiter and an aborted one leave no lease and no mutex node', async () => {
    const path = semPath();
    const [za, zb] = await Promise.all([connect(), connect()]);
    const held = await new Semaphore(za, path, { maxLeases: 1 }).acquire();
    const sem = new Semaphore(zb, path, { maxLeases: 1 });
    const err = await rejectionOf(sem.acquire({ timeout: 400 }));
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as LockTimeoutError).timeout).toBe(400);
    expect(await leases(path)).toEqual([held.node.split('/').pop()]);
    expect(await mutexNodes(path)).toEqual([]);
    const controller = new AbortController();
    const waiting = sem.acquire({ signal: controller.signal });
    await waitForNodes(env.observer, `${path}/leases`, 2);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await rejectionOf(waiting)).toBe(reason);
    expect(await leases(path)).toHaveLength(1);
    expect(await mutexNodes(path)).toEqual([]);
    await held.release();
  });

  it('waits for the mutex when another acquirer holds it: tryAcquire gives null, the timeout bounds both waits', async () => {
    const path = semPath();
    const other = await connect();
    // Another acquirer (a Curator InterProcessSemaphoreV2, say) is inside the mutex.
    await one(other.ensurePath(`${path}/locks`));
    const mutex = await one(other.create(`${path}/locks/_c_00000000-0000-4000-8000-000000000000-lock-`, 'java', { ephemeral: true, sequential: true }));
    const sem = new Semaphore(await connect(), path, { maxLeases: 5 });
    expect(await sem.tryAcquire()).toBeNull();
    const err = await rejectionOf(sem.acquire({ timeout: 300 }));
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect(await mutexNodes(path)).toEqual([mutex.split('/').pop()]);
    expect(await leases(path)).toEqual([]);
    const acquiring = sem.acquire({ timeout: 10_000 });
    await waitForNodes(env.observer, `${path}/locks`, 2);
    await one(other.delete(mutex));
    const lease = await acquiring;
    expect(lease.state).toBe('HELD');
    await lease.release();
  });

  it('hold$() takes a lease on subscribe and gives it back on unsubscribe', async () => {
    const path = semPath();
    const sem = new Semaphore(await connect(), path, { maxLeases: 1 });
    const held = new Recorder(sem.hold$());
    const [lease] = await held.until((v) => v.length === 1);
    expect(await leases(path)).toHaveLength(1);
    held.subscription.unsubscribe();
    await new Recorder(lease.state$).until((s) => s.includes('RELEASED'));
    expect(await leases(path)).toEqual([]);
  });

  it('refuses a maxLeases that is not a positive integer, before anything is sent', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '2', undefined]) {
      expect(() => new Semaphore(env.observer, '/sem/bad', { maxLeases: bad as number })).toThrow(InvalidArgumentError);
    }
    expect(() => new Semaphore(env.observer, '/sem/bad', undefined as unknown as { maxLeases: number })).toThrow(InvalidArgumentError);
    expect(() => new Semaphore(env.observer, 'bad', { maxLeases: 1 })).toThrow(/path/i);
  });
});
