// ServiceDiscovery on a real ZooKeeper: curator-x-discovery's layout (`<base>/<name>/<id>`, container parents),
// DYNAMIC registrations back by themselves after an expiry (Curator re-registers on CONNECTED/RECONNECTED),
// STATIC and PERMANENT ones persistent, instances$ as Curator's ServiceCache, providers with Curator's strategies
// and DownInstancePolicy.
import { InvalidArgumentError, InvalidPathError, NoNodeError, type ZooKeeperClient } from '../../../src';
import { LockTimeoutError, ServiceDiscovery, serviceUri, type ServiceInstance } from '../../../src/recipes';
import { TcpProxy, waitFor } from '../../../src/testing';
import { observeFor, one, rejectionOf, until } from '../../support/fixtures';
import { recipeServer } from '../support/recipe-server';
import { Recorder } from '../../support/recorder';

const env = recipeServer();
const { client, connect } = env;
let counter = 0;
const basePath = () => `/discovery-${++counter}`;
const ids = (list: ServiceInstance[]) => list.map((i) => i.id);

describe('ServiceDiscovery', () => {
  it("registers Curator's JSON at <base>/<name>/<id> (ephemeral) and finds it by names() and instances()", async () => {
    const base = basePath();
    const zk = await connect();
    const sd = new ServiceDiscovery(zk, base);
    const { instance } = await sd.register({ name: 'billing', id: 'b-1', address: '10.0.0.5', port: 8080, payload: { zone: 'eu-1' }, uriSpec: '{scheme}://{address}:{port}/v1' });
    const { data, stat } = await one(env.observer.get(`${base}/billing/b-1`));
    expect(stat.ephemeralOwner).toBe(zk.session!.id);
    const json = JSON.parse(data.toString());
    expect(Object.keys(json)).toEqual(['name', 'id', 'address', 'port', 'sslPort', 'payload', 'registrationTimeUTC', 'serviceType', 'uriSpec']);
    expect(json).toEqual({
      name: 'billing', id: 'b-1', address: '10.0.0.5', port: 8080, sslPort: null, payload: { zone: 'eu-1' },
      registrationTimeUTC: instance.registrationTimeUTC, serviceType: 'DYNAMIC',
      uriSpec: { parts: [{ value: 'scheme', variable: true }, { value: '://', variable: false }, { value: 'address', variable: true },
        { value: ':', variable: false }, { value: 'port', variable: true }, { value: '/v1', variable: false }] },
    });
    expect(await sd.names()).toEqual(['billing']);
    expect(await sd.instances('billing')).toEqual([{ ...instance, enabled: true }]);
    expect(serviceUri(instance)).toBe('http://10.0.0.5:8080/v1');
    expect(await sd.instances('nobody')).toEqual([]);
    expect(await new ServiceDiscovery(env.observer, `${base}-none`).names()).toEqual([]);
    // A default id is a UUID, as Curator's builder's.
    const other = await sd.register({ name: 'billing', address: '10.0.0.6' });
    expect(other.instance.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await sd.close();
    expect(await sd.instances('billing')).toEqual([]);
  });

  it('re-registers a DYNAMIC instance by itself after an expiry, on the new session, with the same data', async () => {
    const base = basePath();
    const zk = await connect({ sessionTimeout: 6_000 });
    const sd = new ServiceDiscovery(zk, base);
    await sd.register({ name: 'orders', id: 'o-1', address: '10.0.0.7', port: 9000 });
    const before = await one(env.observer.get(`${base}/orders/o-1`));
    const oldSession = zk.session!.id;
    const seen = new Recorder(new ServiceDiscovery(env.observer, base).instances$('orders'));
    await seen.last((list) => list.length === 1);
    const node = new Recorder(env.observer.watchData$(`${base}/orders/o-1`));
    const sessions = new Recorder(zk.session$);
    await env.server.expireSession(zk);
    // The client learns of the expiry when it reconnects: wait for its new session.
    await sessions.last((session) => session !== null && session.id !== oldSession, 20_000);
    sessions.subscription.unsubscribe();
    // The node again, owned by the new session (the one of the old session went with it).
    const after = (await node.last((n) => n !== null && n.stat.ephemeralOwner === zk.session!.id, 20_000))!;
    expect(after.data.equals(before.data)).toBe(true);
    expect(after.stat.czxid).not.toBe(before.stat.czxid);
    expect(ids(await seen.last((list) => list.length === 1))).toEqual(['o-1']);
    node.subscription.unsubscribe();
    seen.subscription.unsubscribe();
    await sd.close();
  });

  it('keeps the same node through a dropped connection on the same session (no churn), and removes it on unregister', async () => {
    const base = basePath();
    const proxy = await TcpProxy.start(env.server.connectString);
    try {
      const zk = await connect({ hosts: proxy.address, sessionTimeout: 10_000 });
      const sd = new ServiceDiscovery(zk, base);
      const { unregister } = await sd.register({ name: 'orders', id: 'o-1', address: '10.0.0.7' });
      const before = await one(env.observer.exists(`${base}/orders/o-1`));
      const session = zk.session!.id;
      proxy.cut();
      await until(zk, 'SUSPENDED');
      await until(zk, 'CONNECTED');
      expect(zk.session!.id).toBe(session);
      // Fence: one round trip on the registration's client, after its reconnect check.
      await one(zk.sync(`${base}/orders`));
      const after = await one(env.observer.exists(`${base}/orders/o-1`));
      expect(after!.czxid).toBe(before!.czxid);
      await unregister();
      await unregister();
      expect(await one(env.observer.exists(`${base}/orders/o-1`))).toBeNull();
    } finally {
      await proxy.stop();
    }
  });

  it('STATIC is persistent and removed by close(); PERMANENT stays after close() and goes by unregister()', async () => {
    const base = basePath();
    const zk = await connect();
    const sd = new ServiceDiscovery(zk, base);
    await sd.register({ name: 'static', id: 's', address: 'a', serviceType: 'STATIC' });
    const permanent = await sd.register({ name: 'permanent', id: 'p', address: 'a', serviceType: 'PERMANENT' });
    expect((await one(env.observer.exists(`${base}/static/s`)))!.ephemeralOwner).toBe(0n);
    expect((await one(env.observer.exists(`${base}/permanent/p`)))!.ephemeralOwner).toBe(0n);
    await sd.close();
    expect(await one(env.observer.exists(`${base}/static/s`))).toBeNull();
    expect((await new ServiceDiscovery(env.observer, base).instances('permanent'))[0]).toMatchObject({ id: 'p', serviceType: 'PERMANENT' });
    await permanent.unregister();
    expect(await one(env.observer.exists(`${base}/permanent/p`))).toBeNull();
  });

  it('replaces a node left at its path by another session, as Curator does', async () => {
    const base = basePath();
    const squatter = await connect();
    await one(squatter.create(`${base}/orders/o-1`, '{"name":"orders","id":"o-1"}', { ephemeral: true, makePath: true }));
    const zk = await connect();
    await new ServiceDiscovery(zk, base).register({ name: 'orders', id: 'o-1', address: 'mine' });
    const { data, stat } = await one(env.observer.get(`${base}/orders/o-1`));
    expect(stat.ephemeralOwner).toBe(zk.session!.id);
    expect(JSON.parse(data.toString()).address).toBe('mine');
  });

  it('instances$ emits the current list first ([] when none), then each change, and releases its watches on unsubscribe', async () => {
    const base = basePath();
    const zk = await connect();
    const sd = new ServiceDiscovery(zk, base);
    const seen = new Recorder(new ServiceDiscovery(env.observer, base).instances$('api'));
    await seen.until((vs) => vs.length === 1);
    expect(seen.values).toEqual([[]]);
    const a = await sd.register({ name: 'api', id: 'a', address: 'host-a' });
    await seen.last((list) => ids(list).join() === 'a');
    const b = await sd.register({ name: 'api', id: 'b', address: 'host-b' });
    await seen.last((list) => ids(list).join() === 'a,b');
    // A change of an instance's data (Curator's updateService) is a change of the list.
    const json = JSON.parse((await one(env.observer.get(`${base}/api/b`))).data.toString());
    await one(env.observer.set(`${base}/api/b`, JSON.stringify({ ...json, enabled: false })));
    const changed = await seen.last((list) => list.length === 2 && list[1].enabled === false);
    expect(changed[1]).toMatchObject({ id: 'b', address: 'host-b', enabled: false });
    await a.unregister();
    await seen.last((list) => ids(list).join() === 'b');
    await b.unregister();
    await seen.last((list) => list.length === 0);
    // Never the same list twice in a row.
    const keys = seen.values.map((l) => JSON.stringify(l));
    expect(keys.filter((k, i) => i > 0 && k === keys[i - 1])).toEqual([]);
    seen.subscription.unsubscribe();
    // The watches go with the last subscriber (removeWatches, answered on the server in the session's order).
    await waitFor(async () => !(await one(env.observer.command('wchp'))).includes(`${base}/api`), { timeout: 10_000, description: 'no watch left' });
  });

  it('a provider hands out round-robin, random or sticky; skips disabled instances; a sticky one moves when its instance goes', async () => {
    const base = basePath();
    const zk = await connect();
    const sd = new ServiceDiscovery(zk, base);
    const registered = await Promise.all(['a', 'b', 'c'].map((id) => sd.register({ name: 'svc', id, address: `host-${id}` })));
    await sd.register({ name: 'svc', id: 'd', address: 'host-d', enabled: false });
    const rr = sd.provider('svc');
    const picks: string[] = [];
    for (let i = 0; i < 6; i++) picks.push((await rr.next())!.id);
    expect(picks).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(ids(await rr.instances())).toEqual(['a', 'b', 'c']);

    const random = sd.provider('svc', { strategy: 'random' });
    const randomPicks = new Set<string>();
    for (let i = 0; i < 60; i++) randomPicks.add((await random.next())!.id);
    expect([...randomPicks].sort()).toEqual(['a', 'b', 'c']);

    const sticky = sd.provider('svc', { strategy: 'sticky' });
    const first = (await sticky.next())!.id;
    for (let i = 0; i < 5; i++) expect((await sticky.next())!.id).toBe(first);
    const seen = new Recorder(sd.instances$('svc'));
    await registered.find((r) => r.instance.id === first)!.unregister();
    await seen.last((list) => !ids(list).includes(first));
    await waitFor(async () => (await sticky.next())!.id !== first, { description: 'the sticky provider to see its instance gone' });
    const second = (await sticky.next())!.id;
    expect(['a', 'b', 'c']).toContain(second);
    for (let i = 0; i < 5; i++) expect((await sticky.next())!.id).toBe(second);
    seen.subscription.unsubscribe();

    const none = sd.provider('nobody');
    expect(await none.next()).toBeNull();
    for (const p of [rr, random, sticky, none]) p.close();
    await sd.close();
  });

  it('noteError: an instance noted twice within the window is skipped for the policy timeout, then handed out again', async () => {
    const base = basePath();
    const zk = await connect();
    const sd = new ServiceDiscovery(zk, base);
    await sd.register({ name: 'svc', id: 'a', address: 'host-a' });
    await sd.register({ name: 'svc', id: 'b', address: 'host-b' });
    // Curator's defaults: noted twice is down (for 30 s).
    const defaults = sd.provider('svc');
    const a = (await defaults.next())!;
    expect(a.id).toBe('a');
    defaults.noteError(a);
    expect(ids(await defaults.instances())).toEqual(['a', 'b']);
    defaults.noteError(a);
    expect(ids(await defaults.instances())).toEqual(['b']);
    for (let i = 0; i < 4; i++) expect((await defaults.next())!.id).toBe('b');

    const timeoutMs = 1_500;
    const short = sd.provider('svc', { downInstancePolicy: { timeoutMs } });
    const noted = Date.now();
    short.noteError(a);
    short.noteError(a);
    expect(ids(await short.instances())).toEqual(['b']);
    await waitFor(async () => ids(await short.instances()).includes('a'), { timeout: 10_000, interval: 50, description: 'a back' });
    expect(Date.now() - noted).toBeGreaterThanOrEqual(timeoutMs);
    await sd.close();
  });

  it('refuses bad arguments before anything is sent (the client is not even started)', async () => {
    const zk = client();
    expect(() => new ServiceDiscovery(zk, 'no-slash')).toThrow(InvalidPathError);
    expect(() => new ServiceDiscovery({} as ZooKeeperClient, '/d')).toThrow(InvalidArgumentError);
    const sd = new ServiceDiscovery(zk, '/d');
    const bad: unknown[] = [
      undefined, { address: 'a' }, { name: '', address: 'a' }, { name: 's' }, { name: 's', address: 'a', port: 70_000 },
      { name: 's', address: 'a', port: 1.5 }, { name: 's', address: 'a', serviceType: 'dynamic' },
      { name: 's', address: 'a', uriSpec: '{scheme' }, { name: 's', address: 'a', uriSpec: 'a}' }, { name: 's', address: 'a', payload: 1n },
      { name: 's', address: 'a', enabled: 'no' },
    ];
    for (const r of bad) await expect(sd.register(r as never)).rejects.toThrow(InvalidArgumentError);
    await expect(sd.register({ name: 'a/b', address: 'a' })).rejects.toThrow(InvalidPathError);
    await expect(sd.register({ name: 's', id: 'x/y', address: 'a' })).rejects.toThrow(InvalidPathError);
    await expect(sd.register({ name: 's', address: 'a' }, { timeout: -1 })).rejects.toThrow(InvalidArgumentError);
    expect(() => sd.instances$('')).toThrow(InvalidArgumentError);
    expect(() => sd.provider('s', { strategy: 'fastest' as never })).toThrow(InvalidArgumentError);
    expect(() => sd.provider('s', { downInstancePolicy: { errorThreshold: 0 } })).toThrow(InvalidArgumentError);
    expect(() => sd.provider('s').noteError(null as never)).toThrow(InvalidArgumentError);
  });

  it('a register that cannot reach the server gives up at its timeout and leaves no node behind; without one it waits for the server', async () => {
    const base = basePath();
    const proxy = await TcpProxy.start(env.server.connectString);
    try {
      const zk = await connect({ hosts: proxy.address, sessionTimeout: 10_000 });
      const sd = new ServiceDiscovery(zk, base);
      proxy.refuse();
      await until(zk, 'SUSPENDED');
      const err = await rejectionOf(sd.register({ name: 'svc', id: 'late', address: 'a' }, { timeout: 300 }));
      expect(err).toBeInstanceOf(LockTimeoutError);
      // Without a bound, a register made while cut off goes on, and completes once the client is back.
      const patient = sd.register({ name: 'svc', id: 'patient', address: 'b' });
      proxy.accept();
      const { instance } = await patient;
      expect((await one(env.observer.exists(`${base}/svc/${instance.id}`)))!.ephemeralOwner).toBe(zk.session!.id);
      await until(zk, 'CONNECTED');
      // The abandoned registration's check: once the client is back, nothing is there, and nothing comes.
      await one(zk.sync('/'));
      await expect(one(env.observer.get(`${base}/svc/late`))).rejects.toThrow(NoNodeError);
      await observeFor(500);
      await expect(one(env.observer.get(`${base}/svc/late`))).rejects.toThrow(NoNodeError);
      // The same name and id can be registered again.
      await sd.register({ name: 'svc', id: 'late', address: 'a' });
      await expect(sd.register({ name: 'svc', id: 'late', address: 'a' })).rejects.toThrow(InvalidArgumentError);
      await sd.close();
    } finally {
      await proxy.stop();
    }
  });

  it('timeout: 0 is one try, as for every wait: register and a first provider.next() on a connected client answer, never time out', async () => {
    // Issue 19 (REVIEW §4.4): discovery armed a 0 ms timer, so register(x, { timeout: 0 }) could only time out.
    const base = basePath();
    const zk = await connect();
    const sd = new ServiceDiscovery(zk, base);
    const { instance } = await sd.register({ name: 'svc', id: 'once', address: 'a' }, { timeout: 0 });
    expect((await one(env.observer.exists(`${base}/svc/${instance.id}`)))!.ephemeralOwner).toBe(zk.session!.id);
    const provider = sd.provider('svc');
    expect((await provider.next({ timeout: 0 }))?.id).toBe('once');
    provider.close();
    await sd.close();
  });
});
