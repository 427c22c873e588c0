// LockingQueue on a real ZooKeeper: kazoo's `<path>/entries` + `<path>/taken` layout, ack deleting entry and lock in
// one transaction, release handing the entry back, and at least once: an entry whose consumer's session ends goes
// to another consumer (kazoo's plain Queue loses it, RECIPES.md "QUEUES"); ack/release of a lost lock reject with
// LockLostError and leave the new holder's lock alone.
import { Subscription, concatMap } from 'rxjs';
import { LockLostError, LockTimeoutError, LockingQueue, type QueueEntry } from '../../../src/recipes';
import { one, rejectionOf, until } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';
import { Op } from '../support/reply-gate';
import { Recorder } from '../../support/recorder';
import { Condition, nodesOf, waitForNodes } from '../leader/support';

const env = recipeServer();
const { connect } = env;
let counter = 0;
const queuePath = () => `/queues/lq-${++counter}`;


describe('LockingQueue', () => {
  it('locks an entry under taken/<entry> with its id as data; ack removes entry and lock together', async () => {
    const path = queuePath();
    const lq = new LockingQueue(await connect(), path);
    await lq.put('job-1');
    await lq.put('job-0', { priority: 1 });
    expect(await lq.length()).toBe(2);

    const entry = await lq.take({ timeout: 10_000 });
    expect(entry.data.toString()).toBe('job-0');
    expect(entry.name).toMatch(/^entry-001-\d{10}$/);
    const lock = await one(env.observer.get(`${path}/taken/${entry.name}`));
    expect(lock.data.toString()).toBe(lq.id);
    expect(lq.id).toMatch(/^[0-9a-f]{32}$/);
    expect(lock.stat.ephemeralOwner).not.toBe(0n);
    expect(entry.lock.state).toBe('HELD');
    expect(await entry.holdsLock()).toBe(true);
    expect(await lq.length()).toBe(2);

    await entry.ack();
    expect(entry.lock.state).toBe('RELEASED');
    expect(entry.signal.aborted).toBe(true);
    expect(await nodesOf(env.observer, `${path}/taken`)).toEqual([]);
    expect(await lq.length()).toBe(1);
    expect(await nodesOf(env.observer, `${path}/entries`)).toEqual([expect.stringMatching(/^entry-100-/)]);
  });

  it('release hands the entry back to another consumer, at its place in the order', async () => {
    const path = queuePath();
    const a = new LockingQueue(await connect(), path);
    const b = new LockingQueue(await connect(), path);
    await a.putAll(['first', 'second']);
    const taken = await a.take({ timeout: 10_000 });
    expect(taken.data.toString()).toBe('first');
    // b skips the locked one.
    const other = await b.take({ timeout: 10_000 });
    expect(other.data.toString()).toBe('second');
    await other.release();
    await taken.release();
    expect(await rejectionOf(taken.ack())).toBeInstanceOf(LockLostError);
    const again = await b.take({ timeout: 10_000 });
    expect(again.data.toString()).toBe('first');
    await again.ack();
    expect(await b.length()).toBe(1);
  });

  it('a timed-out take rejects with LockTimeoutError and holds nothing', async () => {
    const path = queuePath();
    const zk = await connect();
    const a = new LockingQueue(zk, path);
    await a.put('only');
    const held = await a.take({ timeout: 10_000 });
    expect(await rejectionOf(new LockingQueue(await connect(), path).take({ timeout: 300 }))).toBeInstanceOf(LockTimeoutError);
    expect(await rejectionOf(a.take({ timeout: 0 }))).toBeInstanceOf(LockTimeoutError);
    expect(await nodesOf(env.observer, `${path}/taken`)).toEqual([held.name]);
    await held.ack();
  });

  it('a take ends at its timeout though the attempt it had in flight waits for a reconnection; nothing stays locked', async () => {
    // Issue 17 (fault suite, --seed 3): take({ timeout: 2000 }) ended 7–56 s late — it waited for the consumer's
    // attempt in flight, itself waiting out a reconnection. The wait ends at its bound; the attempt finishes later.
    const path = queuePath();
    await new LockingQueue(await connect(), path).put('only');
    const { zk, gate } = await env.gated();
    const queue = new LockingQueue(zk, path);
    // The lists read first (a take reads the client's listings, which outlive it for the next take).
    await (await queue.take({ timeout: 10_000 })).release();
    const started = Date.now();
    const taking = queue.take({ timeout: 500 });
    // The lock's create goes out; its reply never comes (nor anything after it), and the client is cut off and cannot reconnect.
    await gate.loseNextReply((type) => type === Op.create || type === Op.create2);
    gate.refuse();
    const outcome = await Promise.race([rejectionOf(taking), new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 3_000))]);
    expect(outcome).toBeInstanceOf(LockTimeoutError);
    expect(Date.now() - started).toBeLessThan(2_500);
    // Back on line, the attempt finishes and hands back what it locked.
    gate.accept();
    await until(zk, 'CONNECTED');
    await waitForNodes(env.observer, `${path}/taken`, 0);
    expect((await new LockingQueue(await connect(), path).take({ timeout: 10_000 })).data.toString()).toBe('only');
  });

  it('at least once: the entry of a consumer whose session expires mid-entry goes to another, and its late ack rejects', async () => {
    const path = queuePath();
    const dying = await connect({ sessionTimeout: 4_000 });
    const first = new LockingQueue(dying, path);
    await first.put('precious');
    const entry = await first.take({ timeout: 10_000 });

    const survivor = new LockingQueue(await connect(), path);
    const waiting = survivor.take({ timeout: 20_000 });
    await env.server.expireSession(dying);
    const handedOn = await waiting;
    expect(handedOn.data.toString()).toBe('precious');
    // The dying client may not know yet at this instant (still HELD until its connection notices, or SUSPENDED):
    // nothing can tell it sooner. What it must do is end LOST, its signal aborted, once it learns of the expiry.
    await new Recorder(entry.lock.state$).last((s) => s === 'LOST', 20_000);
    expect(entry.signal.aborted).toBe(true);

    await until(dying, 'CONNECTED');
    expect(await rejectionOf(entry.ack())).toBeInstanceOf(LockLostError);
    expect(await rejectionOf(entry.release())).toBeInstanceOf(LockLostError);
    // The survivor's lock and the entry are untouched by the late ack.
    const lock = await one(env.observer.get(`${path}/taken/${handedOn.name}`));
    expect(lock.data.toString()).toBe(survivor.id);
    expect(await survivor.length()).toBe(1);
    await handedOn.ack();
    expect(await survivor.length()).toBe(0);
  });

  it('at least once: a consumer killed (client closed) mid-entry loses no entry', async () => {
    const path = queuePath();
    const killed = await connect();
    const victim = new LockingQueue(killed, path);
    await victim.putAll(['e1', 'e2', 'e3']);
    const stuck = await victim.take({ timeout: 10_000 });
    expect(stuck.data.toString()).toBe('e1');
    await killed.close();

    const rescuer = new LockingQueue(await connect(), path);
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      const e = await rescuer.take({ timeout: 20_000 });
      got.push(e.data.toString());
      await e.ack();
    }
    expect(got.sort()).toEqual(['e1', 'e2', 'e3']);
    expect(await rescuer.length()).toBe(0);
  });

  it('take$ on two clients gives the next entry once the previous one is acked, every entry processed, none lost', async () => {
    const path = queuePath();
    const producer = new LockingQueue(env.observer, path);
    const processed: string[] = [];
    const changed = new Condition();
    let inFlight = 0;
    let maxInFlight = 0;
    const subs = new Subscription();
    for (const zk of [await connect(), await connect()]) {
      subs.add(
        new LockingQueue(zk, path)
          .take$()
          .pipe(
            concatMap(async (e: QueueEntry) => {
              inFlight++;
              maxInFlight = Math.max(maxInFlight, inFlight);
              processed.push(e.data.toString());
              inFlight--;
              await e.ack();
              changed.changed();
            }),
          )
          .subscribe(),
      );
    }
    const total = 30;
    await producer.putAll(Array.from({ length: total }, (_, i) => `job-${i}`));
    await changed.until(() => processed.length >= total, `${total} entries acked`, 30_000);
    subs.unsubscribe();
    expect(processed).toHaveLength(total);
    expect(new Set(processed).size).toBe(total);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    await waitForNodes(env.observer, `${path}/entries`, 0);
    // A consumer that lost the race for the last entry may have made its lock just as the other acked it (kazoo's
    // order: lock, then read the entry); it finds the entry gone and removes that lock: none stays behind.
    await waitForNodes(env.observer, `${path}/taken`, 0);
  });

  it('a dropped connection suspends the lock (HELD again on the same session) and the ack still lands; a waiting take goes on', async () => {
    const path = queuePath();
    const proxy = await env.proxy();
    const zk = await connect({ hosts: proxy.address, sessionTimeout: 10_000 });
    const lq = new LockingQueue(zk, path);
    await lq.put('held across a cut');
    const entry = await lq.take({ timeout: 10_000 });
    const states = new Recorder(entry.lock.state$);
    const waiting = lq.take({ timeout: 20_000 });
    proxy.cut();
    await states.last((s) => s === 'SUSPENDED');
    await until(zk, 'CONNECTED');
    await states.last((s) => s === 'HELD');
    await new LockingQueue(env.observer, path).put('after the cut');
    expect((await waiting).data.toString()).toBe('after the cut');
    await entry.ack();
    expect(states.values).toEqual(['HELD', 'SUSPENDED', 'HELD', 'RELEASED']);
    expect(await lq.length()).toBe(1);
  });

  it('works at the root of a chrooted client: /entries and /taken (issue 19: joins at the root)', async () => {
    const chroot = `/queues/lq-root-${++counter}`;
    await one(env.observer.create(chroot, null, { makePath: true }));
    const lq = new LockingQueue(await connect({ chroot }), '/');
    await lq.put('job');
    const entry = await lq.take({ timeout: 5_000 });
    expect(entry.data.toString()).toBe('job');
    expect(await nodesOf(env.observer, `${chroot}/taken`)).toEqual([entry.name]);
    await entry.ack();
    expect(await lq.length()).toBe(0);
  });
});
