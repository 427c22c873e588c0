// kernel/proof's ReceiptCarry on a real ZooKeeper (issue 20: one transaction per queue entry): a settled write's
// receipt is deleted by the client's next proven write of the same turn, in its transaction, or in the background a
// turn later; a carried receipt already gone fails nothing (the write is sent again without it); a write that fails
// on its own ops gives the carried receipts back for the background.
import { NodeExistsError, RolledBackError, type ZooKeeperClient } from '../../../src';
import { RECEIPT_PREFIX, ReceiptCarry, commitProven } from '../../../src/recipes/kernel/proof';
import { one, rejectionOf } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';

const env = recipeServer();
let counter = 0;

/** A fresh directory for receipts and nodes, and what is under it (after a sync: the deletes sent before are in). */
async function place(zk: ZooKeeperClient): Promise<{ dir: string; children: () => Promise<string[]> }> {
  const dir = `/receipt-carry-${++counter}`;
  await one(zk.create(dir));
  return {
    dir,
    async children() {
      await one(zk.sync(dir));
      return (await one(zk.getChildren(dir))).sort();
    },
  };
}

/** Lets the turn end (and the background deletes go out). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ReceiptCarry', () => {
  it('the next write of the same turn deletes the last receipt in its own transaction; the last one goes a turn later', async () => {
    const zk = await env.connect();
    const { dir, children } = await place(zk);
    const carry = ReceiptCarry.of(zk);
    const ops: string[] = [];
    const counting = zk.operations$.subscribe((op) => ops.push(op.op));
    for (let i = 0; i < 5; i++) await commitProven(zk, dir, (tx) => tx.create(`${dir}/n${i}`, null), { carry });
    // Four receipts deleted by the next writes, one still pending: five multis, no delete of their own yet.
    expect(ops.filter((op) => op === 'multi')).toHaveLength(5);
    expect(ops.filter((op) => op === 'delete')).toHaveLength(0);
    await nextTurn();
    expect(await children()).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    expect(ops.filter((op) => op === 'delete')).toHaveLength(1);
    counting.unsubscribe();
  });

  it('a carried receipt already gone: the write is sent again without it, and applied once', async () => {
    const zk = await env.connect();
    const { dir, children } = await place(zk);
    const carry = ReceiptCarry.of(zk);
    await commitProven(zk, dir, (tx) => tx.create(`${dir}/first`, null), { carry });
    const pending = carry.take();
    expect(pending).toEqual([expect.stringContaining(`${dir}/${RECEIPT_PREFIX}`)]);
    carry.giveBack(pending);
    // Gone before the next write reaches the server (its session ending would do the same).
    const gone = one(zk.delete(pending[0]));
    await commitProven(zk, dir, (tx) => tx.create(`${dir}/second`, null), { carry });
    await gone;
    await nextTurn();
    expect(await children()).toEqual(['first', 'second']);
  });

  it('a write refused on its own ops throws as without a carry, and the carried receipts are still deleted', async () => {
    const zk = await env.connect();
    const { dir, children } = await place(zk);
    const carry = ReceiptCarry.of(zk);
    await commitProven(zk, dir, (tx) => tx.create(`${dir}/taken`, null), { carry });
    const refused = await rejectionOf(commitProven(zk, dir, (tx) => tx.create(`${dir}/taken`, null), { carry }));
    expect(refused).toBeInstanceOf(RolledBackError);
    expect((refused as RolledBackError).cause).toBeInstanceOf(NodeExistsError);
    expect((refused as RolledBackError).failedIndex).toBe(0);
    await nextTurn();
    expect(await children()).toEqual(['taken']);
  });
});
