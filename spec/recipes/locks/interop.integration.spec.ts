// rxzk's locks against the real Curator 5.4 and kazoo 2.8 on the same paths: each excludes (or shares with) the
// other in both directions, on the layouts each writes, as Java, Python and Node services would.
import { filter, firstValueFrom } from 'rxjs';
import { LeaderLatch, Lock, NonBlockingLease, ReadWriteLock, Semaphore } from '../../../src/recipes';
import { one } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { nodesOf, waitForNodes } from '../leader/support';
import { settled } from './support';
import { interopServer } from '../support/interop-server';

const env = interopServer({ curator: true, kazoo: true });
let counter = 0;
const fresh = (what: string) => `/interop/${what}-${++counter}`;
const nodeCount = (path: string, count: number) => waitForNodes(env.observer, path, count);
const HOUR = 3_600_000;

describe('Lock and Curator InterProcessMutex', () => {
  it('exclude each other both ways', async () => {
    const path = fresh('mutex');
    await env.curator.call('mutex.create', { handle: 'm1', path, data: 'java-1' });
    await env.curator.call('mutex.create', { handle: 'm2', path, data: 'java-2' });
    const lock = new Lock(env.zk, path, { identifier: 'node-1' });
    // Curator holds: rxzk waits.
    expect(await env.curator.call('mutex.acquire', { handle: 'm1', timeoutMs: 5_000 })).toBe(true);
    expect(await lock.tryAcquire()).toBeNull();
    const waiting = settled(lock.acquire({ timeout: 15_000 }));
    await nodeCount(path, 2);
    expect(await lock.contenders()).toEqual(['java-1', 'node-1']);
    await one(env.zk.sync(path));
    expect(waiting.done).toBe(false);
    await env.curator.call('mutex.release', { handle: 'm1' });
    const held = await waiting.promise;
    // rxzk holds: Curator waits.
    expect(await env.curator.call('mutex.acquire', { handle: 'm2', timeoutMs: 200 })).toBe(false);
    const javaWaiting = env.curator.call('mutex.acquire', { handle: 'm2', timeoutMs: 15_000 });
    await nodeCount(path, 2);
    expect(await env.curator.call('mutex.isAcquired', { handle: 'm2' })).toBe(false);
    await held.release();
    expect(await javaWaiting).toBe(true);
    await env.curator.call('mutex.release', { handle: 'm2' });
    expect(await nodesOf(env.observer, path)).toEqual([]);
  });
});

describe('Lock and kazoo Lock', () => {
  it("rxzk honours kazoo's default __lock__ contenders without help", async () => {
    const path = fresh('kazoo-lock');
    await env.kazoo.call('lock.create', { handle: 'k1', path, identifier: 'py-1' });
    expect(await env.kazoo.call('lock.acquire', { handle: 'k1', timeoutMs: 5_000 })).toBe(true);
    const lock = new Lock(env.zk, path, { identifier: 'node-1' });
    expect(await lock.tryAcquire()).toBeNull();
    const waiting = settled(lock.acquire({ timeout: 15_000 }));
    await nodeCount(path, 2);
    await one(env.zk.sync(path));
    expect(waiting.done).toBe(false);
    expect(await env.kazoo.call('lock.release', { handle: 'k1' })).toBe(true);
    await (await waiting.promise).release();
  });

  it("kazoo with extra_lock_patterns=['-lock-'] waits for rxzk's Curator-layout node", async () => {
    const path = fresh('kazoo-aware');
    const held = await new Lock(env.zk, path, { identifier: 'node-1' }).acquire();
    await env.kazoo.call('lock.create', { handle: 'k2', path, identifier: 'py-2', extraLockPatterns: ['-lock-'] });
    expect(await env.kazoo.call('lock.acquire', { handle: 'k2', timeoutMs: 200 })).toBe(false);
    const pyWaiting = env.kazoo.call('lock.acquire', { handle: 'k2', timeoutMs: 15_000 });
    await nodeCount(path, 2);
    expect(await env.kazoo.call('lock.isAcquired', { handle: 'k2' })).toBe(false);
    expect(await env.kazoo.call('lock.contenders', { handle: 'k2' })).toEqual(['node-1', 'py-2']);
    await held.release();
    expect(await pyWaiting).toBe(true);
    // And back: kazoo holds, rxzk waits.
    expect(await new Lock(env.zk, path).tryAcquire()).toBeNull();
    expect(await env.kazoo.call('lock.release', { handle: 'k2' })).toBe(true);
  });
});

describe('ReadWriteLock and Curator InterProcessReadWriteLock', () => {
  it('a Curator writer blocks rxzk readers; rxzk readers share with Curator readers', async () => {
    const path = fresh('rw');
    await env.curator.call('rwlock.create', { handle: 'cw', path });
    await env.curator.call('rwlock.create', { handle: 'cr', path });
    expect(await env.curator.call('rwlock.acquireWrite', { handle: 'cw', timeoutMs: 5_000 })).toBe(true);
    const rw = new ReadWriteLock(env.zk, path);
    expect(await rw.readLock.tryAcquire()).toBeNull();
    const reading = settled(rw.readLock.acquire({ timeout: 15_000 }));
    await nodeCount(path, 2);
    await one(env.zk.sync(path));
    expect(reading.done).toBe(false);
    await env.curator.call('rwlock.releaseWrite', { handle: 'cw' });
    const read = await reading.promise;
    // Readers share across the two libraries.
    expect(await env.curator.call('rwlock.acquireRead', { handle: 'cr', timeoutMs: 5_000 })).toBe(true);
    expect(read.state).toBe('HELD');
    await env.curator.call('rwlock.releaseRead', { handle: 'cr' });
    await read.release();
  });

  it('an rxzk writer blocks Curator readers (and writers) until released', async () => {
    const path = fresh('rw');
    await env.curator.call('rwlock.create', { handle: 'cr2', path });
    await env.curator.call('rwlock.create', { handle: 'cw2', path });
    const write = await new ReadWriteLock(env.zk, path).writeLock.acquire();
    expect(await env.curator.call('rwlock.acquireRead', { handle: 'cr2', timeoutMs: 200 })).toBe(false);
    expect(await env.curator.call('rwlock.acquireWrite', { handle: 'cw2', timeoutMs: 200 })).toBe(false);
    const javaReading = env.curator.call('rwlock.acquireRead', { handle: 'cr2', timeoutMs: 15_000 });
    await nodeCount(path, 2);
    await write.release();
    expect(await javaReading).toBe(true);
    // A Curator reader holds: an rxzk writer waits, an rxzk reader shares.
    const rw = new ReadWriteLock(env.zk, path);
    expect(await rw.writeLock.tryAcquire()).toBeNull();
    const shared = await rw.readLock.tryAcquire();
    expect(shared).not.toBeNull();
    await shared!.release();
    await env.curator.call('rwlock.releaseRead', { handle: 'cr2' });
    expect(await nodesOf(env.observer, path)).toEqual([]);
  });
});

describe('ReadWriteLock and kazoo ReadLock / WriteLock', () => {
  it("a kazoo WriteLock blocks rxzk readers; rxzk's kazoo-layout writer blocks kazoo ReadLocks; readers share", async () => {
    const path = fresh('kazoo-rw');
    await env.kazoo.call('lock.create', { handle: 'kw', path, identifier: 'py-writer', kind: 'write' });
    await env.kazoo.call('lock.create', { handle: 'kr', path, identifier: 'py-reader', kind: 'read' });
    expect(await env.kazoo.call('lock.acquire', { handle: 'kw', timeoutMs: 5_000 })).toBe(true);
    const rw = new ReadWriteLock(env.zk, path, { layout: 'kazoo', identifier: 'node' });
    expect(await rw.readLock.tryAcquire()).toBeNull();
    const reading = settled(rw.readLock.acquire({ timeout: 15_000 }));
    await nodeCount(path, 2);
    await one(env.zk.sync(path));
    expect(reading.done).toBe(false);
    expect(await env.kazoo.call('lock.release', { handle: 'kw' })).toBe(true);
    const read = await reading.promise;
    // A kazoo reader shares with rxzk's.
    expect(await env.kazoo.call('lock.acquire', { handle: 'kr', timeoutMs: 5_000 })).toBe(true);
    expect(await env.kazoo.call('lock.release', { handle: 'kr' })).toBe(true);
    await read.release();
    // rxzk writes: kazoo's reader waits until it is released.
    const write = await rw.writeLock.acquire({ timeout: 5_000 });
    expect(await env.kazoo.call('lock.acquire', { handle: 'kr', timeoutMs: 200 })).toBe(false);
    const pyReading = env.kazoo.call('lock.acquire', { handle: 'kr', timeoutMs: 15_000 });
    await nodeCount(path, 2);
    await write.release();
    expect(await pyReading).toBe(true);
    expect(await env.kazoo.call('lock.release', { handle: 'kr' })).toBe(true);
  });
});

describe('Semaphore and Curator InterProcessSemaphoreV2', () => {
  it('share maxLeases: never more than max between them, and each waits for the other', async () => {
    const path = fresh('sem');
    await env.curator.call('semaphore.create', { handle: 'cs', path, maxLeases: 2 });
    const sem = new Semaphore(env.zk, path, { maxLeases: 2, identifier: 'node' });
    expect(await env.curator.call('semaphore.acquire', { handle: 'cs', timeoutMs: 5_000 })).toBe(true);
    const mine = await sem.acquire({ timeout: 5_000 });
    // Full: neither side gets a third lease.
    expect(await env.curator.call('semaphore.acquire', { handle: 'cs', timeoutMs: 300 })).toBe(false);
    expect(await sem.tryAcquire()).toBeNull();
    expect(await nodesOf(env.observer, `${path}/leases`)).toHaveLength(2);
    // rxzk waits for Curator's lease.
    const waiting = settled(sem.acquire({ timeout: 15_000 }));
    await waitForNodes(env.observer, `${path}/leases`, 3);
    await one(env.zk.sync(path));
    expect(waiting.done).toBe(false);
    expect(await env.curator.call('semaphore.release', { handle: 'cs' })).toBe(true);
    const second = await waiting.promise;
    expect(await sem.leaseHolders()).toEqual(['node', 'node']);
    // Curator waits for rxzk's.
    const javaWaiting = env.curator.call('semaphore.acquire', { handle: 'cs', timeoutMs: 15_000 });
    await waitForNodes(env.observer, `${path}/leases`, 3);
    expect(await env.curator.call('semaphore.leases', { handle: 'cs' })).toBe(0);
    await mine.release();
    expect(await javaWaiting).toBe(true);
    await second.release();
    expect(await env.curator.call('semaphore.release', { handle: 'cs' })).toBe(true);
    expect(await nodesOf(env.observer, `${path}/leases`)).toEqual([]);
  });
});

describe('NonBlockingLease and kazoo NonBlockingLease', () => {
  it("kazoo's unexpired lease refuses rxzk, and rxzk's refuses kazoo; the same identifier renews across them", async () => {
    const path = fresh('lease');
    expect(await env.kazoo.call('lease.obtain', { path, durationMs: HOUR, identifier: 'py-holder' })).toBe(true);
    const written = (await one(env.observer.get(`${path}/lease_holder`))).data.toString();
    expect(written).toMatch(/^\{"version": 1, "holder": "py-holder", "end": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"\}$/);
    expect(await NonBlockingLease.obtain(env.zk, path, HOUR, { identifier: 'node-holder' })).toBe(false);
    expect(await NonBlockingLease.obtain(env.zk, path, HOUR, { identifier: 'py-holder' })).toBe(true);

    const back = fresh('lease');
    expect(await NonBlockingLease.obtain(env.zk, back, HOUR, { identifier: 'node-holder' })).toBe(true);
    expect(await env.kazoo.call('lease.obtain', { path: back, durationMs: HOUR, identifier: 'py-holder' })).toBe(false);
    expect(await env.kazoo.call('lease.obtain', { path: back, durationMs: HOUR, identifier: 'node-holder' })).toBe(true);
    // rxzk's record reads in kazoo as kazoo's own (same bytes but the end).
    const expired = fresh('lease');
    expect(await NonBlockingLease.obtain(env.zk, expired, 0, { identifier: 'node-holder' })).toBe(true);
    expect(await env.kazoo.call('lease.obtain', { path: expired, durationMs: HOUR, identifier: 'py-holder' })).toBe(true);
    expect((JSON.parse((await one(env.observer.get(`${expired}/lease_holder`))).data.toString()) as { holder: string }).holder).toBe('py-holder');
  });

  it("count shares kazoo's MultiNonBlockingLease paths", async () => {
    const path = fresh('multi');
    expect(await env.kazoo.call('lease.obtain', { path, durationMs: HOUR, identifier: 'py', count: 2 })).toBe(true);
    expect(await NonBlockingLease.obtain(env.zk, path, HOUR, { identifier: 'node', count: 2 })).toBe(true);
    expect(await env.kazoo.call('lease.obtain', { path, durationMs: HOUR, identifier: 'py-2', count: 2 })).toBe(false);
    expect(await NonBlockingLease.obtain(env.zk, path, HOUR, { identifier: 'node-2', count: 2 })).toBe(false);
    expect((JSON.parse((await one(env.observer.get(`${path}/1/lease_holder`))).data.toString()) as { holder: string }).holder).toBe('node');
  });
});

describe('LeaderLatch and Curator LeaderLatch', () => {
  it('elect one leader among them on one path', async () => {
    const path = fresh('latch');
    await env.curator.call('latch.create', { handle: 'l1', path, id: 'java-leader' });
    await env.curator.call('latch.start', { handle: 'l1' });
    expect(await env.curator.call('latch.await', { handle: 'l1', timeoutMs: 10_000 })).toBe(true);
    const latch = new LeaderLatch(env.zk, path, { identifier: 'node-follower' });
    const leading = new Recorder(latch.leadership$());
    await nodeCount(path, 2);
    expect(await latch.participants()).toEqual([
      { identifier: 'java-leader', isLeader: true },
      { identifier: 'node-follower', isLeader: false },
    ]);
    expect(leading.values).toEqual([false]);
    await env.curator.call('latch.close', { handle: 'l1' });
    await leading.last((v) => v, 20_000);
    // Now Curator follows rxzk.
    await env.curator.call('latch.create', { handle: 'l2', path, id: 'java-follower' });
    await env.curator.call('latch.start', { handle: 'l2' });
    await nodeCount(path, 2);
    expect(await env.curator.call('latch.await', { handle: 'l2', timeoutMs: 300 })).toBe(false);
    expect(await env.curator.call('latch.hasLeadership', { handle: 'l2' })).toBe(false);
    leading.subscription.unsubscribe();
    expect(await env.curator.call('latch.await', { handle: 'l2', timeoutMs: 15_000 })).toBe(true);
    await env.curator.call('latch.close', { handle: 'l2' });
    await firstValueFrom(env.observer.watchChildren$(path).pipe(filter((names) => (names ?? []).length === 0)));
  });
});
