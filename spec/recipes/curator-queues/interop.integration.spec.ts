// Curator's queues against the real Curator 5.4 on the same znodes: every queue both ways (a Curator producer and an
// rxzk consumer, and the reverse), with and without a lock path, batches from putMulti, priority and delay order, id
// removal, SimpleDistributedQueue; and, for every kind, nothing lost or doubled when the rxzk side's connection is cut or its
// session expires.
import {
  DistributedDelayQueue,
  DistributedIdQueue,
  DistributedPriorityQueue,
  DistributedQueue,
  LockLostError,
  SimpleDistributedQueue,
} from '../../../src/recipes';
import { expireAndRenew, one, rejectionOf, until } from '../../support/fixtures';
import { nodesOf, waitForNodes } from '../leader/support';
import { fencedUntil } from '../locks/support';
import { Collector, curatorQueues, type CuratorKind } from './support';
import { interopServer } from '../support/interop-server';

const env = interopServer({ curator: true });
let cq: ReturnType<typeof curatorQueues>;
let counter = 0;
const paths = () => {
  const n = ++counter;
  return { path: `/interop/cq-${n}/queue`, lockPath: `/interop/cq-${n}/locks`, handle: `h${n}` };
};

beforeAll(() => {
  cq = curatorQueues(env.curator);
});

describe('DistributedQueue with Curator', () => {
  it('Curator puts and putMulti, rxzk takes in order: a batch is one node, handed out item by item', async () => {
    const { path, handle } = paths();
    await cq.create(handle, { path, consume: false });
    await cq.put(handle, 'a');
    await cq.put(handle, 'b');
    await cq.putMulti(handle, ['c1', 'c2', 'c3']);
    await cq.put(handle, 'd');
    const names = await nodesOf(env.observer, path);
    expect(names).toHaveLength(4);
    for (const name of names) expect(name).toMatch(/^queue-\d{10}$/);
    const taken = new Collector(new DistributedQueue(env.zk, path).take$());
    expect(await taken.until(6)).toEqual(['a', 'b', 'c1', 'c2', 'c3', 'd']);
    expect(new Set(taken.entries.slice(2, 5).map((e) => e.name)).size).toBe(1);
    taken.stop();
    await waitForNodes(env.observer, path, 0);
  });

  it('rxzk puts and putMulti, a Curator consumer gets every item in order, once', async () => {
    const { path, handle } = paths();
    const q = new DistributedQueue(env.zk, path);
    await q.put('x');
    await q.putMulti(['y1', 'y2']);
    await q.put(Buffer.from('z'));
    // The queue path is PERSISTENT, as Curator's start() makes it.
    expect((await one(env.observer.exists(path)))?.ephemeralOwner).toBe(0n);
    await cq.create(handle, { path });
    expect((await cq.awaitConsumed(handle, 4)).map((c) => c.data)).toEqual(['x', 'y1', 'y2', 'z']);
    await waitForNodes(env.observer, path, 0);
    await cq.close(handle);
  });

  it('with lockPath: rxzk locks <lockPath>/<node> while the item is in hand, a Curator consumer skips it, the ack removes node and lock', async () => {
    const { path, lockPath, handle } = paths();
    await cq.create(`${handle}p`, { path, lockPath, consume: false });
    await cq.put(`${handle}p`, 'one');
    await cq.put(`${handle}p`, 'two');
    const mine = new Collector(new DistributedQueue(env.zk, path, { lockPath }).take$(), false);
    await mine.until(1);
    const entry = mine.inHand;
    expect(entry.data.toString()).toBe('one');
    const lock = await one(env.observer.exists(`${lockPath}/${entry.name}`));
    expect(lock?.ephemeralOwner).toBe(env.zk.session?.id);
    expect((await one(env.observer.exists(lockPath)))?.ephemeralOwner).toBe(0n);
    await cq.create(handle, { path, lockPath });
    expect((await cq.awaitConsumed(handle, 1)).map((c) => c.data)).toEqual(['two']);
    await waitForNodes(env.observer, path, 1);
    expect(await nodesOf(env.observer, path)).toEqual([entry.name]);
    // Stopped first, so that it takes nothing more; the entry in hand is still ours to ack.
    mine.stop();
    await entry.ack();
    expect(await nodesOf(env.observer, path)).toEqual([]);
    // Our lock went with the node. A Curator consumer working from a list read before the ack may still lock the
    // entry for a moment (processWithLockSafety creates the lock, finds the item gone, deletes the lock): not ours.
    const left = await one(env.observer.exists(`${lockPath}/${entry.name}`));
    expect(left === null || left.ephemeralOwner !== env.zk.session?.id).toBe(true);
    await fencedUntil(env.observer, async () => ((await nodesOf(env.observer, lockPath)).length === 0 ? true : null));
    expect((await cq.consumed(handle)).map((c) => c.data)).toEqual(['two']);
    await cq.close(handle);
  });

  it('with lockPath: release of one item hands the whole batch node back to the end of the queue, where Curator takes it', async () => {
    const { path, lockPath, handle } = paths();
    const q = new DistributedQueue(env.zk, path, { lockPath });
    await q.putMulti(['b1', 'b2']);
    await q.put('after');
    const mine = new Collector(q.take$(), false);
    await mine.until(1);
    await mine.inHand.ack(); // not the last of its node: the node stays
    await mine.until(2);
    expect(mine.inHand.data.toString()).toBe('b2');
    mine.stop();
    await mine.inHand.release();
    const names = await nodesOf(env.observer, path);
    expect(names).toHaveLength(2);
    await cq.create(handle, { path, lockPath });
    expect((await cq.awaitConsumed(handle, 3)).map((c) => c.data)).toEqual(['after', 'b1', 'b2']);
    await waitForNodes(env.observer, path, 0);
    await cq.close(handle);
  });

  it('with lockPath: rxzk and Curator consume one queue side by side, Curator requeueing a failure (ErrorMode.REQUEUE): each item processed once', async () => {
    const { path, lockPath, handle } = paths();
    const q = new DistributedQueue(env.zk, path, { lockPath });
    const put: string[] = [];
    for (let i = 0; i < 24; i++) {
      if (i % 6 === 2) {
        await q.putMulti([`i${i}`, `i${i + 1}`]);
        put.push(`i${i}`, `i${i + 1}`);
        i++;
      } else {
        await q.put(`i${i}`);
        put.push(`i${i}`);
      }
    }
    // Curator fails i10 (a single put) once: it requeues the node, to the end, under its lock.
    await cq.create(handle, { path, lockPath, failOnce: 'i10' });
    const mine = new Collector(q.take$());
    await waitForNodes(env.observer, path, 0, 30_000);
    mine.stop();
    await Promise.all(mine.acks);
    const theirs = (await cq.consumed(handle)).map((c) => c.data);
    const all = [...mine.items, ...theirs].sort();
    expect(all).toEqual([...put].sort());
    await waitForNodes(env.observer, lockPath, 0);
    await cq.close(handle);
  });
});

describe('DistributedPriorityQueue with Curator', () => {
  it('Curator puts priorities, rxzk takes lower first (negative ones first), FIFO within one', async () => {
    const { path, handle } = paths();
    await cq.create(handle, { path, kind: 'priority', consume: false });
    await cq.put(handle, 'five', { priority: 5 });
    await cq.put(handle, 'minus3', { priority: -3 });
    await cq.put(handle, 'zero', { priority: 0 });
    await cq.putMulti(handle, ['m1', 'm2'], { priority: 1 });
    await cq.put(handle, 'five-b', { priority: 5 });
    expect(await nodesOf(env.observer, path)).toContainEqual(expect.stringMatching(/^queue-0FFFFFFFD\d{10}$/));
    const taken = new Collector(new DistributedPriorityQueue(env.zk, path).take$());
    expect(await taken.until(6)).toEqual(['minus3', 'zero', 'm1', 'm2', 'five', 'five-b']);
    taken.stop();
  });

  it('rxzk puts priorities, a Curator consumer takes them in priority order', async () => {
    const { path, handle } = paths();
    const q = new DistributedPriorityQueue(env.zk, path);
    await q.put('low', 100);
    await q.putMulti(['hi1', 'hi2'], -7);
    await q.put('mid', 50);
    await cq.create(handle, { path, kind: 'priority' });
    expect((await cq.awaitConsumed(handle, 4)).map((c) => c.data)).toEqual(['hi1', 'hi2', 'mid', 'low']);
    await cq.close(handle);
  });

  it('a higher-priority item put while rxzk consumes is taken before lower ones still listed', async () => {
    const { path, handle } = paths();
    const q = new DistributedPriorityQueue(env.zk, path);
    for (const p of [10, 20, 30]) await q.put(`p${p}`, p);
    const taken = new Collector(q.take$(), false);
    await taken.until(1);
    await cq.create(handle, { path, kind: 'priority', consume: false });
    await cq.put(handle, 'urgent', { priority: 1 });
    // A fence on the consumer's own session: the children watch's event, and so its re-read, came before this read.
    await one(env.zk.sync(path));
    await one(env.zk.getChildren(path));
    await taken.inHand.ack();
    await taken.until(2);
    expect(taken.items).toEqual(['p10', 'urgent']);
    taken.stop();
  });
});

describe('DistributedDelayQueue with Curator', () => {
  it('Curator puts with delays, rxzk hands each out not before its time, earliest first', async () => {
    const { path, handle } = paths();
    await cq.create(handle, { path, kind: 'delay', consume: false });
    const now = Date.now();
    const due = { late: now + 2_500, soon: now + 1_000, past: now - 60_000 };
    await cq.put(handle, 'late', { delayUntil: due.late });
    await cq.put(handle, 'soon', { delayUntil: due.soon });
    await cq.putMulti(handle, ['past1', 'past2'], { delayUntil: due.past });
    expect(await nodesOf(env.observer, path)).toContainEqual(expect.stringMatching(new RegExp(`^queue-\\|${due.late.toString(16).toUpperCase()}\\|\\d{10}$`)));
    const taken = new Collector(new DistributedDelayQueue(env.zk, path).take$());
    expect(await taken.until(4)).toEqual(['past1', 'past2', 'soon', 'late']);
    expect(taken.times[2]).toBeGreaterThanOrEqual(due.soon);
    expect(taken.times[3]).toBeGreaterThanOrEqual(due.late);
    taken.stop();
  });

  it('rxzk puts with delays, a Curator consumer gets none before its time', async () => {
    const { path, handle } = paths();
    const q = new DistributedDelayQueue(env.zk, path);
    const now = Date.now();
    const due = { b: now + 2_000, a: now + 800 };
    await q.put('b', due.b);
    await q.putMulti(['a1', 'a2'], due.a);
    await cq.create(handle, { path, kind: 'delay' });
    const got = await cq.awaitConsumed(handle, 3);
    expect(got.map((c) => c.data)).toEqual(['a1', 'a2', 'b']);
    expect(got[0].at).toBeGreaterThanOrEqual(due.a);
    expect(got[2].at).toBeGreaterThanOrEqual(due.b);
    await cq.close(handle);
  });
});

describe('DistributedIdQueue with Curator', () => {
  it('Curator puts with ids, rxzk removes one id (every item of it) and takes the rest in put order', async () => {
    const { path, handle } = paths();
    await cq.create(handle, { path, kind: 'id', consume: false });
    await cq.put(handle, 'o1', { id: 'order-1' });
    await cq.put(handle, 'o2', { id: 'order-2' });
    await cq.put(handle, 'o1-again', { id: 'order-1' });
    await cq.put(handle, 'o3', { id: 'a/b' });
    expect(await nodesOf(env.observer, path)).toContainEqual(expect.stringMatching(/^queue-\|a_b\|\d{10}$/));
    const q = new DistributedIdQueue(env.zk, path);
    expect(await q.remove('order-1')).toBe(2);
    expect(await q.remove('order-1')).toBe(0);
    const taken = new Collector(q.take$());
    expect(await taken.until(2)).toEqual(['o2', 'o3']);
    taken.stop();
  });

  it('rxzk puts with ids, Curator removes one and consumes the rest (with a lock path)', async () => {
    const { path, lockPath, handle } = paths();
    const q = new DistributedIdQueue(env.zk, path, { lockPath });
    await q.put('keep-1', 'k1');
    await q.put('drop', 'gone');
    await q.put('keep-2', 'k2');
    await cq.create(`${handle}p`, { path, kind: 'id', lockPath, consume: false });
    expect(await cq.remove(`${handle}p`, 'gone')).toBe(1);
    await cq.create(handle, { path, kind: 'id', lockPath });
    expect((await cq.awaitConsumed(handle, 2)).map((c) => c.data)).toEqual(['keep-1', 'keep-2']);
    await cq.close(handle);
  });
});

describe('SimpleDistributedQueue with Curator', () => {
  it('Curator offers, rxzk peeks, polls and takes (qn- nodes, raw bytes, in order)', async () => {
    const { path, handle } = paths();
    await cq.simple.create(handle, path);
    await cq.simple.offer(handle, 's1');
    await cq.simple.offer(handle, 's2');
    expect(await nodesOf(env.observer, path)).toEqual([expect.stringMatching(/^qn-\d{10}$/), expect.stringMatching(/^qn-\d{10}$/)]);
    const q = new SimpleDistributedQueue(env.zk, path);
    expect((await q.peek())?.toString()).toBe('s1');
    expect((await q.poll())?.toString()).toBe('s1');
    expect((await q.take({ timeout: 5_000 })).toString()).toBe('s2');
    expect(await q.poll()).toBeNull();
    const waiting = q.take({ timeout: 10_000 });
    await cq.simple.offer(handle, 's3');
    expect((await waiting).toString()).toBe('s3');
  });

  it('rxzk offers, Curator peeks, polls and takes; a Curator take waits for the next offer', async () => {
    const { path, handle } = paths();
    const q = new SimpleDistributedQueue(env.zk, path);
    await q.offer('r1');
    await q.offer(Buffer.from('r2'));
    await cq.simple.create(handle, path);
    expect(await cq.simple.peek(handle)).toBe('r1');
    expect(await cq.simple.poll(handle)).toBe('r1');
    expect(await cq.simple.take(handle)).toBe('r2');
    const waiting = cq.simple.poll(handle, 10_000);
    await q.offer('r3');
    expect(await waiting).toBe('r3');
    expect(await cq.simple.poll(handle)).toBeNull();
  });
});

describe('faults: nothing lost or doubled', () => {
  /** Each of Curator's queues as both sides make it: rxzk's class, and what a put of item `n` adds to Curator's command. */
  const KINDS = [
    { kind: 'queue', Queue: DistributedQueue, args: (): object => ({}) },
    { kind: 'priority', Queue: DistributedPriorityQueue, args: (n: number): object => ({ priority: n % 3 }) },
    // Due at once: the order of due items is the order of their times, which the sorted comparison ignores.
    { kind: 'delay', Queue: DistributedDelayQueue, args: (n: number): object => ({ delayUntil: Date.now() - 1_000 + n }) },
    { kind: 'id', Queue: DistributedIdQueue, args: (n: number): object => ({ id: `id${n % 4}` }) },
  ] as const;

  /** Curator puts `total` items on a queue of `kind`, some in batches (no batches on an id queue); their texts in put order. */
  async function curatorPuts(handle: string, path: string, total: number, lockPath?: string, batches = true, kind: CuratorKind = 'queue'): Promise<string[]> {
    const { args } = KINDS.find((k) => k.kind === kind) as (typeof KINDS)[number];
    await cq.create(handle, { path, lockPath, consume: false, kind });
    const put: string[] = [];
    while (put.length < total) {
      const n = put.length;
      if (batches && kind !== 'id' && n % 7 === 3 && total - n >= 3) {
        const batch = [`i${n}`, `i${n + 1}`, `i${n + 2}`];
        await cq.putMulti(handle, batch, args(n));
        put.push(...batch);
      } else {
        await cq.put(handle, `i${n}`, args(n));
        put.push(`i${n}`);
      }
    }
    return put;
  }

  for (const [{ kind, Queue }, locked] of KINDS.flatMap((k) => [false, true].map((l) => [k, l] as const))) {
    it(`an rxzk consumer whose connection is cut mid-drain takes every item once (${kind}, ${locked ? 'with' : 'without'} lockPath)`, async () => {
      const { path, lockPath, handle } = paths();
      const { zk: cut, proxy } = await env.proxied(10_000);
      const producing = curatorPuts(handle, path, 60, locked ? lockPath : undefined, true, kind);
      const acked: string[] = [];
      const taken = new Collector(new Queue(cut, path, locked ? { lockPath } : undefined).take$(), false);
      // Ack each as it comes; only a resolved ack counts (an entry whose ack failed comes again).
      const acking = (async () => {
        let seen = 0;
        while (acked.length < 60) {
          await taken.until(seen + 1, 60_000);
          const entry = taken.entries[seen++];
          try {
            await entry.ack();
            acked.push(entry.data.toString());
          } catch (err) {
            if (!(err instanceof LockLostError)) throw err;
          }
        }
      })();
      await taken.until(20, 30_000);
      proxy.cut();
      await until(cut, 'CONNECTED');
      const put = await producing;
      await acking;
      taken.stop();
      expect([...acked].sort()).toEqual([...put].sort());
      await waitForNodes(env.observer, path, 0);
      if (locked) await waitForNodes(env.observer, lockPath, 0);
    }, 90_000);
  }

  /** rxzk's put of item(s) number `n` on a queue of `kind`, with what KINDS gives Curator's (a batch: putMulti). */
  function rxzkPut(q: InstanceType<(typeof KINDS)[number]['Queue']>, items: string[], n: number): Promise<void> {
    if (q instanceof DistributedPriorityQueue) return items.length > 1 ? q.putMulti(items, n % 3) : q.put(items[0], n % 3);
    if (q instanceof DistributedDelayQueue) return items.length > 1 ? q.putMulti(items, Date.now() - 1_000 + n) : q.put(items[0], Date.now() - 1_000 + n);
    if (q instanceof DistributedIdQueue) return q.put(items[0], `id${n % 4}`);
    return items.length > 1 ? q.putMulti(items) : q.put(items[0]);
  }

  it.each(KINDS.map((k) => [k.kind, k.Queue] as const))(
    'an rxzk producer (%s) whose connection is cut and whose session expires mid-way: a Curator consumer gets every item once',
    async (kind, Queue) => {
      const { path, lockPath, handle } = paths();
      const { zk: producerZk, proxy } = await env.proxied(10_000);
      const q = new Queue(producerZk, path, { lockPath });
      await cq.create(handle, { path, kind, lockPath });
      const put: string[] = [];
      for (let i = 0; i < 40; i++) {
        if (i === 25) {
          // Between puts: a put on the wire as its session expires cannot be proven either way (OutcomeUnknownError).
          await expireAndRenew(env.server, producerZk);
        }
        // Batches (putMulti) but on an id queue, which has none.
        const items = i % 5 === 4 && kind !== 'id' ? [`p${i}a`, `p${i}b`] : [`p${i}`];
        const putting = rxzkPut(q, items, i);
        put.push(...items);
        // Cut while puts are on the wire: their replies may be lost, and their receipts settle them.
        if (i === 12 || i === 14) proxy.cut();
        await putting;
      }
      const got = (await cq.awaitConsumed(handle, put.length, 30_000)).map((c) => c.data);
      expect([...got].sort()).toEqual([...put].sort());
      await waitForNodes(env.observer, path, 0);
      await cq.close(handle);
    },
    60_000,
  );

  it('SimpleDistributedQueue: rxzk takes what Curator offers across a cut and an expiry, each item once; then offers across both, and Curator takes each once', async () => {
    const { path, handle } = paths();
    const { zk, proxy } = await env.proxied(10_000);
    await cq.simple.create(handle, path);
    const offered: string[] = [];
    for (let i = 0; i < 30; i++) {
      await cq.simple.offer(handle, `s${i}`);
      offered.push(`s${i}`);
    }
    const q = new SimpleDistributedQueue(zk, path);
    const taken: string[] = [];
    for (let i = 0; i < 30; i++) {
      // Between takes: a take on the wire as its session expires cannot be proven either way (at most once).
      if (i === 20) await expireAndRenew(env.server, zk);
      const taking = q.take({ timeout: 20_000 });
      // Cut while takes are on the wire: a delete whose reply was lost is settled by its receipt.
      if (i === 7 || i === 9) proxy.cut();
      taken.push((await taking).toString());
    }
    expect(taken).toEqual(offered);
    expect(await q.poll()).toBeNull();

    const put: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (i === 20) await expireAndRenew(env.server, zk);
      const offering = q.offer(`r${i}`);
      put.push(`r${i}`);
      if (i === 7 || i === 9) proxy.cut();
      await offering;
    }
    const got: string[] = [];
    for (let i = 0; i < 30; i++) got.push(await cq.simple.take(handle));
    expect(got).toEqual(put);
    expect(await cq.simple.poll(handle)).toBeNull();
  }, 90_000);

  it.each(KINDS.map((k) => [k.kind, k.Queue] as const))('an expiry of the rxzk consumer (%s, lockPath) hands its item back: taken again on the new session, every item acked once', async (kind, Queue) => {
    const { path, lockPath, handle } = paths();
    const consumerZk = await env.connect({ sessionTimeout: 6_000 });
    // Single items: an item acked out of a batch whose lock is then lost comes again with its batch (at least once).
    const put = await curatorPuts(handle, path, 12, lockPath, false, kind);
    const taken = new Collector(new Queue(consumerZk, path, { lockPath }).take$(), false);
    const acked: string[] = [];
    for (let i = 0; i < 4; i++) {
      await taken.until(i + 1);
      await taken.entries[i].ack();
      acked.push(taken.entries[i].data.toString());
    }
    await taken.until(5);
    const inHand = taken.entries[4];
    const before = consumerZk.session?.id;
    await expireAndRenew(env.server, consumerZk);
    expect(consumerZk.session?.id).not.toBe(before);
    expect(inHand.lock.state).toBe('LOST');
    expect(await rejectionOf(inHand.ack())).toBeInstanceOf(LockLostError);
    // The consumer goes on on its new session and is handed the same node again, then the rest.
    let seen = 5;
    while (acked.length < put.length) {
      await taken.until(seen + 1, 30_000);
      const entry = taken.entries[seen++];
      await entry.ack();
      acked.push(entry.data.toString());
    }
    taken.stop();
    expect(taken.items.filter((i) => i === inHand.data.toString())).toHaveLength(2);
    expect([...acked].sort()).toEqual([...put].sort());
    await waitForNodes(env.observer, path, 0);
    await waitForNodes(env.observer, lockPath, 0);
  }, 60_000);
});
