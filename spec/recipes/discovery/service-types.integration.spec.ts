// curator-x-discovery's DYNAMIC_SEQUENTIAL instances and providers' instance filters on a real ZooKeeper: the node
// `<id><seq>` (ephemeral sequential, its JSON the plain id) as Curator's internalRegisterService makes it, one node
// through reconnects, expiries and a lost create reply, removed by unregister() and close(); a filter applied before
// the strategy together with the down-instance policy.
import { InvalidArgumentError, NoNodeError, type ZooKeeperClient } from '../../../src';
import { ServiceDiscovery, type ServiceInstance } from '../../../src/recipes';
import { TcpProxy, waitFor } from '../../../src/testing';
import { one, until } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';
import { loseWriteReply } from '../support/reply-gate';
import { Recorder } from '../../support/recorder';

const env = recipeServer();
const { connect, gated } = env;
let counter = 0;
const basePath = () => `/discovery-types-${++counter}`;
const ids = (list: ServiceInstance[]) => list.map((i) => i.id);
const SEQUENTIAL = (id: string) => new RegExp(`^${id}\\d{10}$`);

/** The node names under a service, read by the observer after a sync ([] once its container parent is reaped). */
async function nodesOf(dir: string): Promise<string[]> {
  try {
    await one(env.observer.sync(dir));
    return (await one(env.observer.getChildren(dir))).sort();
  } catch (err) {
    if (err instanceof NoNodeError) return [];
    throw err;
  }
}
async function ownerOf(path: string): Promise<bigint | undefined> {
  return (await one(env.observer.exists(path)))?.ephemeralOwner;
}

describe('DYNAMIC_SEQUENTIAL', () => {
  it('is an ephemeral sequential node <id><seq> whose JSON keeps the plain id; found by its id; removed by unregister()', async () => {
    const base = basePath();
    const zk = await connect();
    const sd = new ServiceDiscovery(zk, base);
    const { instance, unregister } = await sd.register({ name: 'jobs', id: 'worker', address: '10.0.0.9', port: 7000, serviceType: 'DYNAMIC_SEQUENTIAL' });
    expect(instance).toMatchObject({ id: 'worker', serviceType: 'DYNAMIC_SEQUENTIAL' });
    const [node, ...more] = await nodesOf(`${base}/jobs`);
    expect(more).toEqual([]);
    expect(node).toMatch(SEQUENTIAL('worker'));
    const { data, stat } = await one(env.observer.get(`${base}/jobs/${node}`));
    expect(stat.ephemeralOwner).toBe(zk.session!.id);
    expect(JSON.parse(data.toString())).toMatchObject({ name: 'jobs', id: 'worker', serviceType: 'DYNAMIC_SEQUENTIAL' });
    expect(await sd.instances('jobs')).toEqual([{ ...instance, enabled: true }]);
    // A second one of the same id from another ServiceDiscovery: another sequence number, both listed by their id.
    const other = new ServiceDiscovery(await connect(), base);
    await other.register({ name: 'jobs', id: 'worker', address: '10.0.0.10', serviceType: 'DYNAMIC_SEQUENTIAL' });
    expect((await sd.instances('jobs')).map((i) => [i.id, i.address]).sort()).toEqual([['worker', '10.0.0.10'], ['worker', '10.0.0.9']]);
    await unregister();
    expect(await nodesOf(`${base}/jobs`)).toHaveLength(1);
    expect((await sd.instances('jobs')).map((i) => i.address)).toEqual(['10.0.0.10']);
    await other.close();
    expect(await sd.instances('jobs')).toEqual([]);
  });

  it('is one node through a dropped connection (the same node) and an expiry (a new one, on the new session)', async () => {
    const base = basePath();
    const proxy = await TcpProxy.start(env.server.connectString);
    try {
      const zk = await connect({ hosts: proxy.address, sessionTimeout: 6_000 });
      const sd = new ServiceDiscovery(zk, base);
      await sd.register({ name: 'jobs', id: 'w', address: 'a', serviceType: 'DYNAMIC_SEQUENTIAL' });
      const [first] = await nodesOf(`${base}/jobs`);
      proxy.cut();
      await until(zk, 'SUSPENDED');
      await until(zk, 'CONNECTED');
      await one(zk.sync(`${base}/jobs`));
      expect(await nodesOf(`${base}/jobs`)).toEqual([first]);

      const oldSession = zk.session!.id;
      const sessions = new Recorder(zk.session$);
      await env.server.expireSession(zk);
      await sessions.last((s) => s !== null && s.id !== oldSession, 20_000);
      sessions.subscription.unsubscribe();
      // Made again on the new session: one node, owned by it (the same name when the container parent was reaped
      // meanwhile and made again: sequence numbers start over).
      const dir = `${base}/jobs`;
      await waitFor(async () => {
        const names = await nodesOf(dir);
        return names.length === 1 && (await ownerOf(`${dir}/${names[0]}`)) === zk.session!.id;
      }, { timeout: 20_000, interval: 50, description: 'the registration on the new session' });
      const nodes = await nodesOf(dir);
      expect(nodes).toHaveLength(1);
      expect(nodes[0]).toMatch(SEQUENTIAL('w'));
      expect(ids(await sd.instances('jobs'))).toEqual(['w']);
      await sd.close();
      expect(await nodesOf(`${base}/jobs`)).toEqual([]);
    } finally {
      await proxy.stop();
    }
  }, 60_000);

  it('a create whose reply was lost is found again (this session, this data), not made twice', async () => {
    const base = basePath();
    await one(env.observer.create(`${base}/jobs`, '', { makePath: true }));
    const { zk, gate } = await gated();
    const sd = new ServiceDiscovery(zk, base);
    const { started } = await loseWriteReply(gate, () => sd.register({ name: 'jobs', id: 'w', address: 'a', serviceType: 'DYNAMIC_SEQUENTIAL' }));
    gate.cut();
    const { unregister } = await started;
    const nodes = await nodesOf(`${base}/jobs`);
    expect(nodes).toHaveLength(1);
    expect(await ownerOf(`${base}/jobs/${nodes[0]}`)).toBe(zk.session!.id);
    await unregister();
    expect(await nodesOf(`${base}/jobs`)).toEqual([]);
  }, 60_000);

  it('members of a pool sharing one id are each their own to a provider: one noted down leaves the others handed out', async () => {
    const base = basePath();
    // Two processes of the pool, each its own ServiceDiscovery (one keeps one registration per id, as Curator's).
    const members = [new ServiceDiscovery(await connect(), base), new ServiceDiscovery(await connect(), base)];
    for (const [i, member] of members.entries()) await member.register({ name: 'pool', id: 'member', address: `10.0.0.${i + 1}`, serviceType: 'DYNAMIC_SEQUENTIAL' });
    const sd = new ServiceDiscovery(await connect(), base);
    const provider = sd.provider('pool');
    expect((await provider.instances()).map((i) => i.address)).toEqual(['10.0.0.1', '10.0.0.2']);
    const first = (await provider.instances())[0];
    provider.noteError(first);
    provider.noteError(first);
    expect((await provider.instances()).map((i) => i.address)).toEqual(['10.0.0.2']);
    for (let i = 0; i < 3; i++) expect((await provider.next())?.address).toBe('10.0.0.2');
    await Promise.all([sd, ...members].map((d) => d.close()));
  });

  it('close() removes DYNAMIC, DYNAMIC_SEQUENTIAL and STATIC registrations and keeps PERMANENT ones', async () => {
    const base = basePath();
    const sd = new ServiceDiscovery(await connect(), base);
    for (const serviceType of ['DYNAMIC', 'DYNAMIC_SEQUENTIAL', 'STATIC', 'PERMANENT'] as const) await sd.register({ name: 'svc', id: serviceType.toLowerCase(), address: 'a', serviceType });
    expect((await sd.instances('svc')).map((i) => i.serviceType).sort()).toEqual(['DYNAMIC', 'DYNAMIC_SEQUENTIAL', 'PERMANENT', 'STATIC']);
    await sd.close();
    expect(await nodesOf(`${base}/svc`)).toEqual(['permanent']);
  });
});

describe('a provider filter', () => {
  it('leaves out what it refuses, before the strategy and with the down-instance policy; what it throws rejects the call', async () => {
    const base = basePath();
    const zk: ZooKeeperClient = await connect();
    const sd = new ServiceDiscovery(zk, base);
    for (const [id, zone] of [['a', 'eu'], ['b', 'us'], ['c', 'eu'], ['d', 'eu']]) {
      await sd.register({ name: 'svc', id, address: `host-${id}`, payload: { zone }, enabled: id !== 'd' });
    }
    const eu = sd.provider('svc', { filter: (i) => (i.payload as { zone: string }).zone === 'eu' });
    expect(ids(await eu.instances())).toEqual(['a', 'c']);
    const picks: string[] = [];
    for (let i = 0; i < 4; i++) picks.push((await eu.next())!.id);
    expect(picks).toEqual(['a', 'c', 'a', 'c']);
    const a = (await sd.instances('svc'))[0];
    eu.noteError(a);
    eu.noteError(a);
    for (let i = 0; i < 3; i++) expect((await eu.next())!.id).toBe('c');
    // A change of the list reaches the filter: a new eu instance is handed out, a us one never.
    const seen = new Recorder(sd.instances$('svc'));
    await sd.register({ name: 'svc', id: 'e', address: 'host-e', payload: { zone: 'eu' } });
    await sd.register({ name: 'svc', id: 'f', address: 'host-f', payload: { zone: 'us' } });
    await seen.last((list) => list.length === 6);
    seen.subscription.unsubscribe();
    expect(ids(await eu.instances())).toEqual(['c', 'e']);
    const none = sd.provider('svc', { filter: () => false });
    expect(await none.next()).toBeNull();
    const boom = new Error('filter bug');
    const throwing = sd.provider('svc', { filter: () => { throw boom; } });
    await expect(throwing.next()).rejects.toBe(boom);
    expect(() => sd.provider('svc', { filter: 'eu' as never })).toThrow(InvalidArgumentError);
    expect(() => sd.provider('svc', { filters: () => true } as never)).toThrow(/did you mean 'filter'/);
    await sd.close();
  });
});
