// Party on a real ZooKeeper: kazoo's Party (`<uuid>__party__`, identifier as data) and ShallowParty
// (`<uuid>-<identifier>`) layouts, members$ for anyone, and a joined member that comes back by itself after an expiry
// (kazoo's Party never does: party.py has no connection listener, linkedin/iris PR#244; RECIPES.md scenario 12).
import type { ZooKeeperClient } from '../../../src';
import { InvalidArgumentError } from '../../../src';
import { Party } from '../../../src/recipes';
import { observeFor, one, until, untilNewSession } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';
import { Recorder } from '../../support/recorder';
import { nodesOf } from '../leader/support';

const env = recipeServer();
const { connect } = env;
let counter = 0;
const partyPath = () => `/parties/p-${++counter}`;
const same = (expected: string[]) => (ids: string[]) => ids.length === expected.length && ids.every((id, i) => id === expected[i]);


describe('Party', () => {
  it("writes kazoo's Party layout: an ephemeral <uuid hex>__party__ holding the identifier; leave removes it", async () => {
    const path = partyPath();
    const zk = await connect();
    const a = new Party(zk, path, { identifier: 'worker-a' });
    const b = new Party(await connect(), path, { identifier: 'worker-b' });
    await a.join();
    await a.join(); // idempotent
    await b.join();
    const names = await nodesOf(env.observer, path);
    expect(names).toHaveLength(2);
    for (const n of names) expect(n).toMatch(/^[0-9a-f]{32}__party__$/);
    const node = await one(env.observer.get(a.node));
    expect(node.data.toString()).toBe('worker-a');
    expect(node.stat.ephemeralOwner).toBe(zk.session!.id);
    expect(await a.members()).toEqual(['worker-a', 'worker-b']);

    await a.leave();
    await a.leave();
    expect(await b.members()).toEqual(['worker-b']);
    expect(await one(env.observer.exists(a.node))).toBeNull();
  });

  it("writes kazoo's ShallowParty layout <uuid hex>-<identifier> and refuses an identifier that cannot be a name", async () => {
    const path = partyPath();
    const s = new Party(await connect(), path, { identifier: 'host-1:42', shallow: true });
    await s.join();
    expect(await nodesOf(env.observer, path)).toEqual([expect.stringMatching(/^[0-9a-f]{32}-host-1:42$/)]);
    expect(await new Party(env.observer, path, { shallow: true }).members()).toEqual(['host-1:42']);
    expect(() => new Party(env.observer, path, { identifier: 'a/b', shallow: true })).toThrow(InvalidArgumentError);
    expect(() => new Party(env.observer, path, { identifier: '', shallow: true })).toThrow(InvalidArgumentError);
    expect(() => new Party(env.observer, path, { identifier: 7 as unknown as string })).toThrow(InvalidArgumentError);
    expect(() => new Party(null as unknown as ZooKeeperClient, path)).toThrow(InvalidArgumentError);
    await s.leave();
    expect(await s.members()).toEqual([]);
  });

  it('members$ is for anyone: the members now, then each join and leave', async () => {
    const path = partyPath();
    const watcher = new Recorder(new Party(env.observer, path).members$());
    await watcher.until((vs) => vs.length > 0 && same([])(vs[vs.length - 1]!));
    const a = new Party(await connect(), path, { identifier: 'a' });
    const c = new Party(await connect(), path, { identifier: 'c' });
    await a.join();
    await c.join();
    await watcher.last(same(['a', 'c']));
    await a.leave();
    await watcher.last(same(['c']));
    watcher.subscription.unsubscribe();
  });

  it("a joined member is back by itself after its session expires (kazoo's Party is not)", async () => {
    const path = partyPath();
    const zk = await connect({ sessionTimeout: 4_000 });
    const member = new Party(zk, path, { identifier: 'phoenix' });
    await member.join();
    const before = await one(env.observer.get(member.node));
    const watcher = new Recorder(new Party(env.observer, path).members$());
    await watcher.last(same(['phoenix']));

    const oldSession = zk.session!.id;
    const node = new Recorder(env.observer.watchData$(member.node));
    const expiredSession = zk.session?.id;
    await env.server.expireSession(zk);
    // The node of the new session: the old one went with the expiry, and nobody but the Party made this one.
    const after = (await node.last((v) => v !== null && v.stat.ephemeralOwner !== oldSession, 20_000))!;
    node.subscription.unsubscribe();
    await untilNewSession(zk, expiredSession);
    await watcher.last(same(['phoenix']));
    expect(after.stat.ephemeralOwner).toBe(zk.session!.id);
    expect(after.stat.ephemeralOwner).not.toBe(oldSession);
    expect(after.stat.czxid).toBeGreaterThan(before.stat.czxid);
    watcher.subscription.unsubscribe();

    // Leaving ends it: no re-creation afterwards.
    await member.leave();
    expect(await member.members()).toEqual([]);
  });

  it('a member deleted by someone else is made again; after leave it stays gone', async () => {
    const path = partyPath();
    const member = new Party(await connect(), path, { identifier: 'stubborn', shallow: true });
    await member.join();
    const watcher = new Recorder(member.members$());
    await watcher.last(same(['stubborn']));
    const node = new Recorder(env.observer.watchData$(member.node));
    const first = (await node.last((v) => v !== null))!;
    await one(env.observer.delete(member.node));
    await node.last((v) => v !== null && v.stat.czxid > first.stat.czxid, 20_000);
    node.subscription.unsubscribe();
    await watcher.last(same(['stubborn']));
    await member.leave();
    await watcher.last(same([]));
    await observeFor(500);
    expect(watcher.values[watcher.values.length - 1]).toEqual([]);
    expect(await one(env.observer.exists(member.node))).toBeNull();
    watcher.subscription.unsubscribe();
  });

  it('a dropped connection keeps the member: the same node on the same session once reconnected', async () => {
    const path = partyPath();
    const proxy = await env.proxy();
    const zk = await connect({ hosts: proxy.address, sessionTimeout: 10_000 });
    const member = new Party(zk, path, { identifier: 'steady' });
    await member.join();
    const before = await one(env.observer.get(member.node));
    proxy.cut();
    await until(zk, 'SUSPENDED');
    await until(zk, 'CONNECTED');
    await one(zk.sync(path));
    const after = await one(zk.get(member.node));
    expect(after.stat.czxid).toBe(before.stat.czxid);
    expect(await member.members()).toEqual(['steady']);
    await member.leave();
  });

  it("works at the root of a chrooted client: members are read at /<name>, never //<name> (issue 19: bare joins)", async () => {
    const chroot = `/parties/root-${++counter}`;
    await one(env.observer.create(chroot, null, { makePath: true }));
    const zk = await connect({ chroot });
    for (const shallow of [false, true]) {
      const party = new Party(zk, '/', { identifier: `member-${String(shallow)}`, shallow });
      await party.join();
      expect(await party.members()).toContain(`member-${String(shallow)}`);
      await party.leave();
    }
  });
});
