// The recipes that keep a node of their own rejoin by themselves when their session expires with that node's create
// in flight (issue 17, item 2): Party, Partitioner, PersistentNode and a discovery registration make it again on the
// new session, and none of them errors.
import type { ZooKeeperClient } from '../../src';
import { Partitioner, Party, PersistentNode, ServiceDiscovery, type PartitionEvent } from '../../src/recipes';
import { done, one, until } from '../support/fixtures';
import { Recorder } from '../support/recorder';
import { recipeServer } from './support/recipe-server';
import { expireCutOff, loseWriteReply, type ReplyGate } from './support/reply-gate';
import { waitForNodes } from './leader/support';

const env = recipeServer();
let counter = 0;
const nextPath = (kind: string) => `/rejoin/${kind}-${++counter}`;

/** A client behind a gate of its own, and `parent` made beforehand (persistent): its first write is then the node's create. */
async function gated(parent: string): Promise<{ zk: ZooKeeperClient; gate: ReplyGate }> {
  await done(env.observer.ensurePath(parent));
  return env.gated(10_000);
}

/**
 * Starts what `start()` starts with the reply to its first write lost (its reads answered): the node's create reached
 * the server and was applied. Then cuts the client off, expires its session on the server, and lets it reconnect.
 */
async function expireWithCreateInFlight<T>(zk: ZooKeeperClient, gate: ReplyGate, start: () => T): Promise<{ started: T }> {
  const oldSession = zk.session!.id;
  const { started } = await loseWriteReply(gate, start);
  await expireCutOff(env.server, zk, gate);
  await until(zk, 'CONNECTED');
  expect(zk.session!.id).not.toBe(oldSession);
  return { started };
}

/** The owner of `path` once it is owned by `zk`'s current session (the old session's node is gone by then). */
async function ownedBy(zk: ZooKeeperClient, parent: string, name: string): Promise<void> {
  const path = `${parent}/${name}`;
  const children = new Recorder(env.observer.watchChildren$(parent));
  try {
    for (;;) {
      const stat = await one(env.observer.exists(path));
      if (stat?.ephemeralOwner === zk.session!.id) return;
      const seen = children.values.length;
      await children.until((vs) => vs.length > seen, 15_000);
    }
  } finally {
    children.subscription.unsubscribe();
  }
}

describe('a node kept by a recipe, its create in flight when the session expires', () => {
  it('Party.join resolves, the member made again on the new session', async () => {
    const path = nextPath('party');
    const { zk, gate } = await gated(path);
    const party = new Party(zk, path, { identifier: 'm' });
    const { started: joining } = await expireWithCreateInFlight(zk, gate, () => party.join());
    await joining;
    await ownedBy(zk, path, party.node.split('/').pop()!);
    expect(await party.members()).toEqual(['m']);
    await party.leave();
  });

  it('PersistentNode.hold$ emits the node made again on the new session, and does not error', async () => {
    const path = nextPath('node');
    const { zk, gate } = await gated(path);
    const node = new PersistentNode(zk, `${path}/me`, 'data');
    const { started: held } = await expireWithCreateInFlight(zk, gate, () => new Recorder(node.hold$()));
    await ownedBy(zk, path, 'me');
    expect(held.error).toBeUndefined();
    await held.until((vs) => vs.length > 0);
    held.subscription.unsubscribe();
    await waitForNodes(env.observer, path, 0);
  });

  it('ServiceDiscovery.register resolves, the instance made again on the new session', async () => {
    const base = nextPath('discovery');
    const { zk, gate } = await gated(`${base}/billing`);
    const sd = new ServiceDiscovery(zk, base);
    const { started: registering } = await expireWithCreateInFlight(zk, gate, () =>
      sd.register({ name: 'billing', id: 'b-1', address: '10.0.0.5', port: 8080 }),
    );
    await registering;
    await ownedBy(zk, `${base}/billing`, 'b-1');
    expect((await sd.instances('billing')).map((i) => i.id)).toEqual(['b-1']);
    await sd.close();
  });

  it('a Partitioner reaches ACQUIRED on the new session, without erroring', async () => {
    const path = nextPath('partitioner');
    const { zk, gate } = await gated(`${path}/party`);
    const parts = new Partitioner(zk, path, ['a', 'b'], { identifier: 'p', settle: 100 });
    const { started: events } = await expireWithCreateInFlight(zk, gate, () => new Recorder<PartitionEvent>(parts.partitions$()));
    const acquired = await events.last((e) => e.state === 'ACQUIRED', 20_000);
    expect(acquired.items).toEqual(['a', 'b']);
    expect(events.error).toBeUndefined();
    events.subscription.unsubscribe();
  });
});
