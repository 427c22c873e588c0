// GroupMember on a real ZooKeeper: Curator's layout (an ephemeral `<path>/<id>` holding the member's data), a view of
// the group that follows joins, data changes and leaves, and a member made again by itself after its session expires.
// Against Curator's own GroupMember: group-member.interop.integration.spec.ts.
import { InvalidArgumentError, InvalidPathError } from '../../../src';
import { GroupMember, type GroupMembers } from '../../../src/recipes';
import { one, untilNewSession } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { recipeServer } from '../support/recipe-server';

const env = recipeServer();
const { connect } = env;
let n = 0;
const groupPath = () => `/groups/g-${++n}`;
/** A members map as plain `{ id: text }`, for comparisons. */
const text = (members: GroupMembers): Record<string, string> => Object.fromEntries([...members].map(([id, data]) => [id, data.toString()]));

describe('GroupMember', () => {
  it("joins as an ephemeral <path>/<id> holding its data, under a container; members() and members$() see the group", async () => {
    const path = groupPath();
    const [zk1, zk2] = await Promise.all([connect(), connect()]);
    const a = new GroupMember(zk1, path, 'a', 'alpha');
    const b = new GroupMember(zk2, path, 'b', 'beta');
    const view = new Recorder(new GroupMember(env.observer, path, 'observer').members$());
    await view.last((m) => m.size === 0);

    await a.join();
    const node = await one(env.observer.get(`${path}/a`));
    expect(node.data.toString()).toBe('alpha');
    expect(node.stat.ephemeralOwner).toBe(zk1.session!.id);
    await a.join(); // idempotent
    await b.join();
    await view.last((m) => m.size === 2);
    expect(text(await a.members())).toEqual({ a: 'alpha', b: 'beta' });

    // A data change is seen by the view, as Curator's cache sees it.
    await b.setData('beta-2');
    expect((await one(env.observer.get(`${path}/b`))).data.toString()).toBe('beta-2');
    expect(text(await view.last((m) => m.get('b')?.toString() === 'beta-2'))).toEqual({ a: 'alpha', b: 'beta-2' });

    await a.leave();
    expect(text(await view.last((m) => m.size === 1))).toEqual({ b: 'beta-2' });
    expect(await one(env.observer.exists(`${path}/a`))).toBeNull();
    await a.leave(); // idempotent
    await b.leave();
    await view.last((m) => m.size === 0);
    view.subscription.unsubscribe();
  });

  it("members() includes this member while joined, with its own data; the default data is this host's address", async () => {
    const path = groupPath();
    const zk = await connect();
    const me = new GroupMember(zk, path, 'me');
    expect(text(await me.members())).toEqual({});
    await me.join();
    const data = (await one(env.observer.get(`${path}/me`))).data.toString();
    expect(data).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(text(await me.members())).toEqual({ me: data });
    await me.leave();
  });

  it('a joined member is made again by itself after its session expires, and after someone deletes it', async () => {
    const path = groupPath();
    const zk = await connect({ sessionTimeout: 4_000 });
    const member = new GroupMember(zk, path, 'phoenix', 'p');
    await member.join();
    const oldSession = zk.session!.id;
    const node = new Recorder(env.observer.watchData$(`${path}/phoenix`));
    const expiredSession = zk.session?.id;
    await env.server.expireSession(zk);
    const after = (await node.last((v) => v !== null && v.stat.ephemeralOwner !== oldSession, 20_000))!;
    await untilNewSession(zk, expiredSession);
    expect(after.stat.ephemeralOwner).toBe(zk.session!.id);
    expect(after.data.toString()).toBe('p');

    await one(env.observer.delete(`${path}/phoenix`));
    await node.until((vs) => vs.length >= 2 && vs[vs.length - 2] === null && vs[vs.length - 1] !== null, 20_000);
    node.subscription.unsubscribe();
    await member.leave();
    expect(await one(env.observer.exists(`${path}/phoenix`))).toBeNull();
  });

  it('refuses bad arguments before anything is sent', async () => {
    const zk = await connect();
    expect(() => new GroupMember(zk, '/g', '')).toThrow(InvalidArgumentError);
    expect(() => new GroupMember(zk, '/g', 'a/b')).toThrow(InvalidArgumentError);
    expect(() => new GroupMember(zk, '/g', 7 as unknown as string)).toThrow(InvalidArgumentError);
    expect(() => new GroupMember(zk, 'g', 'a')).toThrow(InvalidPathError);
    expect(() => new GroupMember(zk, '/g', 'a', 42 as unknown as string)).toThrow(InvalidArgumentError);
  });
});
