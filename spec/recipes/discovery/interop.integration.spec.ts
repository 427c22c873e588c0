// ServiceDiscovery against the real curator-x-discovery 5.4 (spec/support/interop/CuratorPeer.java: a
// ServiceDiscovery<Object> with Curator's default JsonInstanceSerializer): a Java registration found by rxzk,
// an rxzk registration found by Curator's queryForInstances, unregistration seen both ways, which payloads
// Curator's serializer reads from a non-Java writer; DYNAMIC_SEQUENTIAL and PERMANENT instances both ways, and a
// provider's filter (Curator's InstanceFilter, CuratorCachePeer.java) leaving out the same instances on both sides.
import { ServiceDiscovery, serviceUri, type ServiceInstance } from '../../../src/recipes';
import { waitFor } from '../../../src/testing';
import { one } from '../../support/fixtures';
import { PeerCallError, type CuratorInstance } from '../../support/interop/peers';
import { Recorder } from '../../support/recorder';
import { interopServer } from '../support/interop-server';

const env = interopServer({ curator: true });
let counter = 0;
/** A base path with a Curator ServiceDiscovery (handle = the path) started on it. */
async function bothOn(opts: { compatible?: boolean } = {}): Promise<{ base: string; sd: ServiceDiscovery }> {
  const base = `/interop-discovery-${++counter}`;
  await env.curator.call('discovery.create', { handle: base, basePath: base, ...opts });
  return { base, sd: new ServiceDiscovery(env.zk, base) };
}

describe('ServiceDiscovery with Curator', () => {
  it("finds a Java service registered with Curator, fields as Curator wrote them, and sees Curator's unregister", async () => {
    const { base, sd } = await bothOn();
    const seen = new Recorder(sd.instances$('orders'));
    await seen.until((vs) => vs.length === 1);
    const java = await env.curator.call('discovery.register', {
      handle: base, name: 'orders', id: 'java-1', address: '10.0.0.7', port: 8080, sslPort: 8443,
      payload: { zone: 'eu-1', weight: 3 }, uriSpec: '{scheme}://{address}:{ssl-port}/api',
    });
    const [found] = await seen.last((list) => list.length === 1);
    const expected: ServiceInstance = {
      name: 'orders', id: 'java-1', address: '10.0.0.7', port: 8080, sslPort: 8443,
      payload: { '@class': 'java.util.LinkedHashMap', zone: 'eu-1', weight: 3 },
      registrationTimeUTC: java.registrationTimeUTC, serviceType: 'DYNAMIC',
      uriSpec: { parts: [{ value: 'scheme', variable: true }, { value: '://', variable: false }, { value: 'address', variable: true },
        { value: ':', variable: false }, { value: 'ssl-port', variable: true }, { value: '/api', variable: false }] },
      enabled: true,
    };
    expect(found).toEqual(expected);
    expect(await sd.instances('orders')).toEqual([expected]);
    expect(await sd.names()).toEqual(['orders']);
    // The URI Curator's buildUriSpec makes (https: there is an sslPort).
    expect(serviceUri(found)).toBe('https://10.0.0.7:8443/api');
    const provider = sd.provider('orders');
    expect((await provider.next())?.id).toBe('java-1');

    expect(await env.curator.call('discovery.unregister', { handle: base, name: 'orders', id: 'java-1' })).toBe(true);
    await seen.last((list) => list.length === 0);
    expect(await provider.next()).toBeNull();
    provider.close();
    seen.subscription.unsubscribe();
  });

  it("an rxzk registration is found by Curator's queryForInstances (payload, uriSpec, ports), and its unregister seen there", async () => {
    const { base, sd } = await bothOn();
    const { instance, unregister } = await sd.register({
      name: 'billing', id: 'node-1', address: '10.0.0.9', port: 9000, payload: { zone: 'us-2', tags: ['a', 'b'], nested: { n: 1 } },
      uriSpec: '{scheme}://{address}:{port}/v1/{name}',
    });
    const fromJava = await env.curator.call('discovery.query', { handle: base, name: 'billing' });
    expect(fromJava).toEqual([{
      name: 'billing', id: 'node-1', address: '10.0.0.9', port: 9000, sslPort: null,
      payload: { zone: 'us-2', tags: ['a', 'b'], nested: { n: 1 } }, payloadClass: 'java.util.LinkedHashMap',
      registrationTimeUTC: instance.registrationTimeUTC, serviceType: 'DYNAMIC', enabled: true,
      uri: 'http://10.0.0.9:9000/v1/billing',
    }]);
    expect(serviceUri(instance)).toBe(fromJava[0].uri);
    expect(await env.curator.call('discovery.names', { handle: base })).toEqual(['billing']);

    // The bytes are the ones Curator writes: the same fields in the same order.
    const java = await env.curator.call('discovery.register', { handle: base, name: 'billing', id: 'java-2', address: 'x', uriSpec: '{scheme}' });
    const keysOf = async (id: string) => Object.keys(JSON.parse((await one(env.zk.get(`${base}/billing/${id}`))).data.toString()));
    expect(await keysOf('node-1')).toEqual(await keysOf('java-2'));
    expect(java.id).toBe('java-2');

    await unregister();
    expect((await env.curator.call('discovery.query', { handle: base, name: 'billing' })).map((i) => i.id)).toEqual(['java-2']);
    await env.curator.call('discovery.unregister', { handle: base, name: 'billing', id: 'java-2' });
  });

  it('STATIC and PERMANENT registrations, and a disabled one, read the same on both sides', async () => {
    const { base, sd } = await bothOn();
    await sd.register({ name: 'svc', id: 'static', address: 'a', serviceType: 'STATIC' });
    await sd.register({ name: 'svc', id: 'permanent', address: 'b', serviceType: 'PERMANENT' });
    await sd.register({ name: 'svc', id: 'off', address: 'c', enabled: false });
    const fromJava = await env.curator.call('discovery.query', { handle: base, name: 'svc' });
    expect(fromJava.map((i) => [i.id, i.serviceType, i.enabled]).sort()).toEqual([
      ['off', 'DYNAMIC', false], ['permanent', 'PERMANENT', true], ['static', 'STATIC', true]]);
    // Curator's serializer outside its compatible mode writes "enabled": false; rxzk's providers skip it.
    const strict = await bothOn({ compatible: false });
    await env.curator.call('discovery.register', { handle: strict.base, name: 'svc', id: 'java-off', address: 'j', enabled: false });
    await env.curator.call('discovery.register', { handle: strict.base, name: 'svc', id: 'java-on', address: 'k' });
    expect((await strict.sd.instances('svc')).map((i) => [i.id, i.enabled])).toEqual([['java-off', false], ['java-on', true]]);
    const provider = strict.sd.provider('svc');
    expect((await provider.instances()).map((i) => i.id)).toEqual(['java-on']);
    provider.close();
    await sd.close();
    expect((await env.curator.call('discovery.query', { handle: base, name: 'svc' })).map((i) => i.id)).toEqual(['permanent']);
  });

  // What Curator's default serializer accepts from a non-Java writer: Jackson's @JsonTypeInfo(use = CLASS,
  // defaultImpl = Object.class) on ServiceInstance.getPayload reads objects (with or without "@class") and the
  // natural scalars as they are, but a top-level JSON array as [typeId, value].
  it('payloads: every JSON value rxzk registers is read by Curator as the same value; Curator\'s lists and longs read back as values', async () => {
    const { base, sd } = await bothOn();
    const payloads: [string, unknown, string | null][] = [
      ['object', { a: 1, list: [1, 2] }, 'java.util.LinkedHashMap'],
      ['classed', { '@class': 'java.util.LinkedHashMap', a: 1 }, 'java.util.LinkedHashMap'],
      ['list', [1, 'two', { three: 3 }], 'java.util.ArrayList'],
      ['string', 'hello', 'java.lang.String'],
      ['int', 42, 'java.lang.Integer'],
      ['long', 12_345_678_901, 'java.lang.Long'],
      ['double', 1.5, 'java.lang.Double'],
      ['boolean', false, 'java.lang.Boolean'],
      ['null', null, null],
    ];
    for (const [name, payload] of payloads) await sd.register({ name, id: 'i', address: 'a', payload });
    for (const [name, payload, javaClass] of payloads) {
      const [read] = await env.curator.call('discovery.query', { handle: base, name });
      const { '@class': _ignored, ...plain } = (typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload : {}) as Record<string, unknown>;
      expect([name, read.payload, read.payloadClass]).toEqual([name, Array.isArray(payload) || typeof payload !== 'object' || payload === null ? payload : plain, javaClass]);
      expect((await sd.instances(name))[0].payload).toEqual(payload);
    }
    // Why a list is wrapped: a bare top-level array is one Curator cannot read (it takes it for [typeId, value]).
    await one(env.zk.create(`${base}/bare/i`, JSON.stringify({ name: 'bare', id: 'i', address: 'a', payload: [1, 2], registrationTimeUTC: 1, serviceType: 'DYNAMIC' }), { makePath: true }));
    await expect(env.curator.call('discovery.query', { handle: base, name: 'bare' })).rejects.toThrow(PeerCallError);
    // Curator's own list and long beyond int come in Jackson's wrapper; rxzk reads the values.
    await env.curator.call('discovery.register', { handle: base, name: 'from-java', id: 'list', address: 'a', payload: [1, 2] });
    await env.curator.call('discovery.register', { handle: base, name: 'from-java', id: 'long', address: 'a', payload: 12_345_678_901 });
    expect(JSON.parse((await one(env.zk.get(`${base}/from-java/list`))).data.toString()).payload).toEqual(['java.util.ArrayList', [1, 2]]);
    expect((await sd.instances('from-java')).map((i) => [i.id, i.payload])).toEqual([['list', [1, 2]], ['long', 12_345_678_901]]);
    await sd.close();
  });

  it('an rxzk DYNAMIC registration is back for Curator after an expiry of the rxzk session', async () => {
    const { base } = await bothOn();
    const own = await env.connect({ sessionTimeout: 6_000 });
    const sd = new ServiceDiscovery(own, base);
    await sd.register({ name: 'svc', id: 'comeback', address: 'a', port: 1 });
    const oldSession = own.session!.id;
    const node = new Recorder(env.zk.watchData$(`${base}/svc/comeback`));
    await node.last((n) => n !== null);
    await env.server.expireSession(own);
    await node.last((n) => n !== null && n.stat.ephemeralOwner !== oldSession, 20_000);
    expect((await env.curator.call('discovery.query', { handle: base, name: 'svc' })).map((i) => i.id)).toEqual(['comeback']);
    node.subscription.unsubscribe();
    await sd.close();
  });
});

describe('ServiceDiscovery with Curator: service types and filters', () => {
  it("Curator's queryForInstances sees rxzk's DYNAMIC_SEQUENTIAL and PERMANENT instances with their type and id; close() leaves the PERMANENT one", async () => {
    const { base, sd } = await bothOn();
    await sd.register({ name: 'jobs', id: 'seq-1', address: '10.0.0.1', port: 1, serviceType: 'DYNAMIC_SEQUENTIAL' });
    await sd.register({ name: 'jobs', id: 'perm-1', address: '10.0.0.2', port: 2, serviceType: 'PERMANENT' });
    const [node] = (await one(env.zk.getChildren(`${base}/jobs`))).filter((n) => n.startsWith('seq-1'));
    expect(node).toMatch(/^seq-1\d{10}$/);
    const seen = await env.curator.call('discovery.query', { handle: base, name: 'jobs' });
    expect(seen.map((i) => [i.id, i.serviceType, i.address]).sort()).toEqual([
      ['perm-1', 'PERMANENT', '10.0.0.2'],
      ['seq-1', 'DYNAMIC_SEQUENTIAL', '10.0.0.1'],
    ]);
    await sd.close();
    expect((await env.curator.call('discovery.query', { handle: base, name: 'jobs' })).map((i) => [i.id, i.serviceType])).toEqual([['perm-1', 'PERMANENT']]);
  });

  it("rxzk sees Curator's DYNAMIC_SEQUENTIAL (its node <id><seq>) and PERMANENT instances with their type and plain id", async () => {
    const { base, sd } = await bothOn();
    await env.curator.call('discovery.register', { handle: base, name: 'jobs', id: 'java-seq', address: '10.0.1.1', port: 1, serviceType: 'DYNAMIC_SEQUENTIAL' });
    await env.curator.call('discovery.register', { handle: base, name: 'jobs', id: 'java-perm', address: '10.0.1.2', port: 2, serviceType: 'PERMANENT' });
    const nodes = (await one(env.zk.getChildren(`${base}/jobs`))).sort();
    expect(nodes[0]).toBe('java-perm');
    expect(nodes[1]).toMatch(/^java-seq\d{10}$/);
    expect((await sd.instances('jobs')).map((i) => [i.id, i.serviceType, i.address])).toEqual([
      ['java-perm', 'PERMANENT', '10.0.1.2'],
      ['java-seq', 'DYNAMIC_SEQUENTIAL', '10.0.1.1'],
    ]);
    const provider = sd.provider('jobs', { filter: (i) => i.serviceType === 'DYNAMIC_SEQUENTIAL' });
    expect((await provider.next())?.id).toBe('java-seq');
    provider.close();
  });

  it('a filter by payload leaves out the same instances on both sides, whoever registered them', async () => {
    const { base, sd } = await bothOn();
    await sd.register({ name: 'api', id: 'rx-eu', address: 'a', payload: { zone: 'eu' } });
    await sd.register({ name: 'api', id: 'rx-us', address: 'b', payload: { zone: 'us' } });
    await env.curator.call('discovery.register', { handle: base, name: 'api', id: 'java-eu', address: 'c', payload: { zone: 'eu' } });
    await env.curator.call('discovery.register', { handle: base, name: 'api', id: 'java-us', address: 'd', payload: { zone: 'us' }, serviceType: 'DYNAMIC_SEQUENTIAL' });
    const rx = sd.provider('api', { filter: (i) => (i.payload as { zone?: string } | null)?.zone === 'eu' });
    const java = `${base}-provider`;
    await env.curator.call('discovery.provider', { handle: java, discovery: base, name: 'api', payloadKey: 'zone', payloadValue: 'eu' });
    try {
      const rxIds = (await rx.instances()).map((i) => i.id).sort();
      expect(rxIds).toEqual(['java-eu', 'rx-eu']);
      // Curator's ServiceCache fills in by itself: looked at until it has the instances both wrote.
      await waitFor(async () => (await env.curator.call<CuratorInstance[]>('discovery.providerAll', { handle: java })).length === 2, { timeout: 10_000, interval: 50 }).catch(() => undefined);
      expect((await env.curator.call<CuratorInstance[]>('discovery.providerAll', { handle: java })).map((i) => i.id).sort()).toEqual(rxIds);
      for (let i = 0; i < 4; i++) expect(['java-eu', 'rx-eu']).toContain((await rx.next())?.id);
      expect(['java-eu', 'rx-eu']).toContain((await env.curator.call<CuratorInstance | null>('discovery.providerNext', { handle: java }))?.id);
    } finally {
      rx.close();
      await env.curator.call('close', { handle: java });
      await sd.close();
    }
  });
});
