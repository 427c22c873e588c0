// GroupMember against a real Curator 5.4 GroupMember on the same membership path: each sees the other's members and
// their data, data changes and departures, both ways.
import { GroupMember, type GroupMembers } from '../../../src/recipes';
import { waitFor } from '../../../src/testing';
import { one } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { interopServer } from '../support/interop-server';

const env = interopServer({ curator: true });

const text = (members: GroupMembers): Record<string, string> => Object.fromEntries([...members].map(([id, data]) => [id, data.toString()]));
const same = (want: Record<string, string>) => (m: GroupMembers) => JSON.stringify(text(m)) === JSON.stringify(want);
/** Curator's view (its cache) once it equals `want`. */
const curatorSees = (handle: string, want: Record<string, string>) =>
  waitFor(async () => JSON.stringify(await env.curator.call('groupMember.members', { handle })) === JSON.stringify(want), {
    timeout: 10_000,
    interval: 20,
    description: `Curator's GroupMember sees ${JSON.stringify(want)}`,
  });

describe('GroupMember with Curator GroupMember', () => {
  it("each sees the other's members, data changes and departures", async () => {
    const path = '/interop/groups/workers';
    const mine = new GroupMember(env.zk, path, 'node-1', 'from node');
    const view = new Recorder(mine.members$());
    await env.curator.call('groupMember.create', { handle: 'g', path, id: 'java-1', data: 'from java' });
    expect(text(await view.last(same({ 'java-1': 'from java' })))).toEqual({ 'java-1': 'from java' });
    // Curator's member node: the layout rxzk writes too.
    const javaNode = await one(env.zk.get(`${path}/java-1`));
    expect(javaNode.stat.ephemeralOwner).not.toBe(0n);

    await mine.join();
    await view.last(same({ 'java-1': 'from java', 'node-1': 'from node' }));
    await curatorSees('g', { 'java-1': 'from java', 'node-1': 'from node' });
    expect(text(await mine.members())).toEqual({ 'java-1': 'from java', 'node-1': 'from node' });

    await env.curator.call('groupMember.setData', { handle: 'g', data: 'java v2' });
    await view.last(same({ 'java-1': 'java v2', 'node-1': 'from node' }));
    await mine.setData('node v2');
    await curatorSees('g', { 'java-1': 'java v2', 'node-1': 'node v2' });

    await mine.leave();
    await curatorSees('g', { 'java-1': 'java v2' });
    await view.last(same({ 'java-1': 'java v2' }));
    await env.curator.call('close', { handle: 'g' });
    await view.last(same({}));
    view.subscription.unsubscribe();
  });

  it("an rxzk member whose session expired is back by itself, and Curator's view has it again", async () => {
    const path = '/interop/groups/phoenix';
    const zk2 = await env.connect({ sessionTimeout: 4_000 });
    const member = new GroupMember(zk2, path, 'node-2', 'n2');
    await member.join();
    await env.curator.call('groupMember.create', { handle: 'g2', path, id: 'java-2', data: 'j2' });
    await curatorSees('g2', { 'java-2': 'j2', 'node-2': 'n2' });
    const before = (await one(env.zk.exists(`${path}/node-2`)))!;
    await env.server.expireSession(zk2);
    // Made again on the new session (a new czxid), with its data: Curator's cache sees it.
    await waitFor(async () => {
      const stat = await one(env.zk.exists(`${path}/node-2`));
      return stat !== null && stat.czxid > before.czxid;
    }, { timeout: 20_000, interval: 50, description: 'the member made again' });
    await curatorSees('g2', { 'java-2': 'j2', 'node-2': 'n2' });
    await member.leave();
    await curatorSees('g2', { 'java-2': 'j2' });
    await env.curator.call('close', { handle: 'g2' });
  });
});
