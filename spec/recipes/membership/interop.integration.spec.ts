// Membership against a real kazoo 2.8 on the same paths: kazoo's Party and ShallowParty seeing rxzk's members and
// back, and a kazoo SetPartitioner beside an rxzk Partitioner on one path and item set: shares split as kazoo splits
// them, never an item in both.
import { Party, Partitioner, type PartitionEvent } from '../../../src/recipes';
import { Recorder } from '../../support/recorder';
import { interopServer } from '../support/interop-server';

const env = interopServer({ kazoo: true });
let counter = 0;
const nextPath = () => `/interop/membership-${++counter}`;
const same = (expected: string[]) => (ids: string[]) => ids.join('|') === expected.join('|');

describe.each([false, true])('Party with kazoo (shallow: %s)', (shallow) => {
  it("kazoo's party sees rxzk's member and rxzk's sees kazoo's, joins and leaves alike", async () => {
    const path = nextPath();
    const handle = `party-${String(shallow)}`;
    await env.kazoo.call('party.create', { handle, path, identifier: 'python-1', shallow });
    await env.kazoo.call('party.join', { handle });
    const mine = new Party(env.zk, path, { identifier: 'node-1', shallow });
    const seen = new Recorder(mine.members$());
    await seen.last(same(['python-1']));
    await mine.join();
    await seen.last(same(['node-1', 'python-1']));
    expect((await env.kazoo.call('party.members', { handle })).sort()).toEqual(['node-1', 'python-1']);
    expect(await env.kazoo.call('party.len', { handle })).toBe(2);

    await env.kazoo.call('party.leave', { handle });
    await seen.last(same(['node-1']));
    await mine.leave();
    await seen.last(same([]));
    expect(await env.kazoo.call('party.members', { handle })).toEqual([]);
    seen.subscription.unsubscribe();
  });
});

describe('Partitioner with kazoo SetPartitioner', () => {
  it('shares one item set with a kazoo SetPartitioner on one path: kazoo\'s split, no item in both', async () => {
    const path = nextPath();
    const items = ['a', 'b', 'c', 'd', 'e'];
    const ours = new Recorder<PartitionEvent>(new Partitioner(env.zk, path, items, { identifier: 'r-node', settle: 300 }).partitions$());
    await ours.last((e) => e.state === 'ACQUIRED' && e.items.length === items.length, 20_000);

    // kazoo joins: rxzk says RELEASE, lets go, and takes its half; kazoo waits for those locks, then takes the other.
    await env.kazoo.call('partitioner.start', { handle: 'kp', path, items, identifier: 'k-python', timeBoundaryMs: 300, maxReactionTimeMs: 200 });
    // Sorted identifiers ['k-python', 'r-node']: kazoo takes items 0, 2, 4; rxzk 1, 3.
    const mine = await ours.last((e) => e.state === 'ACQUIRED' && e.items.length === 2, 20_000);
    expect(mine.items.sort()).toEqual(['b', 'd']);
    expect(await env.kazoo.call('partitioner.waitForAcquire', { handle: 'kp', timeoutMs: 20_000 })).toBe('ACQUIRED');
    const theirs = await env.kazoo.call('partitioner.items', { handle: 'kp' });
    expect(theirs).toEqual(['a', 'c', 'e']);
    const now = ours.values[ours.values.length - 1]!;
    expect(now.state === 'ACQUIRED' ? now.items.filter((i) => theirs.includes(i)) : []).toEqual([]);
    expect(ours.values.map((e) => e.state)).toContain('RELEASE');

    // kazoo leaves: rxzk gets everything back.
    await env.kazoo.call('partitioner.finish', { handle: 'kp' });
    await ours.last((e) => e.state === 'ACQUIRED' && e.items.length === items.length, 20_000);
    await env.kazoo.call('close', { handle: 'kp' });
    ours.subscription.unsubscribe();
  });
});
