// Queues against a real kazoo 2.8 on the same paths: kazoo's Queue and LockingQueue producing for rxzk consumers and
// back, in kazoo's order (priority, then FIFO), and each side honouring the other's `taken/<entry>` locks.
import { LockTimeoutError, LockingQueue, Queue } from '../../../src/recipes';
import { one, rejectionOf } from '../../support/fixtures';
import { b64, unb64 } from '../../support/interop/peers';
import { nodesOf } from '../leader/support';
import { interopServer } from '../support/interop-server';

const env = interopServer({ kazoo: true });
let counter = 0;
const queuePath = () => `/interop/queue-${++counter}`;
// kazoo ensures its paths once per queue object (queue.py ensured_path): plain parents, so none is reaped under it.
const persistent = { parents: 'persistent' } as const;

describe('Queue with kazoo', () => {
  it('kazoo puts, rxzk takes in kazoo order: lower priority first, FIFO within one', async () => {
    const path = queuePath();
    await env.kazoo.call('queue.create', { handle: 'kq1', path });
    await env.kazoo.call('queue.put', { handle: 'kq1', data: b64('late'), priority: 200 });
    // (kazoo's Queue has no put_all; its LockingQueue has.)
    await env.kazoo.call('queue.put', { handle: 'kq1', data: b64('n1') });
    await env.kazoo.call('queue.put', { handle: 'kq1', data: b64('n2') });
    await env.kazoo.call('queue.put', { handle: 'kq1', data: b64('urgent'), priority: 1 });
    const q = new Queue(env.zk, path, persistent);
    expect(await q.length()).toBe(4);
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push((await q.take({ timeout: 10_000 })).toString());
    expect(got).toEqual(['urgent', 'n1', 'n2', 'late']);
    expect(await env.kazoo.call('queue.len', { handle: 'kq1' })).toBe(0);
  });

  it('rxzk puts, kazoo gets the same entries in the same order', async () => {
    const path = queuePath();
    const q = new Queue(env.zk, path, persistent);
    await q.putAll(['a', 'b'], { priority: 50 });
    await q.put('first', { priority: 0 });
    await q.put(Buffer.from([0, 1, 2]));
    await env.kazoo.call('queue.create', { handle: 'kq2', path });
    expect(await env.kazoo.call('queue.len', { handle: 'kq2' })).toBe(4);
    const got: (Buffer | null)[] = [];
    for (let i = 0; i < 5; i++) {
      const item = await env.kazoo.call('queue.get', { handle: 'kq2' });
      got.push(item === null ? null : unb64(item));
    }
    expect(got).toEqual([Buffer.from('first'), Buffer.from('a'), Buffer.from('b'), Buffer.from([0, 1, 2]), null]);
  });
});

describe('LockingQueue with kazoo', () => {
  it('kazoo puts, rxzk takes and acks; kazoo sees the entry gone', async () => {
    const path = queuePath();
    await env.kazoo.call('lockingQueue.create', { handle: 'kl1', path });
    await env.kazoo.call('queue.putAll', { handle: 'kl1', items: [b64('job-b')] });
    await env.kazoo.call('queue.put', { handle: 'kl1', data: b64('job-a'), priority: 10 });
    const lq = new LockingQueue(env.zk, path, persistent);
    const entry = await lq.take({ timeout: 10_000 });
    expect(entry.data.toString()).toBe('job-a');
    await entry.ack();
    expect(await env.kazoo.call('queue.len', { handle: 'kl1' })).toBe(1);
    const next = await lq.take({ timeout: 10_000 });
    expect(next.data.toString()).toBe('job-b');
    await next.ack();
    expect(await env.kazoo.call('queue.len', { handle: 'kl1' })).toBe(0);
  });

  it("rxzk puts, kazoo locks and consumes; each side honours the other's lock", async () => {
    const path = queuePath();
    const lq = new LockingQueue(env.zk, path, persistent);
    await lq.putAll(['only']);
    await env.kazoo.call('lockingQueue.create', { handle: 'kl2', path });
    expect(unb64((await env.kazoo.call('queue.get', { handle: 'kl2', timeoutMs: 10_000 }))!).toString()).toBe('only');
    // kazoo holds taken/<entry>: rxzk waits rather than take it too.
    expect(await rejectionOf(lq.take({ timeout: 300 }))).toBeInstanceOf(LockTimeoutError);
    expect(await env.kazoo.call('queue.holdsLock', { handle: 'kl2' })).toBe(true);
    // kazoo hands it back; rxzk takes it, and kazoo (its own lock gone) waits in turn.
    expect(await env.kazoo.call('queue.release', { handle: 'kl2' })).toBe(true);
    const entry = await lq.take({ timeout: 10_000 });
    expect(entry.data.toString()).toBe('only');
    const lock = await one(env.zk.get(`${path}/taken/${entry.name}`));
    expect(lock.data.toString()).toBe(lq.id);
    expect(await env.kazoo.call('queue.get', { handle: 'kl2', timeoutMs: 300 })).toBeNull();
    await entry.ack();
    expect(await nodesOf(env.zk, `${path}/entries`)).toEqual([]);
    expect(await nodesOf(env.zk, `${path}/taken`)).toEqual([]);
    expect(await env.kazoo.call('queue.len', { handle: 'kl2' })).toBe(0);
  });
});
