// PersistentTtlNode on a real ZooKeeper (TTL nodes enabled, containers checked every second, as rxzk/testing starts
// it): Curator's layout (a container holding the data, a TTL child `touch`), kept well past its ttl while held, made
// again when deleted, and gone by itself within about ttl once no longer held. Against Curator's own
// PersistentTtlNode: persistent-ttl-node.interop.integration.spec.ts.
import { InvalidArgumentError, InvalidPathError } from '../../../src';
import { PersistentTtlNode } from '../../../src/recipes';
import { one } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { recipeServer } from '../support/recipe-server';

const env = recipeServer();
const { connect } = env;
let n = 0;
const nodePath = () => `/ttl/n-${++n}/node`;
const TTL = 1_000;

describe('PersistentTtlNode', () => {
  it('holds a container with the data and a touch child touched every ttl/2, well past the ttl; gone by itself after', async () => {
    const path = nodePath();
    const zk = await connect();
    const node = new PersistentTtlNode(zk, path, TTL, 'payload');
    const held = new Recorder(node.hold$());
    expect(await held.until((vs) => vs.length === 1)).toEqual([path]);
    expect((await one(env.observer.get(path))).data.toString()).toBe('payload');

    // The touches, as the server tells a watcher of the child: its mtime moves on every ttl/2. Seen for 3 ttls.
    const touches = new Recorder(env.observer.watchData$(`${path}/touch`));
    const seen = await touches.until((vs) => {
      const times = vs.filter((v) => v !== null).map((v) => Number(v!.stat.mtime));
      return times.length > 1 && times[times.length - 1] - times[0] >= 3 * TTL;
    }, 15_000);
    // The first touch is a set that finds no child, then its create: two round trips, which the observer's one read
    // may beat (seen once under CI's CPU hog). From the child's first sight on, it is never missing.
    const kept = seen.slice(seen.findIndex((v) => v !== null));
    expect(kept.every((v) => v !== null)).toBe(true);
    const times = kept.map((v) => Number(v!.stat.mtime));
    // No gap between touches as long as the ttl (the touch would have expired).
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeLessThan(TTL);
    touches.subscription.unsubscribe();
    expect(await one(env.observer.exists(path))).not.toBeNull();

    await node.setData('payload-2');
    expect((await one(env.observer.get(path))).data.toString()).toBe('payload-2');

    // Unsubscribed: nothing deleted now, and the node expires by itself: the touch ttl after its last touch, then the container.
    const stopped = Date.now();
    held.subscription.unsubscribe();
    expect(await one(env.observer.exists(path))).not.toBeNull();
    const exists = new Recorder(env.observer.exists$(path));
    await exists.until((vs) => vs.length > 0 && vs[vs.length - 1] === null, TTL + 10_000);
    const gone = Date.now() - stopped;
    exists.subscription.unsubscribe();
    expect(gone).toBeGreaterThanOrEqual(TTL / 2);
    expect(gone).toBeLessThan(TTL + 5_000);
  });

  it('is made again when someone deletes it while held', async () => {
    const path = nodePath();
    const zk = await connect();
    const held = new Recorder(new PersistentTtlNode(zk, path, TTL, 'x').hold$());
    await held.until((vs) => vs.length === 1);
    // Both at once (the child would be touched again between two deletes), once the first touch has made the child.
    const child = new Recorder(env.observer.exists$(`${path}/touch`));
    await child.until((vs) => vs.some((v) => v !== null));
    child.subscription.unsubscribe();
    const before = (await one(env.observer.exists(path)))!;
    await one(env.observer.transaction().delete(`${path}/touch`).delete(path).commit());
    await held.until((vs) => vs.length === 2, 10_000);
    const after = await one(env.observer.get(path));
    expect(after.data.toString()).toBe('x');
    expect(after.stat.czxid).toBeGreaterThan(before.czxid);
    held.subscription.unsubscribe();
  });

  it('refuses bad arguments before anything is sent', async () => {
    const zk = await connect();
    expect(() => new PersistentTtlNode(zk, '/t', 0)).toThrow(InvalidArgumentError);
    expect(() => new PersistentTtlNode(zk, '/t', 1.5)).toThrow(InvalidArgumentError);
    expect(() => new PersistentTtlNode(zk, '/t', '1000' as unknown as number)).toThrow(InvalidArgumentError);
    expect(() => new PersistentTtlNode(zk, 't', 1000)).toThrow(InvalidPathError);
    expect(() => new PersistentTtlNode(zk, '/t', 1000, 5 as unknown as string)).toThrow(InvalidArgumentError);
  });
});
