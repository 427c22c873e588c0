// Queue and LockingQueue puts and takes whose reply was lost, or that met an expiry (issue 17, item 2): a put is made
// on the new session, or found again by its receipt, or reported as unknown — never made twice, never reported made
// when it was not; a Queue take whose reply was lost gives the entry it took rather than losing it.
import { ConnectionLossError, NoNodeError, type ZooKeeperClient } from '../../../src';
import { LockLostError, LockingQueue, OutcomeUnknownError, Queue, type QueueEntry } from '../../../src/recipes';
import { one, rejectionOf, until } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';
import { expireCutOff, loseWriteReply, type ReplyGate } from '../support/reply-gate';

const env = recipeServer();
const { connect, gated } = env;
let n = 0;
const queuePath = () => `/queues/lost-${++n}/q`;
/** The data of the children of `dir` (none once the server reaped it), in name order, read by `zk` after a sync. */
async function childData(zk: ZooKeeperClient, dir: string): Promise<string[]> {
  await one(zk.sync(dir));
  const names = (await one(zk.getChildren(dir)).catch((err: unknown) => (err instanceof NoNodeError ? [] : Promise.reject(err)))).sort();
  return Promise.all(names.map(async (name) => (await one(zk.get(`${dir}/${name}`))).data.toString()));
}

/** Everything under the queue's parent but the queue node itself: receipts left behind, if any. */
async function strays(zk: ZooKeeperClient, path: string): Promise<string[]> {
  const parent = path.slice(0, path.lastIndexOf('/'));
  await one(zk.sync(parent));
  return (await one(zk.getChildren(parent))).filter((name) => name !== path.slice(path.lastIndexOf('/') + 1));
}

/** A gated client's Queue at a fresh path holding one entry, 'first' (read back: the delete of its receipt is in). */
async function gatedQueue(): Promise<{ path: string; zk: ZooKeeperClient; gate: ReplyGate; queue: Queue }> {
  const path = queuePath();
  const { zk, gate } = await gated();
  const queue = new Queue(zk, path);
  await queue.put('first');
  await childData(zk, path);
  return { path, zk, gate, queue };
}

describe('Queue.put whose reply was lost', () => {
  it('is found again by its receipt on the same session: one entry, put resolves, nothing left beside the queue', async () => {
    const { path, zk, gate, queue } = await gatedQueue();
    const { started: putting } = await loseWriteReply(gate, () => queue.put('lost reply'));
    gate.cut();
    await until(zk, 'CONNECTED');
    await putting;
    expect(await childData(zk, path)).toEqual(['first', 'lost reply']);
    expect(await strays(zk, path)).toEqual([]);
  });

  it('putAll whose reply was lost is found again: every item once', async () => {
    const { path, zk, gate, queue } = await gatedQueue();
    const { started: putting } = await loseWriteReply(gate, () => queue.putAll(['a', 'b', 'c']));
    gate.cut();
    await until(zk, 'CONNECTED');
    await putting;
    expect(await childData(zk, path)).toEqual(['first', 'a', 'b', 'c']);
  });

  it('rejects with OutcomeUnknownError (cause: the lost reply) when the session expired before the receipt could be read', async () => {
    const { path, zk, gate, queue } = await gatedQueue();
    const { started: putting } = await loseWriteReply(gate, () => queue.put('unknown'));
    await expireCutOff(env.server, zk, gate);
    const err = await rejectionOf(putting);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(err.cause).toBeInstanceOf(ConnectionLossError);
    // Here it was made: queued once, not twice.
    await until(zk, 'CONNECTED');
    expect(await childData(zk, path)).toEqual(['first', 'unknown']);
    expect(await strays(zk, path)).toEqual([]);
  });
});

describe('a put that met an expiry', () => {
  it('Queue.put made while the session expires is made on the new session (no SessionExpiredError)', async () => {
    const path = queuePath();
    const { zk, gate } = await gated();
    const queue = new Queue(zk, path);
    await queue.put('first');
    await (await expireCutOff(env.server, zk, gate, () => queue.put('after the expiry'))).started;
    expect(await childData(zk, path)).toEqual(['first', 'after the expiry']);
  });

  it('LockingQueue.put likewise, and one whose reply was lost is found again', async () => {
    const path = queuePath();
    const { zk, gate } = await gated();
    const queue = new LockingQueue(zk, path);
    await queue.put('first');
    await childData(zk, `${path}/entries`);
    const { started: lost } = await loseWriteReply(gate, () => queue.put('lost reply'));
    gate.cut();
    await until(zk, 'CONNECTED');
    await lost;
    await (await expireCutOff(env.server, zk, gate, () => queue.put('after the expiry'))).started;
    expect(await childData(zk, `${path}/entries`)).toEqual(['first', 'lost reply', 'after the expiry']);
    // Nothing of ours beside entries (and taken, made by takes) under <path>.
    expect((await one(zk.getChildren(path))).filter((c) => c !== 'entries' && c !== 'taken')).toEqual([]);
  });
});

describe('Queue.take whose delete reply was lost', () => {
  it('gives the entry it took, proven by its receipt, rather than losing it', async () => {
    const path = queuePath();
    await new Queue(await connect(), path).put('only one');
    const { zk, gate } = await gated();
    const queue = new Queue(zk, path);
    const { started: taking } = await loseWriteReply(gate, () => queue.take({ timeout: 10_000 }));
    gate.cut();
    await until(zk, 'CONNECTED');
    expect((await taking).toString()).toBe('only one');
    expect(await childData(zk, path)).toEqual([]);
  });
});

describe('LockingQueue.ack whose reply was lost', () => {
  /** A gated consumer holding the one entry of a fresh LockingQueue. */
  async function takenEntry(): Promise<{ path: string; zk: ZooKeeperClient; gate: ReplyGate; entry: QueueEntry }> {
    const path = queuePath();
    await new LockingQueue(await connect(), path).put('job');
    const { zk, gate } = await gated();
    const entry = await new LockingQueue(zk, path).take({ timeout: 10_000 });
    return { path, zk, gate, entry };
  }

  it('resolves when, back on the same session, its lock is gone: the transaction was applied', async () => {
    const { path, zk, gate, entry } = await takenEntry();
    const { started: acking } = await loseWriteReply(gate, () => entry.ack());
    gate.cut();
    await until(zk, 'CONNECTED');
    await acking;
    expect(entry.lock.state).toBe('RELEASED');
    expect(await childData(zk, `${path}/entries`)).toEqual([]);
  });

  it('rejects with OutcomeUnknownError, never LockLostError, when the session ended first: the ack may have been applied', async () => {
    // Issue 17 (fault suite): an ack answered LockLostError ("not acked: it goes to another consumer") after its
    // session ended, yet its transaction had been applied: the item was gone, and no one would process it again.
    const { path, zk, gate, entry } = await takenEntry();
    const { started: acking } = await loseWriteReply(gate, () => entry.ack());
    await expireCutOff(env.server, zk, gate);
    const err = await rejectionOf(acking);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(err.cause).toBeInstanceOf(ConnectionLossError);
    // Here it was applied: acked once, nothing left to hand out.
    await until(zk, 'CONNECTED');
    expect(await childData(zk, `${path}/entries`)).toEqual([]);
    expect(entry.lock.state).toBe('LOST');
  });

  it('a release whose reply was lost is done either way once the session ended (the lock went with it): LockLostError', async () => {
    const { path, zk, gate, entry } = await takenEntry();
    const { started: releasing } = await loseWriteReply(gate, () => entry.release());
    await expireCutOff(env.server, zk, gate);
    expect(await rejectionOf(releasing)).toBeInstanceOf(LockLostError);
    await until(zk, 'CONNECTED');
    expect(await childData(zk, `${path}/entries`)).toEqual(['job']);
  });
});

