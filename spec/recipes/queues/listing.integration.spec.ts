// The queues' shared listing on a real ZooKeeper (issue 20 item 2: drain in linear time): a drain lists the queue
// once and costs one transaction per entry; an entry of higher priority put by another client is taken before the
// lower ones still listed once its event has come (a read answered on the consumer's session after the put); a get() that would answer null, and a take starting on a listing
// kept from before, see what another client put or released just before; a reconnection lists again; the watch is
// one per client and path, gone a while after the last user.
import { Subscription } from 'rxjs';
import type { OperationRecord, ZooKeeperClient } from '../../../src';
import { LockingQueue, Queue } from '../../../src/recipes';
import { LINGER_MS } from '../../../src/recipes/queues/listing';
import { fourLetterWord } from '../../../src/testing';
import { one, until } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';

const env = recipeServer();
const { connect } = env;
let counter = 0;
const queuePath = () => `/queues/listing-${++counter}`;

/** The client's requests by op, counted from now until `stop()`. */
function countOps(zk: ZooKeeperClient): { counts: Map<string, number>; stop: () => void } {
  const counts = new Map<string, number>();
  const subscription = zk.operations$.subscribe((op: OperationRecord) => counts.set(op.op, (counts.get(op.op) ?? 0) + 1));
  return { counts, stop: () => subscription.unsubscribe() };
}

describe('the queues’ listing', () => {
  it('a drain with get() lists the queue once, gives every entry in order, and costs one transaction and one read per entry', async () => {
    const path = queuePath();
    const zk = await connect();
    const q = new Queue(zk, path);
    // Past 2,048: the listing drops the front it took by moving a start index, compacted once half the array.
    const n = 2_500;
    for (let i = 0; i < n; i += 500) await q.putAll(Array.from({ length: 500 }, (_, k) => `item-${i + k}`));
    const ops = countOps(zk);
    const got: string[] = [];
    for (let item = await q.get(); item !== null; item = await q.get()) got.push(item.toString());
    ops.stop();
    expect(got).toEqual(Array.from({ length: n }, (_, i) => `item-${i}`));
    expect(ops.counts.get('getChildren') ?? ops.counts.get('getChildren2')).toBe(1);
    expect(ops.counts.get('multi')).toBe(n);
    expect(ops.counts.get('getData')).toBe(n);
    // The receipts' deletes ride on the next take's transaction (one may be left to the background at the end).
    expect(ops.counts.get('delete') ?? 0).toBeLessThanOrEqual(2);
  });

  it('a get() between takes sees an urgent entry as soon as its event is in: never a lower one first', async () => {
    const path = queuePath();
    const consumerZk = await connect();
    const consumer = new Queue(consumerZk, path);
    const producer = new Queue(env.observer, path);
    await producer.putAll(['low-1', 'low-2', 'low-3']);
    expect((await consumer.get())?.toString()).toBe('low-1');
    await producer.put('urgent', { priority: 1 });
    // A read on the consumer's session answered after the put: the put's event came before it.
    await one(consumerZk.exists(path));
    expect((await consumer.get())?.toString()).toBe('urgent');
    expect((await consumer.get())?.toString()).toBe('low-2');
  });

  it('get() answers null only once it knows the changes made before it: an entry put just before by another client is got', async () => {
    const path = queuePath();
    const consumer = new Queue(await connect(), path);
    const producer = new Queue(env.observer, path);
    for (let i = 0; i < 20; i++) {
      // The listing is kept between the calls (and says empty); the put's event may still be on its way.
      expect(await consumer.get()).toBeNull();
      await producer.put(`item-${i}`);
      expect((await consumer.get())?.toString()).toBe(`item-${i}`);
    }
  });

  it('a LockingQueue take starting on a kept listing takes an entry another client released just before, in its order', async () => {
    const path = queuePath();
    const holder = new LockingQueue(await connect(), path);
    const taker = new LockingQueue(await connect(), path);
    for (let i = 0; i < 10; i++) {
      await holder.putAll(['first', 'second']);
      const held = await holder.take({ timeout: 5_000 });
      expect(held.data.toString()).toBe('first');
      // The taker's listing is kept from its last take: 'first' was locked as it knew.
      await held.release();
      const next = await taker.take({ timeout: 0 });
      expect(next.data.toString()).toBe('first');
      await next.ack();
      await (await taker.take({ timeout: 0 })).ack();
    }
  });

  it('after a dropped connection it lists again: what was put and taken meanwhile is known', async () => {
    const path = queuePath();
    const { zk, proxy } = await env.proxied(10_000);
    const consumer = new Queue(zk, path);
    const producer = new Queue(env.observer, path);
    await producer.putAll(['a', 'b']);
    expect((await consumer.get())?.toString()).toBe('a');
    proxy.refuse();
    await until(zk, 'SUSPENDED');
    // Meanwhile: 'b' taken by another, 'urgent' and 'c' put; the consumer's watch misses their events.
    expect((await producer.get())?.toString()).toBe('b');
    await producer.put('c');
    await producer.put('urgent', { priority: 1 });
    proxy.accept();
    await until(zk, 'CONNECTED');
    expect((await consumer.get())?.toString()).toBe('urgent');
    expect((await consumer.get())?.toString()).toBe('c');
    expect(await consumer.get()).toBeNull();
  });

  it('one server watch per client and path however many consumers, gone a while after the last one stops', async () => {
    const path = queuePath();
    const zk = await connect();
    /** The sessions the server holds a watch of `path` for (`wchp`: each watched path, then its sessions indented). */
    const watchers = async (): Promise<string[]> => {
      const lines = (await fourLetterWord(env.server.connectString, 'wchp')).split('\n');
      const at = lines.indexOf(path);
      if (at < 0) return [];
      const sessions: string[] = [];
      for (const line of lines.slice(at + 1)) {
        if (!/^\s+0x/.test(line)) break;
        sessions.push(line.trim());
      }
      return sessions;
    };
    const subscriptions = new Subscription();
    const queues = [new Queue(zk, path), new Queue(zk, path), new Queue(zk, path)];
    for (const q of queues) subscriptions.add(q.take$().subscribe());
    await new Queue(env.observer, path).put('one');
    await one(zk.exists(path));
    expect(await watchers()).toEqual([`0x${zk.session?.id.toString(16)}`]);
    subscriptions.unsubscribe();
    const stopped = Date.now();
    // Kept a while for the next user (a loop of get() or take() lists once), then removed.
    let now = await watchers();
    while (now.length > 0 && Date.now() - stopped < LINGER_MS + 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      now = await watchers();
    }
    expect(now).toEqual([]);
    expect(Date.now() - stopped).toBeGreaterThanOrEqual(LINGER_MS - 500);
  });
});
