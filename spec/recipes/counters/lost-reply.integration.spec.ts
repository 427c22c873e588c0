// Counter writes whose reply was lost (issue 17, item 1): confirmed only with proof that the write was this client's,
// never on the strength of equal bytes; reported as unknown when the proof went with an expired session.
import { ConnectionLossError, type ZooKeeperClient } from '../../../src';
import { Counter, OutcomeUnknownError, SharedCount } from '../../../src/recipes';
import { one, rejectionOf, until } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';
import { Op, expireCutOff, loseWriteReply, type ReplyGate } from '../support/reply-gate';

const env = recipeServer();
const { connect, gated } = env;
let n = 0;
const counterPath = () => `/counters/lost-${++n}/value`;
/** The receipts left under a counter's node, read by the client that wrote (after a sync: its deletes sent before are in). */
async function receiptsLeft(zk: ZooKeeperClient, path: string): Promise<string[]> {
  await one(zk.sync(path));
  return one(zk.getChildren(path));
}

describe('Counter.add whose reply was lost', () => {
  it('is not confirmed when another client wrote the same bytes at the same version: both adds count (issue 17)', async () => {
    const path = counterPath();
    const other = new Counter(await connect(), path);
    await other.add(1);
    const { zk, gate } = await gated();
    const counter = new Counter(zk, path);
    // A's read of the counter (at 1) is answered, and its answer held back...
    gate.hold();
    const from = gate.requestCount;
    const adding = counter.add(1);
    const read = await gate.request((t) => t === Op.getData, from);
    await gate.reply(read.xid);
    // ...while B adds 1 at the same version, writing "2" as A is about to.
    expect(await other.add(1)).toEqual({ before: 1, after: 2 });
    // A gets its read and writes "2" at the old version: refused (BadVersion), and that answer is lost.
    await gate.loseNextWrite();
    gate.cut();
    await until(zk, 'CONNECTED');
    const result = await adding;
    // Two adds of 1 from 1 end at 3, each told a different after.
    expect(await counter.value()).toBe(3);
    expect(result).toEqual({ before: 2, after: 3 });
  });
});

/** A gated client's Counter at a fresh path, at 1 (its first add's receipt already deleted). */
async function gatedCounter(): Promise<{ path: string; zk: ZooKeeperClient; gate: ReplyGate; counter: Counter }> {
  const path = counterPath();
  const { zk, gate } = await gated();
  const counter = new Counter(zk, path);
  await counter.add(1);
  expect(await receiptsLeft(zk, path)).toEqual([]);
  return { path, zk, gate, counter };
}

describe('Counter.add whose reply was lost, applied', () => {
  it('is confirmed once by its receipt on the same session, and leaves no receipt behind', async () => {
    const { path, zk, gate, counter } = await gatedCounter();
    const { started: adding } = await loseWriteReply(gate, () => counter.add(1));
    gate.cut();
    await until(zk, 'CONNECTED');
    expect(await adding).toEqual({ before: 1, after: 2 });
    expect(await counter.value()).toBe(2);
    expect(await receiptsLeft(zk, path)).toEqual([]);
  });

  it('rejects with OutcomeUnknownError (cause: the lost reply) when the session expired before the receipt could be read', async () => {
    const { path, zk, gate, counter } = await gatedCounter();
    const { started: adding } = await loseWriteReply(gate, () => counter.add(1));
    await expireCutOff(env.server, zk, gate);
    const err = await rejectionOf(adding);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(err.cause).toBeInstanceOf(ConnectionLossError);
    // Here the add was applied: the value is within [confirmed, confirmed + unknown].
    expect(await counter.value()).toBe(2);
    await until(zk, 'CONNECTED');
    expect(await receiptsLeft(zk, path)).toEqual([]);
  });

  it('a missing counter created by an add whose reply was lost is confirmed by its receipt', async () => {
    const path = counterPath();
    const { zk, gate } = await gated();
    const counter = new Counter(zk, path, { initial: 5 });
    const { started: adding } = await loseWriteReply(gate, () => counter.add(1));
    gate.cut();
    await until(zk, 'CONNECTED');
    expect(await adding).toEqual({ before: 5, after: 6 });
    expect(await counter.value()).toBe(6);
    expect(await receiptsLeft(zk, path)).toEqual([]);
  });
});

describe('SharedCount sets whose reply was lost', () => {
  it('trySetCount is false, not true, when another client set the same value at that version first (issue 17)', async () => {
    const path = counterPath();
    const other = new SharedCount(await connect(), path, 0);
    const { zk, gate } = await gated();
    const shared = new SharedCount(zk, path, 0);
    const { version } = await shared.count();
    expect(await other.trySetCount(7, version)).toBe(true);
    // Ours, at the same version, is refused (BadVersion), and that answer is lost.
    const { started: setting } = await loseWriteReply(gate, () => shared.trySetCount(7, version));
    gate.cut();
    await until(zk, 'CONNECTED');
    expect(await setting).toBe(false);
  });

  it('setCount whose reply was lost is confirmed by its receipt; an expiry before the proof is OutcomeUnknownError', async () => {
    const path = counterPath();
    const { zk, gate } = await gated();
    const shared = new SharedCount(zk, path, 0);
    await shared.count();
    const { started: setting } = await loseWriteReply(gate, () => shared.setCount(3));
    gate.cut();
    await until(zk, 'CONNECTED');
    await setting;
    expect((await shared.count()).value).toBe(3);
    expect(await receiptsLeft(zk, path)).toEqual([]);
    const { started: again } = await loseWriteReply(gate, () => shared.setCount(4));
    await expireCutOff(env.server, zk, gate);
    expect(await rejectionOf(again)).toBeInstanceOf(OutcomeUnknownError);
    expect((await shared.count()).value).toBe(4);
  });
});
