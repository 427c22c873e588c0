// SharedValue, AtomicValue and Counter's atomic operations whose write reply was lost (issue 17's rule): confirmed
// only by the write's receipt, never because the node now holds the bytes meant — another client may have written
// the same ones — and never sent twice.
import type { ZooKeeperClient } from '../../../src';
import { AtomicValue, Counter, SharedValue } from '../../../src/recipes';
import { one, until } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';
import { loseWriteReply } from '../support/reply-gate';

const env = recipeServer();
const { connect, gated } = env;
let n = 0;
const valuePath = () => `/atomic/lost-${++n}/value`;
/** The children left under a value's node (receipts), read by the client that wrote (its deletes, sent before, are in). */
async function left(zk: ZooKeeperClient, path: string): Promise<string[]> {
  await one(zk.sync(path));
  return one(zk.getChildren(path));
}

describe('a write whose reply was lost', () => {
  it('SharedValue.trySet refused (another client set the same bytes first) is false, though the node holds its bytes one version on', async () => {
    const path = valuePath();
    const other = new SharedValue(await connect(), path, 'seed');
    await other.value();
    const { zk, gate } = await gated();
    const mine = new SharedValue(zk, path, 'seed');
    // The other client sets exactly what this one is about to set at version 0.
    expect(await other.trySet('same', 0)).toBe(true);
    const { started } = await loseWriteReply(gate, () => mine.trySet('same', 0));
    gate.cut();
    await until(zk, 'CONNECTED');
    expect(await started).toBe(false);
    expect(await mine.value()).toEqual({ value: Buffer.from('same'), version: 1 });
    expect(await left(zk, path)).toEqual([]);
  });

  it('SharedValue.trySet applied is true once, confirmed by its receipt, and nothing is left behind', async () => {
    const path = valuePath();
    const { zk, gate } = await gated();
    const mine = new SharedValue(zk, path, 'seed');
    await mine.value();
    const { started } = await loseWriteReply(gate, () => mine.trySet('mine', 0));
    gate.cut();
    await until(zk, 'CONNECTED');
    expect(await started).toBe(true);
    // Applied once: version 1, not sent again (which would be refused, or make version 2).
    expect(await mine.value()).toEqual({ value: Buffer.from('mine'), version: 1 });
    expect(await left(zk, path)).toEqual([]);
  });

  it('AtomicValue.compareAndSet applied is true; Counter.increment applied counts once', async () => {
    const path = valuePath();
    const { zk, gate } = await gated();
    const v = new AtomicValue(zk, path);
    await v.trySet('a');
    const { started } = await loseWriteReply(gate, () => v.compareAndSet('a', 'b'));
    gate.cut();
    await until(zk, 'CONNECTED');
    expect(await started).toBe(true);
    expect(await v.get()).toEqual(Buffer.from('b'));

    const counterPath = valuePath();
    const counter = new Counter(zk, counterPath, { format: 'int64', promotedToLock: { lockPath: `${counterPath}-lock` } });
    await counter.increment();
    const { started: incrementing } = await loseWriteReply(gate, () => counter.increment());
    gate.cut();
    await until(zk, 'CONNECTED');
    expect(await incrementing).toEqual({ before: 1n, after: 2n });
    expect(await counter.value()).toBe(2n);
    expect(await left(zk, counterPath)).toEqual([]);
  });
});
