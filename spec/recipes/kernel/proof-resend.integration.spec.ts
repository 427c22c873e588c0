// kernel/proof's commitProven sends a write found not applied again only while it is still meant: the fault suite saw
// a Queue take's delete, its reply lost and never applied, sent again after the queue's node had been reaped and made
// again — the path named a new node at version 0, the delete took it, and two items went wrong (one lost, one given
// twice). Here the reply to a delete that fails on the server is lost, a new node is made under the same path, and
// the client reconnects: the delete must not take the new node.
import { NoNodeError, RolledBackError, type ZooKeeperClient } from '../../../src';
import { commitProven } from '../../../src/recipes/kernel/proof';
import { isSameNode } from '../../../src/recipes/kernel/znodes';
import { one, rejectionOf, until } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';
import { loseWriteReply } from '../support/reply-gate';

const env = recipeServer();
let counter = 0;

/** A node at a fresh path made by the observer, with its data 'meant': the node a delete is meant for. */
async function meantNode(): Promise<{ dir: string; path: string; czxid: bigint }> {
  const dir = `/proof-resend-${++counter}`;
  await one(env.observer.create(dir));
  const path = `${dir}/item`;
  const { stat } = await one(env.observer.createWithStat(path, Buffer.from('meant')));
  return { dir, path, czxid: stat.czxid };
}

/** The node at `path` now, as the observer reads it after a sync. */
async function nodeAt(zk: ZooKeeperClient, path: string): Promise<{ data: string; czxid: bigint } | null> {
  await one(zk.sync(path));
  const read = await one(zk.get(path)).catch((err: unknown) => (err instanceof NoNodeError ? null : Promise.reject(err)));
  return read === null ? null : { data: read.data.toString(), czxid: read.stat.czxid };
}

describe('commitProven, a write found not applied', () => {
  it('is not sent again once its path names another node: it resolves false, and the new node stays', async () => {
    const { zk, gate } = await env.gated();
    const { dir, path, czxid } = await meantNode();
    await one(env.observer.delete(path));
    // The delete fails on the server (the node is gone) and its reply is lost: the client cannot tell.
    const { started: deleting } = await loseWriteReply(gate, () =>
      commitProven(zk, dir, (tx) => tx.delete(path, 0), { stillMeant: () => isSameNode(zk, path, czxid) }),
    );
    // Meanwhile another node is made under the same path, at version 0 as the one read.
    await one(env.observer.create(path, Buffer.from('another')));
    gate.cut();
    await until(zk, 'CONNECTED');
    expect(await deleting).toBe(false);
    expect(await nodeAt(env.observer, path)).toMatchObject({ data: 'another' });
  });

  it('is sent again while its path is still the node it was meant for', async () => {
    const { zk, gate } = await env.gated();
    const { dir, path, czxid } = await meantNode();
    // A version that fails on the server: found not applied (no receipt), sent again, and failing again, as itself.
    const { started: writing } = await loseWriteReply(gate, () =>
      commitProven(zk, dir, (tx) => tx.delete(path, 7), { stillMeant: () => isSameNode(zk, path, czxid) }),
    );
    gate.cut();
    expect(await rejectionOf(writing)).toBeInstanceOf(RolledBackError);
    expect(await nodeAt(env.observer, path)).toMatchObject({ data: 'meant', czxid });
  });
});
