/**
 * One recipe workload of bench/recipes/run.ts on rxzk, in a Node process of its own (as CuratorBench.java
 * and kazoo_bench.py run theirs), so the orchestrator's work is never on the clock:
 *
 *   node --expose-gc --import tsx bench/recipes/rxzk_bench.ts <connectString> <workload> '<json params>'
 *
 * Prints one JSON line `{"result":{...}}` (or `{"error":"..."}`); the tree-cache workload first prints
 * `{"ready":true}` once its cache is initialized, and the orchestrator then makes the changes it times.
 * Times are CLOCK_MONOTONIC nanoseconds (process.hrtime.bigint) where they cross processes.
 */
// First: how src/ is compiled (see ../compile-hook.ts).
import '../compile-hook';
import { concatMap, lastValueFrom, take, toArray } from 'rxjs';
import { createClient, type ZooKeeperClient } from '../../src';
import { Counter, DistributedQueue, Lock, LockTimeoutError, LockingQueue, Queue, TreeCache, type Holding, type QueueEntry } from '../../src/recipes';
import { fourLetterWord } from '../../src/testing';
import { gcFunction, settle } from '../heap';
import { emit, programArgs, runWorkload } from './program';

const { connect, workload, params, num, str } = programArgs();
const now = (): bigint => process.hrtime.bigint();
const ms = (from: bigint, to: bigint = now()): number => Number(to - from) / 1e6;
const sleep = (t: number) => new Promise<void>((r) => setTimeout(r, t));

async function client(): Promise<ZooKeeperClient> {
  const zk = createClient({ hosts: connect, sessionTimeout: 30_000 });
  await zk.start();
  return zk;
}

/** `Total watches:N` of `wchs` (data and exists watches, persistent ones included) and mntr's zk_watch_count. */
async function watches(): Promise<{ wchs: number; watchCount: number }> {
  const wchs = await fourLetterWord(connect, 'wchs');
  const mntr = await fourLetterWord(connect, 'mntr');
  return { wchs: Number(/Total watches:\s*(\d+)/.exec(wchs)?.[1] ?? NaN), watchCount: Number(/zk_watch_count\s+(\d+)/.exec(mntr)?.[1] ?? NaN) };
}

async function lockCycle(): Promise<Record<string, unknown>> {
  const zk = await client();
  const lock = new Lock(zk, str('path'));
  const warm = num('warmup');
  for (let i = 0; i < warm; i++) await (await lock.acquire()).release();
  const n = num('cycles');
  const timed = async (): Promise<number> => {
    const t0 = now();
    for (let i = 0; i < n; i++) await (await lock.acquire()).release();
    return ms(t0);
  };
  const elapsed = await timed();
  // Steady state: the same cycles again after `steadyWarmup` more (as every library does).
  for (let i = 0; i < num('steadyWarmup'); i++) await (await lock.acquire()).release();
  const steady = await timed();
  await zk.close();
  return { opsPerSec: (n * 1000) / elapsed, ms: elapsed, steadyOpsPerSec: (n * 1000) / steady };
}

/** Acquire, wait until the other process's contender is there, release; `cycles` times. Events in ns. */
async function lockHandoff(): Promise<Record<string, unknown>> {
  const zk = await client();
  const path = str('path');
  const lock = new Lock(zk, path);
  const acquired: string[] = [];
  const released: string[] = [];
  for (let i = 0; i < num('cycles'); i++) {
    const h: Holding = await lock.acquire();
    acquired.push(now().toString());
    const deadline = Date.now() + 1000;
    let other = false;
    while (Date.now() < deadline) {
      if ((await lastValueFrom(zk.getChildren(path))).length >= 2) {
        other = true;
        break;
      }
      await sleep(1);
    }
    if (other) await sleep(2); // the waiter's watch on our node goes out a round trip after its node
    const t = now();
    await h.release();
    if (other) released.push(t.toString());
  }
  await zk.close();
  return { acquired, released };
}

async function lockContenders(): Promise<Record<string, unknown>> {
  const n = num('contenders');
  const path = str('path');
  const clients = await Promise.all(Array.from({ length: n }, () => client()));
  const before = await watches();
  const locks = clients.map((zk) => new Lock(zk, path));
  const first = await locks[0].acquire();
  let released = 0;
  let tDone = 0n;
  let done!: () => void;
  const allDone = new Promise<void>((r) => (done = r));
  for (const l of locks.slice(1)) {
    void l.acquire().then(async (h) => {
      await h.release();
      if (++released === n - 1) {
        tDone = now();
        done();
      }
    });
  }
  // Every waiter's node, then its watch: sample until steady.
  const zk = clients[0];
  while ((await lastValueFrom(zk.getChildren(path))).length < n) await sleep(5);
  let during = await watches();
  for (let i = 0; i < 40; i++) {
    await sleep(50);
    const w = await watches();
    if (w.wchs === during.wchs && w.wchs - before.wchs >= n - 1) break;
    during = w;
  }
  const t0 = now();
  await first.release();
  await allDone;
  const result = { drainMs: ms(t0, tDone), waitWatches: during.wchs - before.wchs, waitWatchCount: during.watchCount - before.watchCount };
  await Promise.all(clients.map((c) => c.close()));
  return result;
}

async function treeCache(): Promise<Record<string, unknown>> {
  const gc = gcFunction();
  const zk = await client();
  const before = await watches();
  gc();
  await settle();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const tag = str('tag');
  const changes = num('changes');
  const cache = new TreeCache(zk, str('root'));
  const seen = new Set<string>();
  let tLast = 0n;
  let allSeen!: () => void;
  const allSeenP = new Promise<void>((r) => (allSeen = r));
  cache.events$.subscribe((e) => {
    if (e.type === 'NODE_UPDATED' && e.data.toString().startsWith(tag) && !seen.has(e.path)) {
      seen.add(e.path);
      if (seen.size === changes) {
        tLast = now();
        allSeen();
      }
    }
  });
  const t0 = now();
  await cache.start();
  const initMs = ms(t0);
  const after = await watches();
  gc();
  await settle();
  gc();
  const heapDelta = process.memoryUsage().heapUsed - heap0;
  const size = countNodes(cache, str('root'));
  emit({ ready: true });
  await allSeenP;
  await cache.close();
  await zk.close();
  return { initMs, watches: after.wchs - before.wchs, watchCount: after.watchCount - before.watchCount, memoryMB: heapDelta / 2 ** 20, nodes: size, tLast: tLast.toString() };
}

function countNodes(cache: TreeCache, root: string): number {
  let n = 0;
  const walk = (p: string) => {
    n++;
    for (const c of cache.children(p) ?? []) walk(p === '/' ? `/${c}` : `${p}/${c}`);
  };
  walk(root);
  return n;
}

async function counter(): Promise<Record<string, unknown>> {
  const n = num('clients');
  const incs = num('increments');
  const format = str('format') as 'int64' | 'text';
  const clients = await Promise.all(Array.from({ length: n }, () => client()));
  const counters = clients.map((zk) => new Counter(zk, str('path'), { format }));
  const t0 = now();
  await Promise.all(
    counters.map(async (c) => {
      for (let i = 0; i < incs; i++) await c.add(1);
    }),
  );
  const elapsed = ms(t0);
  const value = String(await counters[0].value());
  await Promise.all(clients.map((c) => c.close()));
  return { opsPerSec: (n * incs * 1000) / elapsed, ms: elapsed, value };
}

/**
 * Increments under contention with PromotedToLock (Curator's DistributedAtomicLong with a lock path): each client's
 * Counter 'int64' promotes an increment to the lock at `lockPath` after 3 lost compare-and-sets.
 */
async function atomicIncrement(): Promise<Record<string, unknown>> {
  const n = num('clients');
  const incs = num('increments');
  const clients = await Promise.all(Array.from({ length: n }, () => client()));
  const counters = clients.map((zk) => new Counter(zk, str('path'), { format: 'int64', promotedToLock: { lockPath: str('lockPath') } }));
  await counters[0].trySet(0n);
  const t0 = now();
  await Promise.all(
    counters.map(async (c) => {
      for (let i = 0; i < incs; i++) await c.increment();
    }),
  );
  const elapsed = ms(t0);
  const value = String(await counters[0].value());
  await Promise.all(clients.map((c) => c.close()));
  return { opsPerSec: (n * incs * 1000) / elapsed, ms: elapsed, value };
}

async function queue(): Promise<Record<string, unknown>> {
  const zk = await client();
  const n = num('entries');
  const q = new Queue(zk, str('path'));
  const item = Buffer.alloc(32, 0x71);
  // Unmeasured: `warmup` puts and gets first (as lock-cycle's warm-up cycles; every library does the same).
  for (let i = 0; i < num('warmup'); i++) await q.put(item);
  while ((await q.get()) !== null);
  let t0 = now();
  for (let i = 0; i < n; i++) await q.put(item);
  const putMs = ms(t0);
  t0 = now();
  let taken = 0;
  while ((await q.get()) !== null) taken++;
  const getMs = ms(t0);
  // The same again, drained by the take$() stream (rxzk only).
  for (let i = 0; i < n; i++) await q.put(item);
  t0 = now();
  const streamed = (await lastValueFrom(q.take$().pipe(take(n), toArray()))).length;
  const streamMs = ms(t0);
  await zk.close();
  return { putPerSec: (n * 1000) / putMs, getPerSec: (n * 1000) / getMs, takeStreamPerSec: (n * 1000) / streamMs, taken, streamed };
}

/** LockingQueue: puts one at a time, then take() + ack() until empty (kazoo: get() + consume()), then take$() + ack(). */
async function lockingQueue(): Promise<Record<string, unknown>> {
  const zk = await client();
  const n = num('entries');
  const q = new LockingQueue(zk, str('path'));
  const item = Buffer.alloc(32, 0x71);
  const drain = async (): Promise<number> => {
    let taken = 0;
    for (;;) {
      let entry: QueueEntry;
      try {
        entry = await q.take({ timeout: 0 });
      } catch (err) {
        if (err instanceof LockTimeoutError) return taken;
        throw err;
      }
      await entry.ack();
      taken++;
    }
  };
  // Unmeasured: `warmup` puts, taken and acked, first (every library does the same).
  for (let i = 0; i < num('warmup'); i++) await q.put(item);
  await drain();
  let t0 = now();
  for (let i = 0; i < n; i++) await q.put(item);
  const putMs = ms(t0);
  t0 = now();
  const taken = await drain();
  const getMs = ms(t0);
  // The same again, drained by the take$() stream (each entry acked as it comes; the next is locked once it is).
  for (let i = 0; i < n; i++) await q.put(item);
  t0 = now();
  let streamed = 0;
  await new Promise<void>((resolve, reject) => {
    const subscription = q.take$().subscribe({
      next: (entry) => {
        entry.ack().then(() => {
          if (++streamed === n) {
            subscription.unsubscribe();
            resolve();
          }
        }, reject);
      },
      error: reject,
    });
  });
  const streamMs = ms(t0);
  await zk.close();
  return { putPerSec: (n * 1000) / putMs, getPerSec: (n * 1000) / getMs, takeStreamPerSec: (n * 1000) / streamMs, taken, streamed };
}

/**
 * Curator's DistributedQueue layout (`queue-<seq>` in Curator's item format): put `entries` items one by one, then
 * drain them with take$() (each acked as it comes); with `lockPath`, at least once (lock, then node and lock deleted
 * together at the ack), as a Curator consumer with QueueBuilder.lockPath.
 */
async function rxzkCuratorQueue(): Promise<Record<string, unknown>> {
  const zk = await client();
  const n = num('entries');
  const lockPath = params.lockPath === undefined ? undefined : str('lockPath');
  const q = new DistributedQueue(zk, str('path'), lockPath === undefined ? undefined : { lockPath });
  const item = Buffer.alloc(32, 0x71);
  const drain = async (count: number): Promise<number> =>
    (
      await lastValueFrom(
        q.take$().pipe(
          concatMap(async (entry) => {
            await entry.ack();
            return entry;
          }),
          take(count),
          toArray(),
        ),
      )
    ).length;
  // Unmeasured: `warmup` puts, taken and acked, first (Curator's program does the same).
  const warm = params.warmup === undefined ? 0 : num('warmup');
  for (let i = 0; i < warm; i++) await q.put(item);
  if (warm > 0) await drain(warm);
  let t0 = now();
  for (let i = 0; i < n; i++) await q.put(item);
  const putMs = ms(t0);
  t0 = now();
  const taken = await drain(n);
  const drainMs = ms(t0);
  await zk.close();
  return { putPerSec: (n * 1000) / putMs, getPerSec: (n * 1000) / drainMs, taken };
}

const WORKLOADS: Record<string, () => Promise<Record<string, unknown>>> = {
  'lock-cycle': lockCycle,
  'lock-handoff': lockHandoff,
  'lock-contenders': lockContenders,
  'tree-cache': treeCache,
  counter,
  'atomic-increment': atomicIncrement,
  queue,
  'locking-queue': lockingQueue,
  'rxzk-curator-queue': rxzkCuratorQueue,
};

runWorkload(WORKLOADS, workload);
