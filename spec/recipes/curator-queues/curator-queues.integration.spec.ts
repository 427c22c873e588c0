// Curator's queues on a real ZooKeeper, rxzk alone: the bytes and names they write, bad input refused before
// anything is sent, bounded waits (timeout 0 = one try, an abort signal), what a consumer hands back when it stops,
// nodes Curator would skip or drop, lost replies settled by receipts outside the queue path, and no watch or timer
// left once a consumer is unsubscribed.
import { firstValueFrom, type Subscription } from 'rxjs';
import { InvalidArgumentError, InvalidPathError, type ZooKeeperClient } from '../../../src';
import {
  DistributedDelayQueue,
  DistributedIdQueue,
  DistributedPriorityQueue,
  DistributedQueue,
  LockLostError,
  LockTimeoutError,
  SimpleDistributedQueue,
} from '../../../src/recipes';
import { expireAndRenew, one, rejectionOf, until } from '../../support/fixtures';
import { liveAfterRelease, trackResources } from '../../support/resource-tracker';
import { nodesOf, waitForNodes } from '../leader/support';
import { recipeServer } from '../support/recipe-server';
import { loseWriteReply } from '../support/reply-gate';
import { Collector } from './support';

const env = recipeServer();
let counter = 0;
const paths = () => {
  const n = ++counter;
  return { path: `/cq/own-${n}/queue`, lockPath: `/cq/own-${n}/locks` };
};

/** The server's count of watches (mntr zk_watch_count). */
async function watchCount(zk: ZooKeeperClient): Promise<number> {
  const mntr = await firstValueFrom(zk.command('mntr'));
  return Number(/zk_watch_count\s+(\d+)/.exec(mntr)?.[1]);
}

/** Resolves once the server's watch count is `count` again; fails after `ms` with the count seen. */
async function watchesBackTo(zk: ZooKeeperClient, count: number, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const now = await watchCount(zk);
    if (now === count) return;
    if (Date.now() > deadline) throw new Error(`the server still has ${now} watches, not ${count}`);
    await one(zk.sync('/'));
  }
}

describe('what the queues write', () => {
  it("put writes Curator's item format in a PERSISTENT_SEQUENTIAL queue-<seq>; putMulti one node with every item", async () => {
    const { path } = paths();
    const q = new DistributedQueue(await env.connect(), path);
    await q.put('ab');
    await q.putMulti(['x', Buffer.from([0]), '']);
    const [single, batch] = (await nodesOf(env.observer, path)).sort();
    expect(single).toMatch(/^queue-\d{10}$/);
    const one1 = await one(env.observer.get(`${path}/${single}`));
    expect(one1.data).toEqual(Buffer.from([0, 1, 0, 1, 1, 0, 0, 0, 2, 0x61, 0x62, 2]));
    expect(one1.stat.ephemeralOwner).toBe(0n);
    const many = (await one(env.observer.get(`${path}/${batch}`))).data;
    expect(many).toEqual(Buffer.from([0, 1, 0, 1, 1, 0, 0, 0, 1, 0x78, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 2]));
    // Receipts go beside the queue path (deleted in the background once the put has resolved).
    await waitForNodes(env.observer, path.slice(0, path.lastIndexOf('/')), 1);
    expect(await nodesOf(env.observer, path.slice(0, path.lastIndexOf('/')))).toEqual(['queue']);
  });

  it('names carry the priority, the delay (hex) and the id as Curator writes them', async () => {
    const zk = await env.connect();
    const p = paths();
    await new DistributedPriorityQueue(zk, p.path).put('a', 5);
    await new DistributedPriorityQueue(zk, p.path).put('b', -1);
    expect((await nodesOf(env.observer, p.path)).sort()).toEqual([
      expect.stringMatching(/^queue-0FFFFFFFF\d{10}$/),
      expect.stringMatching(/^queue-100000005\d{10}$/),
    ]);
    const d = paths();
    await new DistributedDelayQueue(zk, d.path).put('a', 0x19a2b3c4d5e);
    expect(await nodesOf(env.observer, d.path)).toEqual([expect.stringMatching(/^queue-\|19A2B3C4D5E\|\d{10}$/)]);
    const i = paths();
    await new DistributedIdQueue(zk, i.path).put('a', 'x/y|z');
    expect(await nodesOf(env.observer, i.path)).toEqual([expect.stringMatching(/^queue-\|x_y_z\|\d{10}$/)]);
  });
});

describe('bad input is refused before anything is sent', () => {
  it('options, priorities, delays, ids, items and waits', async () => {
    const zk = await env.connect();
    const { path, lockPath } = paths();
    expect(() => new DistributedQueue(zk, path, { lockpath: lockPath } as never)).toThrow(/lockpath/);
    expect(() => new DistributedQueue(zk, path, { lockPath: path })).toThrow(InvalidArgumentError);
    expect(() => new DistributedQueue(zk, path, { lockPath: 'relative' })).toThrow(InvalidPathError);
    expect(() => new DistributedQueue('127.0.0.1:2181' as never, path)).toThrow(InvalidArgumentError);
    expect(() => new SimpleDistributedQueue(zk, 'no-slash')).toThrow(InvalidPathError);
    const pq = new DistributedPriorityQueue(zk, path);
    for (const bad of [1.5, 2 ** 31, -(2 ** 31) - 1, NaN, '1']) expect(await rejectionOf(pq.put('a', bad as never))).toBeInstanceOf(InvalidArgumentError);
    const dq = new DistributedDelayQueue(zk, path);
    for (const bad of [0, -5, 1.5, Infinity, undefined]) expect(await rejectionOf(dq.put('a', bad as never))).toBeInstanceOf(InvalidArgumentError);
    const iq = new DistributedIdQueue(zk, path);
    for (const bad of ['', undefined, 7, 'nul\u0000']) expect(await rejectionOf(iq.put('a', bad as never))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejectionOf(iq.remove('' as never))).toBeInstanceOf(InvalidArgumentError);
    const q = new DistributedQueue(zk, path);
    expect(await rejectionOf(q.put(42 as never))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejectionOf(q.putMulti('ab' as never))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejectionOf(q.putMulti(['a', null] as never))).toBeInstanceOf(InvalidArgumentError);
    const sq = new SimpleDistributedQueue(zk, path);
    expect(await rejectionOf(sq.take({ timeout: -1 }))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejectionOf(sq.take({ timout: 5 } as never))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejectionOf(sq.offer({} as never))).toBeInstanceOf(InvalidArgumentError);
    expect(await one(env.observer.exists(path))).toBeNull();
  });
});

describe('SimpleDistributedQueue waits', () => {
  it('timeout 0 tries once: an empty queue rejects with LockTimeoutError at once, a full one gives its head', async () => {
    const { path } = paths();
    const q = new SimpleDistributedQueue(await env.connect(), path);
    const started = Date.now();
    expect(await rejectionOf(q.take({ timeout: 0 }))).toBeInstanceOf(LockTimeoutError);
    expect(Date.now() - started).toBeLessThan(2_000);
    await q.offer('there');
    expect((await q.take({ timeout: 0 })).toString()).toBe('there');
  });

  it('a timeout or an abort ends the wait and consumes nothing later; the watch goes with it', async () => {
    const { path } = paths();
    const zk = await env.connect();
    const q = new SimpleDistributedQueue(zk, path);
    await q.offer('seed');
    expect((await q.poll())?.toString()).toBe('seed');
    const before = await watchCount(env.observer);
    expect(await rejectionOf(q.take({ timeout: 200 }))).toBeInstanceOf(LockTimeoutError);
    const controller = new AbortController();
    const aborted = q.take({ signal: controller.signal });
    controller.abort(new Error('no longer needed'));
    expect((await rejectionOf(aborted)).message).toBe('no longer needed');
    await watchesBackTo(env.observer, before);
    await q.offer('later');
    expect((await q.peek())?.toString()).toBe('later');
  });
});

describe('consumers', () => {
  for (const locked of [false, true]) {
    it(`a consumer that stops mid-batch hands the items not yet emitted back, at the end (${locked ? 'with' : 'without'} lockPath)`, async () => {
      const { path, lockPath } = paths();
      const zk = await env.connect();
      const q = new DistributedQueue(zk, path, locked ? { lockPath } : undefined);
      await q.putMulti(['b1', 'b2', 'b3']);
      await q.put('single');
      const first = new Collector(q.take$(), false);
      await first.until(1);
      first.stop();
      await first.inHand.ack();
      await waitForNodes(env.observer, path, 2);
      const second = new Collector(q.take$());
      expect(await second.until(3)).toEqual(['single', 'b2', 'b3']);
      second.stop();
      await waitForNodes(env.observer, path, 0);
      if (locked) expect(await nodesOf(env.observer, lockPath)).toEqual([]);
    });
  }

  it('without lockPath, a consumer that stops hands the rest of a batch back at once, though the entry in hand is never acked', async () => {
    const { path } = paths();
    const zk = await env.connect();
    const q = new DistributedQueue(zk, path);
    await q.putMulti(['b1', 'b2', 'b3']);
    const first = await firstValueFrom(q.take$());
    expect(first.data.toString()).toBe('b1');
    await waitForNodes(env.observer, path, 1);
    const rest = new Collector(q.take$());
    expect(await rest.until(2)).toEqual(['b2', 'b3']);
    rest.stop();
  });

  it('with lockPath: ack and release after the lock was lost reject with LockLostError; a second ack of one entry is the same ack', async () => {
    const { path, lockPath } = paths();
    const zk = await env.connect({ sessionTimeout: 6_000 });
    const q = new DistributedQueue(zk, path, { lockPath });
    await q.put('one');
    const taken = new Collector(q.take$(), false);
    await taken.until(1);
    const entry = taken.inHand;
    expect(entry.lock.state).toBe('HELD');
    expect(await entry.holdsLock()).toBe(true);
    await expireAndRenew(env.server, zk);
    expect(entry.signal.aborted).toBe(true);
    expect(await rejectionOf(entry.release())).toBeInstanceOf(LockLostError);
    // The consumer takes it again on its new session.
    await taken.until(2);
    const again = taken.inHand;
    const acking = again.ack();
    expect(again.ack()).toBe(acking);
    await acking;
    expect(again.lock.state).toBe('RELEASED');
    taken.stop();
    await waitForNodes(env.observer, path, 0);
  });

  it('with lockPath: a release whose node was deleted meanwhile (by hand) puts nothing back', async () => {
    const { path, lockPath } = paths();
    const q = new DistributedQueue(await env.connect(), path, { lockPath });
    await q.put('doomed');
    const taken = new Collector(q.take$(), false);
    await taken.until(1);
    taken.stop();
    const entry = taken.inHand;
    await one(env.observer.delete(`${path}/${entry.name}`));
    await entry.release();
    expect(entry.lock.state).toBe('RELEASED');
    expect(await nodesOf(env.observer, path)).toEqual([]);
    expect(await nodesOf(env.observer, lockPath)).toEqual([]);
  });

  it('without lockPath an entry is its own: HELD until acked, never lost, and ack lets the next one come', async () => {
    const { path } = paths();
    const q = new DistributedQueue(await env.connect(), path);
    await q.put('a');
    await q.put('b');
    const taken = new Collector(q.take$(), false);
    await taken.until(1);
    const entry = taken.inHand;
    expect(await nodesOf(env.observer, path)).toHaveLength(1); // removed before it was handed out
    expect(entry.lock.state).toBe('HELD');
    expect(entry.lock.fencingToken).toBeGreaterThan(0n);
    await entry.release();
    expect(entry.lock.state).toBe('RELEASED');
    await taken.until(2);
    expect(taken.items).toEqual(['a', 'b']);
    taken.stop();
  });

  it("skips foreign nodes and removes a queue- node not in Curator's item format, as Curator's consumer does", async () => {
    const { path } = paths();
    const zk = await env.connect();
    await one(env.observer.create(`${path}/not-an-item`, 'x', { makePath: true }));
    await one(env.observer.create(`${path}/queue-`, 'corrupt', { sequential: true }));
    const q = new DistributedQueue(zk, path);
    await q.put('good');
    const taken = new Collector(q.take$());
    expect(await taken.until(1)).toEqual(['good']);
    await waitForNodes(env.observer, path, 1);
    expect(await nodesOf(env.observer, path)).toEqual(['not-an-item']);
    taken.stop();
  });

  it('a delay consumer waits for the first item to come due, and one due sooner that is put meanwhile comes first', async () => {
    const { path } = paths();
    const zk = await env.connect();
    const q = new DistributedDelayQueue(zk, path);
    const now = Date.now();
    await q.put('later', now + 1_500);
    const taken = new Collector(q.take$());
    await q.put('sooner', now + 600);
    expect(await taken.until(2, 10_000)).toEqual(['sooner', 'later']);
    expect(taken.times[0]).toBeGreaterThanOrEqual(now + 600);
    expect(taken.times[1]).toBeGreaterThanOrEqual(now + 1_500);
    taken.stop();
  });

  it('id removal with lockPath leaves an item a consumer holds', async () => {
    const { path, lockPath } = paths();
    const zk = await env.connect();
    const q = new DistributedIdQueue(zk, path, { lockPath });
    await q.put('held', 'x');
    await q.put('waiting', 'x');
    const taken = new Collector(q.take$(), false);
    await taken.until(1);
    expect(await new DistributedIdQueue(await env.connect(), path, { lockPath }).remove('x')).toBe(1);
    await taken.inHand.ack();
    taken.stop();
    await waitForNodes(env.observer, path, 0);
  });

  it('no watch and no timer are left once the consumers are unsubscribed', async () => {
    const zk = await env.connect();
    const before = await watchCount(env.observer);
    const tracker = trackResources();
    const subscriptions: Subscription[] = [];
    try {
      const d = paths();
      const dq = new DistributedDelayQueue(zk, d.path, { lockPath: d.lockPath });
      await dq.put('far', Date.now() + 3_600_000);
      subscriptions.push(dq.take$().subscribe());
      const p = paths();
      subscriptions.push(new DistributedPriorityQueue(zk, p.path).take$().subscribe());
      // Both consumers are waiting once their watches are on the server (queue path, lock path; queue path).
      const deadline = Date.now() + 5_000;
      while ((await watchCount(env.observer)) < before + 3 && Date.now() < deadline) await one(zk.sync('/'));
      expect(await watchCount(env.observer)).toBe(before + 3);
      expect(tracker.live().filter((r) => r.includes('curator-queues'))).toHaveLength(1);
      for (const s of subscriptions) s.unsubscribe();
      await watchesBackTo(env.observer, before);
      expect((await liveAfterRelease({ live: () => tracker.live().filter((r) => r.includes('curator-queues')) })).length).toBe(0);
    } finally {
      tracker.stop();
    }
  });
});

describe('lost replies', () => {
  it('a put whose reply was lost is settled by its receipt (beside the queue path): one node, nothing left over', async () => {
    const { path } = paths();
    const { zk, gate } = await env.gated();
    const q = new DistributedQueue(zk, path);
    await q.put('first');
    const { started: putting } = await loseWriteReply(gate, () => q.put('lost reply'));
    gate.cut();
    await until(zk, 'CONNECTED');
    await putting;
    const taken = new Collector(q.take$());
    expect(await taken.until(2)).toEqual(['first', 'lost reply']);
    taken.stop();
    await waitForNodes(env.observer, path.slice(0, path.lastIndexOf('/')), 1);
    expect(await nodesOf(env.observer, path.slice(0, path.lastIndexOf('/')))).toEqual(['queue']);
  });

  it('a take whose delete reply was lost hands the item out (proven by its receipt), once', async () => {
    const { path } = paths();
    const { zk, gate } = await env.gated();
    const q = new DistributedQueue(zk, path);
    await q.put('only');
    let taken!: Collector;
    await loseWriteReply(gate, () => (taken = new Collector(q.take$())));
    gate.cut();
    await until(zk, 'CONNECTED');
    expect(await taken.until(1)).toEqual(['only']);
    await waitForNodes(env.observer, path, 0);
    taken.stop();
  });
});
