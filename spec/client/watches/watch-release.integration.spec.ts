// Issue 10.1: a watch is never removed from the server while someone on the client still needs it — in
// particular a watch whose request is still in flight when the last subscriber of a shared stream leaves.
import { firstValueFrom } from 'rxjs';
import type { WatchedEvent, ZooKeeperClient } from '../../../src';
import { startZooKeeper, type StartedZooKeeper } from '../../../src/testing';
import { clientPool, one } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';

let zkServer: StartedZooKeeper;
const { connect, closeAll } = clientPool(() => zkServer.connectString);
let zk: ZooKeeperClient;
let writer: ZooKeeperClient;
let counter = 0;
const recorders: Recorder<unknown>[] = [];

function record<T>(source: Parameters<typeof firstValueFrom<T>>[0]): Recorder<T> {
  const r = new Recorder<T>(source);
  recorders.push(r as Recorder<unknown>);
  return r;
}

/** A promise of the first event a one-shot watch callback receives, and the callback. */
function oneShot(): { watch: (e: WatchedEvent) => void; fired: Promise<WatchedEvent> } {
  let watch!: (e: WatchedEvent) => void;
  const fired = new Promise<WatchedEvent>((resolve) => (watch = resolve));
  return { watch, fired };
}

/** Rejects when `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms))),
  ]);
}

beforeAll(async () => {
  zkServer = await startZooKeeper();
  zk = await connect();
  writer = await connect();
});

afterEach(() => {
  for (const r of recorders.splice(0)) r.subscription.unsubscribe();
});

afterAll(async () => {
  await closeAll();
  await zkServer?.stop();
});

describe('the last subscriber of a shared watch leaving', () => {
  it.each([1, 2, 3, 4, 5])("keeps a user's one-shot watch set in the same tick (try %i)", async () => {
    const path = `/t-oneshot-${++counter}`;
    await one(writer.create(path, 'v0'));
    const follower = record(zk.watchData$(path));
    await follower.until((vs) => vs.length === 1);
    const { watch, fired } = oneShot();
    // The get (and its watch) is in flight when the follower's release is decided.
    zk.get(path, { watch }).subscribe();
    follower.subscription.unsubscribe();
    // A fence: the server has handled both the get and anything the release sent before this sync.
    await one(zk.sync(path));
    await one(writer.set(path, 'v1'));
    expect((await within(fired, 5_000, 'the one-shot watch did not fire')).type).toBe('NodeDataChanged');
  });

  it('keeps a watchChildren$ subscribed in the tick a watchData$ on the path ends', async () => {
    const path = `/t-children-${++counter}`;
    await one(writer.create(path, 'v0'));
    const data = record(zk.watchData$(path));
    await data.until((vs) => vs.length === 1);
    const children = record(zk.watchChildren$(path));
    data.subscription.unsubscribe();
    await children.until((vs) => vs.length === 1);
    expect(children.values[0]).toEqual([]);
    await one(writer.create(`${path}/a`));
    expect(await children.last((names) => names?.length === 1)).toEqual(['a']);
    await one(writer.create(`${path}/b`));
    expect([...((await children.last((names) => names?.length === 2)) ?? [])].sort()).toEqual(['a', 'b']);
  });

  it('keeps a watchData$ whose first read is in flight while a watchChildren$ on the path comes and goes', async () => {
    const path = `/t-data-${++counter}`;
    await one(writer.create(path, 'v0'));
    const data = record(zk.watchData$(path));
    zk.watchChildren$(path).subscribe().unsubscribe();
    await data.until((vs) => vs.length === 1);
    for (const v of ['v1', 'v2', 'v3']) {
      await one(writer.set(path, v));
      expect((await data.last((value) => value?.data.toString() === v))?.data.toString()).toBe(v);
    }
  });

  it('keeps an exists$ whose first read is in flight while a watchData$ on the path comes and goes', async () => {
    const path = `/t-exists-${++counter}`;
    const exists = record(zk.exists$(path));
    zk.watchData$(path).subscribe().unsubscribe();
    await exists.until((vs) => vs.length === 1);
    expect(exists.values[0]).toBeNull();
    await one(writer.create(path));
    await exists.last((stat) => stat !== null);
    await one(writer.delete(path));
    await exists.last((stat) => stat === null);
  });

  it('still removes what nobody needs: no server watch is left once every stream and watch is gone', async () => {
    const path = `/t-clean-${++counter}`;
    await one(writer.create(path, 'v0'));
    const data = record(zk.watchData$(path));
    const children = record(zk.watchChildren$(path));
    await data.until((vs) => vs.length === 1);
    await children.until((vs) => vs.length === 1);
    data.subscription.unsubscribe();
    children.subscription.unsubscribe();
    await one(zk.sync(path));
    const wchp = await one(zk.command('wchp'));
    expect(wchp.split('\n')).not.toContain(path);
  });
});

describe('one-shot and recursive watches on one path (ZOOKEEPER-4466)', () => {
  it('keeps a watchChildren$ updating after a recursive watch$ on the same path is added', async () => {
    const path = `/t-recursive-children-${++counter}`;
    await one(writer.create(path));
    const children = record(zk.watchChildren$(path));
    await children.until((vs) => vs.length === 1);
    const events = record(zk.watch$(path, { recursive: true }));
    // A fence: the addWatch has been answered once a later request is.
    await one(zk.sync(path));
    for (const name of ['a', 'b', 'c']) {
      await one(writer.create(`${path}/${name}`));
      expect(await children.last((names) => names?.includes(name) === true)).toContain(name);
    }
    await one(writer.delete(`${path}/a`));
    expect([...((await children.last((names) => names?.length === 2)) ?? [])].sort()).toEqual(['b', 'c']);
    expect(events.values.filter((e) => e.type === 'NodeCreated')).toHaveLength(3);
  });
});
