// PersistentNode against a real ZooKeeper 3.8: held while subscribed, re-created after an expiry and after a
// deletion by someone else, adopting a node already there, deleted on unsubscribe.
import { InvalidArgumentError, InvalidPathError, createClient, type Stat, type ZooKeeperClient } from '../../../src';
import { PersistentNode } from '../../../src/recipes';
import { zooKeeperHarness } from '../../../src/testing';
import { one } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';

const harness = zooKeeperHarness();
beforeAll(() => harness.setup(), 60_000);
afterAll(() => harness.teardown(), 60_000);

const holds: Recorder<unknown>[] = [];
afterEach(() => {
  for (const h of holds.splice(0)) h.subscription.unsubscribe();
});
function hold(node: PersistentNode): Recorder<string> {
  const r = new Recorder(node.hold$());
  holds.push(r as Recorder<unknown>);
  return r;
}
/** Waits (by watch) until the node's stat satisfies `predicate` (null: absent). */
async function statUntil(zk: ZooKeeperClient, path: string, predicate: (s: Stat | null) => boolean): Promise<Stat | null> {
  const r = new Recorder(zk.exists$(path));
  try {
    return await r.last(predicate, 20_000);
  } finally {
    r.subscription.unsubscribe();
  }
}

describe('PersistentNode', () => {
  it('refuses bad arguments before anything is sent', async () => {
    const zk = await harness.client();
    expect(() => new PersistentNode(zk, 'x', 'd')).toThrow(InvalidPathError);
    expect(() => new PersistentNode(zk, '/x', 42 as never)).toThrow(InvalidArgumentError);
    expect(() => new PersistentNode(zk, '/x', 'd', { mode: 'SOMETIMES' as never })).toThrow(InvalidArgumentError);
    expect(() => new PersistentNode(zk, '/x', 'd', { mode: 'PERSISTENT_WITH_TTL' })).toThrow(InvalidArgumentError);
    expect(() => new PersistentNode(zk, '/x', 'd', { ttl: 1000 })).toThrow(InvalidArgumentError);
    expect(await one(zk.exists('/x'))).toBeNull();
  });

  it('is an ephemeral of its session while held, under container parents, and deleted on unsubscribe', async () => {
    const zk = await harness.client();
    const node = new PersistentNode(zk, '/members/me', 'hello');
    const held = hold(node);
    expect(await held.last(() => true)).toBe('/members/me');
    const { data, stat } = await one(zk.get('/members/me'));
    expect(data.toString()).toBe('hello');
    expect(stat.ephemeralOwner).toBe(zk.session?.id);
    expect((await one(zk.exists('/members')))?.ephemeralOwner).toBe(0n);
    await node.setData('changed');
    expect((await one(zk.get('/members/me'))).data.toString()).toBe('changed');
    held.subscription.unsubscribe();
    await statUntil(zk, '/members/me', (s) => s === null);
  });

  it('is created again when someone else deletes it, and after an expiry on the new session', async () => {
    const zk = await harness.client();
    const node = new PersistentNode(zk, '/again', 'd');
    const held = hold(node);
    await held.until((vs) => vs.length === 1);
    const first = await one(zk.exists('/again'));
    await one(zk.delete('/again'));
    await held.until((vs) => vs.length === 2);
    const second = await statUntil(zk, '/again', (s) => s !== null && s.czxid !== first?.czxid);
    expect(second?.ephemeralOwner).toBe(zk.session?.id);

    const oldSession = zk.session?.id;
    await harness.expireSession(zk);
    await held.until((vs) => vs.length === 3, 20_000);
    const third = await statUntil(zk, '/again', (s) => s !== null && s.ephemeralOwner === zk.session?.id);
    expect(third?.ephemeralOwner).not.toBe(oldSession);
    expect((await one(zk.get('/again'))).data.toString()).toBe('d');
    expect(held.values).toEqual(['/again', '/again', '/again']);
  }, 60_000);

  it('stays through a dropped connection on the same session', async () => {
    const zk = await harness.client();
    const held = hold(new PersistentNode(zk, '/cut', 'd'));
    await held.until((vs) => vs.length === 1);
    const before = await one(zk.exists('/cut'));
    await harness.loseConnection(zk, { for: 1_000 });
    await one(zk.sync('/cut'));
    expect((await one(zk.exists('/cut')))?.czxid).toBe(before?.czxid);
    expect(held.values).toEqual(['/cut']);
  }, 30_000);

  it('leaves no node behind when unsubscribed while its create is under way', async () => {
    const zk = await harness.client();
    // Subscribed after the watch's read: the session answers in order, so it sees the node appear, then go.
    const seen = new Recorder(zk.exists$('/brief'));
    await seen.until((vs) => vs.length === 1);
    const held = new PersistentNode(zk, '/brief', 'd').hold$().subscribe();
    held.unsubscribe();
    await seen.until((vs) => vs.some((s) => s !== null) && vs[vs.length - 1] === null);
    seen.subscription.unsubscribe();
    expect(await one(zk.exists('/brief'))).toBeNull();
  });

  it('is created again after a reconnect when someone deleted it while the client was cut off', async () => {
    const zk = await harness.client();
    const writer = await writerFor(zk);
    const held = hold(new PersistentNode(zk, '/while-cut', 'd', { mode: 'PERSISTENT' }));
    await held.until((vs) => vs.length === 1);
    const first = await one(zk.exists('/while-cut'));
    const cut = harness.loseConnection(zk, { for: 1_500 });
    await one(writer.delete('/while-cut'));
    await cut;
    await held.until((vs) => vs.length === 2, 20_000);
    const again = await statUntil(zk, '/while-cut', (st) => st !== null);
    expect(again?.czxid).not.toBe(first?.czxid);
  }, 30_000);

  it('adopts a node already at the path and gives it its data', async () => {
    const zk = await harness.client();
    await one(zk.create('/there', 'old'));
    const czxid = (await one(zk.exists('/there')))?.czxid;
    const held = hold(new PersistentNode(zk, '/there', 'new', { mode: 'PERSISTENT' }));
    await held.until((vs) => vs.length === 1);
    const { data, stat } = await one(zk.get('/there'));
    expect(data.toString()).toBe('new');
    expect(stat.czxid).toBe(czxid);
    held.subscription.unsubscribe();
    await statUntil(zk, '/there', (s) => s === null);
  });

  it('makes a protected sequential node, a new one at each re-creation', async () => {
    const zk = await harness.client();
    const held = hold(new PersistentNode(zk, '/seq/n-', 'd', { mode: 'EPHEMERAL_SEQUENTIAL' }));
    const [first] = await held.until((vs) => vs.length === 1);
    expect(first).toMatch(/^\/seq\/_c_[0-9a-f-]{36}-n-\d{10}$/);
    await one(zk.delete(first));
    const values = await held.until((vs) => vs.length === 2);
    expect(values[1]).not.toBe(first);
    expect(await one(zk.getChildren('/seq'))).toEqual([values[1].slice('/seq/'.length)]);
  });

  it('shares one node among its subscribers', async () => {
    const zk = await harness.client();
    const node = new PersistentNode(zk, '/shared/n-', 'd', { mode: 'EPHEMERAL_SEQUENTIAL' });
    const a = hold(node);
    await a.until((vs) => vs.length === 1);
    const b = hold(node);
    expect(await b.last(() => true)).toBe(a.values[0]);
    expect(await one(zk.getChildren('/shared'))).toHaveLength(1);
    a.subscription.unsubscribe();
    expect(await one(zk.exists(a.values[0]))).not.toBeNull();
    b.subscription.unsubscribe();
    await statUntil(zk, a.values[0], (s) => s === null);
  });
});

/** A second client where `zk` is: chrooted to the same harness chroot. */
async function writerFor(zk: ZooKeeperClient): Promise<ZooKeeperClient> {
  const writer = createClient({ hosts: harness.server.connectString, chroot: harness.chrootOf(zk) });
  writers.push(writer);
  await writer.start();
  return writer;
}
const writers: ZooKeeperClient[] = [];
afterEach(async () => {
  await Promise.all(writers.splice(0).map((w) => w.close()));
});
