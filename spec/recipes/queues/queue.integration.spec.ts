// Queue on a real ZooKeeper: kazoo's `entry-PPP-<seq>` layout, lower priority first and FIFO within one, putAll in
// one transaction, take bounded (and consuming nothing once it gave up), take$ giving each entry to exactly one of
// many consumers (at most once, RECIPES.md "QUEUES"), and a waiting take that goes on across an expiry.
import { Subscription } from 'rxjs';
import { InvalidArgumentError, type ZooKeeperClient } from '../../../src';
import { LockTimeoutError, Queue } from '../../../src/recipes';
import { one, rejectionOf, expireAndRenew } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';
import { Condition, nodesOf } from '../leader/support';

const env = recipeServer();
const { connect } = env;
let counter = 0;
const queuePath = () => `/queues/q-${++counter}`;
const text = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));

describe('Queue', () => {
  it('writes kazoo entry-PPP-<seq> nodes and gives the lowest priority first, FIFO within a priority', async () => {
    const path = queuePath();
    const q = new Queue(env.observer, path);
    await q.put('b1');
    await q.put('a1', { priority: 5 });
    await q.put('b2');
    await q.put('c1', { priority: 999 });
    await q.put('a2', { priority: 5 });

    const names = await nodesOf(env.observer, path);
    expect(names).toHaveLength(5);
    for (const n of names) expect(n).toMatch(/^entry-(005|100|999)-\d{10}$/);
    expect(names[1]).toMatch(/^entry-005-/);
    expect(await q.length()).toBe(5);

    const got: (string | null)[] = [];
    for (let i = 0; i < 6; i++) got.push(text(await q.get()));
    expect(got).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', null]);
    expect(await q.length()).toBe(0);
  });

  it('putAll writes every item in one transaction, in order, and refuses a bad item before sending anything', async () => {
    const path = queuePath();
    const q = new Queue(env.observer, path);
    await q.putAll(['x', Buffer.from('y'), new Uint8Array([0x7a])], { priority: 1 });
    const names = await nodesOf(env.observer, path);
    // One transaction: consecutive counters.
    const seqs = names.map((n) => Number(n.slice(-10)));
    expect(seqs).toEqual([seqs[0], seqs[0]! + 1, seqs[0]! + 2]);

    expect(await rejectionOf(q.putAll(['ok', 42 as unknown as string]))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejectionOf(q.put('p', { priority: 1000 }))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejectionOf(q.put('p', { priority: -1 }))).toBeInstanceOf(InvalidArgumentError);
    expect(await q.length()).toBe(3);
    expect([text(await q.get()), text(await q.get()), text(await q.get())]).toEqual(['x', 'y', 'z']);
  });

  it('refuses what is not a client or a path at construction', () => {
    expect(() => new Queue(null as unknown as ZooKeeperClient, '/q')).toThrow(InvalidArgumentError);
    expect(() => new Queue(env.observer, 'no-slash')).toThrow();
  });

  it('take waits for a put; a timed-out take rejects with LockTimeoutError and consumes nothing later', async () => {
    const path = queuePath();
    const producer = new Queue(env.observer, path);
    const consumer = new Queue(await connect(), path);

    const waiting = consumer.take({ timeout: 20_000 });
    await producer.put('hello');
    expect(text(await waiting)).toBe('hello');

    const started = Date.now();
    expect(await rejectionOf(consumer.take({ timeout: 300 }))).toBeInstanceOf(LockTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await rejectionOf(consumer.take({ timeout: 0 }))).toBeInstanceOf(LockTimeoutError);
    await producer.put('later');
    // Fence: the entry is there for the next one, the timed-out takes took nothing.
    expect(await producer.length()).toBe(1);
    expect(text(await producer.get())).toBe('later');
  });

  it('an aborted take rejects with the signal reason and takes nothing', async () => {
    const path = queuePath();
    const q = new Queue(env.observer, path);
    const controller = new AbortController();
    const waiting = q.take({ signal: controller.signal });
    const reason = new Error('stop waiting');
    controller.abort(reason);
    expect(await rejectionOf(waiting)).toBe(reason);
    await q.put('kept');
    expect(await q.length()).toBe(1);
  });

  it('take$ on three clients consumes every entry exactly once, and stops taking once unsubscribed', async () => {
    const path = queuePath();
    const producer = new Queue(env.observer, path);
    const consumers = await Promise.all([connect(), connect(), connect()]);
    const seen: string[] = [];
    const perConsumer = [0, 0, 0];
    const changed = new Condition();
    const subs = new Subscription();
    consumers.forEach((zk, i) =>
      subs.add(
        new Queue(zk, path).take$().subscribe((b) => {
          seen.push(b.toString());
          perConsumer[i]!++;
          changed.changed();
        }),
      ),
    );
    const total = 60;
    for (let i = 0; i < total; i += 10) await producer.putAll(Array.from({ length: 10 }, (_, k) => `item-${i + k}`));
    await changed.until(() => seen.length >= total, `${total} entries consumed`, 30_000);
    subs.unsubscribe();

    expect(new Set(seen).size).toBe(total);
    expect(seen).toHaveLength(total);
    expect(await producer.length()).toBe(0);

    // Unsubscribed: an entry put now stays.
    await producer.put('after');
    await one(env.observer.sync(path));
    expect(await producer.length()).toBe(1);
    expect(seen).toHaveLength(total);
  });

  it('a waiting take goes on across a session expiry and gets the entry put afterwards', async () => {
    const path = queuePath();
    const zk = await connect({ sessionTimeout: 4_000 });
    const q = new Queue(zk, path);
    const waiting = q.take({ timeout: 25_000 });
    await expireAndRenew(env.server, zk);
    await new Queue(env.observer, path).put('after expiry');
    expect(text(await waiting)).toBe('after expiry');
  });

  it('works at the root of a chrooted client: entries are /entry-PPP-<seq>, never //entry-… (issue 19: bare joins)', async () => {
    const chroot = `/queues/root-${++counter}`;
    await one(env.observer.create(chroot, null, { makePath: true }));
    const zk = await connect({ chroot });
    const q = new Queue(zk, '/');
    await q.put('first');
    await q.putAll(['second', 'third']);
    expect(await q.length()).toBe(3);
    expect((await nodesOf(env.observer, chroot)).filter((n) => n.startsWith('entry-'))).toHaveLength(3);
    expect(text(await q.get())).toBe('first');
    expect(text(await q.take({ timeout: 5_000 }))).toBe('second');
    expect(text(await q.take({ timeout: 5_000 }))).toBe('third');
    expect(await q.get()).toBeNull();
  });
});
