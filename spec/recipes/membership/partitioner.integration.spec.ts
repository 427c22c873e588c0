// Partitioner on a real ZooKeeper: kazoo SetPartitioner's layout (`<path>/party` ShallowParty, `<path>/locks/<item>`
// kazoo Locks), kazoo's round-robin split, membership stable for `settle` before allocating, no item in two members'
// ACQUIRED shares while the membership changes, SUSPENDED → RELEASE → ALLOCATING, an expiry → FAILURE and back
// (kazoo's SetPartitioner is unusable after FAILURE, and can stay ALLOCATING: kazoo#392).
import { finalize, tap } from 'rxjs';
import type { ZooKeeperClient } from '../../../src';
import { InvalidArgumentError } from '../../../src';
import { Lock, Partitioner, type PartitionEvent } from '../../../src/recipes';
import { until } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';
import { Recorder } from '../../support/recorder';
import { nodesOf, waitForNodes } from '../leader/support';

const env = recipeServer();
const { connect } = env;
let counter = 0;
const partitionPath = () => `/partitions/p-${++counter}`;
const SETTLE = 300;
const ITEMS = ['i0', 'i1', 'i2', 'i3', 'i4'];

/** Checks, at every event of every member, that no item is in two members' ACQUIRED shares. */
class Owners {
  private readonly shares = new Map<string, string[]>();
  readonly violations: string[] = [];

  track(id: string, p: Partitioner): Recorder<PartitionEvent> {
    return new Recorder(p.partitions$().pipe(
        tap((e) => this.update(id, e)),
        // Unsubscribed: it stops using its share at once (its locks are let go after).
        finalize(() => this.shares.set(id, [])),
      ));
  }

  private update(id: string, e: PartitionEvent): void {
    this.shares.set(id, e.state === 'ACQUIRED' ? e.items : []);
    const seen = new Map<string, string>();
    for (const [member, items] of this.shares) {
      for (const item of items) {
        const other = seen.get(item);
        if (other !== undefined) this.violations.push(`${item} owned by ${other} and ${member}`);
        seen.set(item, member);
      }
    }
  }
}

const acquired = (r: Recorder<PartitionEvent>, items: string[], ms = 20_000) =>
  r.last((e) => e.state === 'ACQUIRED' && e.items.join() === items.join(), ms);

describe('Partitioner', () => {
  it("shares the items round-robin over the sorted identifiers, on kazoo's party and lock layout; unsubscribe leaves no node", async () => {
    const path = partitionPath();
    const b = new Recorder(new Partitioner(await connect(), path, ITEMS, { identifier: 'b', settle: SETTLE }).partitions$());
    const a = new Recorder(new Partitioner(await connect(), path, ITEMS, { identifier: 'a', settle: SETTLE }).partitions$());
    await acquired(a, ['i0', 'i2', 'i4']);
    await acquired(b, ['i1', 'i3']);
    expect(a.values[0]).toEqual({ state: 'ALLOCATING', items: [] });

    const party = await nodesOf(env.observer, `${path}/party`);
    expect(party.map((n) => n.replace(/^[0-9a-f]{32}-/, '')).sort()).toEqual(['a', 'b']);
    for (const n of party) expect(n).toMatch(/^[0-9a-f]{32}-[ab]$/);
    for (const item of ITEMS) {
      expect(await nodesOf(env.observer, `${path}/locks/${item}`)).toEqual([expect.stringMatching(/^[0-9a-f]{32}__lock__\d{10}$/)]);
    }

    a.subscription.unsubscribe();
    b.subscription.unsubscribe();
    await waitForNodes(env.observer, `${path}/party`, 0);
    for (const item of ITEMS) await waitForNodes(env.observer, `${path}/locks/${item}`, 0);
  });

  it('waits for the membership to be stable for settle ms before allocating', async () => {
    const path = partitionPath();
    const started = Date.now();
    const a = new Recorder(new Partitioner(await connect(), path, ITEMS, { identifier: 'a', settle: 1_500 }).partitions$());
    await acquired(a, ITEMS);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    a.subscription.unsubscribe();
  });

  it('no item is ever in two ACQUIRED shares while members join and leave; every item ends owned', async () => {
    const path = partitionPath();
    const owners = new Owners();
    const a = owners.track('a', new Partitioner(await connect(), path, ITEMS, { identifier: 'a', settle: SETTLE }));
    await acquired(a, ITEMS);
    const b = owners.track('b', new Partitioner(await connect(), path, ITEMS, { identifier: 'b', settle: SETTLE }));
    await acquired(a, ['i0', 'i2', 'i4']);
    await acquired(b, ['i1', 'i3']);
    // a said RELEASE before giving up its share, then allocated again.
    const states = a.values.map((e) => e.state);
    expect(states.slice(states.indexOf('RELEASE'))).toEqual(['RELEASE', 'ALLOCATING', 'ACQUIRED']);

    const c = owners.track('c', new Partitioner(await connect(), path, ITEMS, { identifier: 'c', settle: SETTLE }));
    await acquired(a, ['i0', 'i3']);
    await acquired(b, ['i1', 'i4']);
    await acquired(c, ['i2']);
    b.subscription.unsubscribe();
    await acquired(a, ['i0', 'i2', 'i4']);
    await acquired(c, ['i1', 'i3']);
    expect(owners.violations).toEqual([]);
    a.subscription.unsubscribe();
    c.subscription.unsubscribe();
  });

  it('a dropped connection leads to RELEASE, then ALLOCATING, then the share again', async () => {
    const path = partitionPath();
    const proxy = await env.proxy();
    const zk = await connect({ hosts: proxy.address, sessionTimeout: 10_000 });
    const a = new Recorder(new Partitioner(zk, path, ITEMS, { identifier: 'a', settle: SETTLE }).partitions$());
    await acquired(a, ITEMS);
    const before = a.values.length;
    proxy.cut();
    await a.until((vs) => vs.slice(before).some((e) => e.state === 'RELEASE'));
    await until(zk, 'CONNECTED');
    await acquired(a, ITEMS);
    expect(a.values.slice(before).map((e) => e.state)).toEqual(['RELEASE', 'ALLOCATING', 'ACQUIRED']);
    a.subscription.unsubscribe();
  });

  it('an expiry leads to FAILURE, then it joins again on the new session and gets its share back', async () => {
    const path = partitionPath();
    const zk = await connect({ sessionTimeout: 4_000 });
    const a = new Recorder(new Partitioner(zk, path, ITEMS, { identifier: 'a', settle: SETTLE }).partitions$());
    await acquired(a, ITEMS);
    const before = a.values.length;
    await env.server.expireSession(zk);
    await a.until((vs) => vs.slice(before).some((e) => e.state === 'FAILURE'), 20_000);
    await acquired(a, ITEMS);
    const states = a.values.slice(before).map((e) => e.state);
    // expireSession resumes the session from a second connection, which drops ours; our client may win the session back
    // once (RELEASE, ALLOCATING) before the server closes it: the expiry is then FAILURE, and it starts over.
    expect(states[0]).toBe('RELEASE');
    expect(states.slice(-3)).toEqual(['FAILURE', 'ALLOCATING', 'ACQUIRED']);
    expect(states.filter((s) => s === 'FAILURE')).toHaveLength(1);
    const party = await nodesOf(env.observer, `${path}/party`);
    expect(party).toHaveLength(1);
    a.subscription.unsubscribe();
  });

  it('waits in ALLOCATING for an item lock held by someone else; unsubscribed then, it leaves no node behind', async () => {
    const path = partitionPath();
    // A kazoo-named holder of the item, as a kazoo SetPartitioner of an earlier membership would be.
    const holder = await new Lock(env.observer, `${path}/locks/i0`, { identifier: 'other', layout: 'kazoo' }).acquire();
    const a = new Recorder(new Partitioner(await connect(), path, ['i0'], { identifier: 'a', settle: SETTLE }).partitions$());
    await waitForNodes(env.observer, `${path}/locks/i0`, 2);
    expect(a.values.map((e) => e.state)).toEqual(['ALLOCATING']);
    a.subscription.unsubscribe();
    await waitForNodes(env.observer, `${path}/locks/i0`, 1);
    await waitForNodes(env.observer, `${path}/party`, 0);
    expect(holder.state).toBe('HELD');
    await holder.release();
  });

  it('refuses bad arguments before sending anything', () => {
    expect(() => new Partitioner(env.observer, '/p', ['ok', 'a/b'])).toThrow(InvalidArgumentError);
    expect(() => new Partitioner(env.observer, '/p', 'items' as unknown as string[])).toThrow(InvalidArgumentError);
    expect(() => new Partitioner(env.observer, '/p', ['x'], { settle: -1 })).toThrow(InvalidArgumentError);
    expect(() => new Partitioner(env.observer, '/p', ['x'], { identifier: 'a/b' })).toThrow(InvalidArgumentError);
    expect(() => new Partitioner(null as unknown as ZooKeeperClient, '/p', ['x'])).toThrow(InvalidArgumentError);
  });
});
