// The interop harness against a real ZooKeeper 3.8: a real Curator 5.4 and a real kazoo 2.8,
// driven from spec/support/interop/peers.ts, run their own recipes, and an rxzk client reads
// back the znodes they leave. These tests pin the layouts rxzk's recipes must share with them.
import { filter, firstValueFrom } from 'rxjs';
import { NoNodeError } from '../../src';
import { waitFor } from '../../src/testing';
import { b64, PeerCallError, startCuratorPeer, unb64 } from '../support/interop/peers';
import { interopServer } from '../recipes/support/interop-server';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SEQ = '\\d{10}';

const env = interopServer({ curator: true, kazoo: true });

/** Sorted by name; [] once gone (Curator's parents are containers, which the server reaps when empty). */
const children = async (path: string): Promise<string[]> =>
  (await firstValueFrom(env.zk.getChildren(path)).catch((err: unknown) => (err instanceof NoNodeError ? [] : Promise.reject(err)))).sort();
/** Sorted by the 10-digit sequence suffix, as the recipes order contenders. */
const bySequence = (names: string[]): string[] => [...names].sort((a, b) => a.slice(-10).localeCompare(b.slice(-10)));
const data = async (path: string): Promise<Buffer> => (await firstValueFrom(env.zk.get(path))).data;
/** Resolves once `path` has `n` children (a watch, not a poll). */
const untilChildren = (path: string, n: number): Promise<string[] | null> =>
  firstValueFrom(env.zk.watchChildren$(path).pipe(filter((names) => names?.length === n)));

describe('the harness', () => {
  it('answers other calls while one waits, and rejects with the peer\'s error class', async () => {
    await env.curator.call('mutex.create', { handle: 'h-holder', path: '/harness/lock' });
    await env.curator.call('mutex.create', { handle: 'h-waiter', path: '/harness/lock' });
    expect(await env.curator.call('mutex.acquire', { handle: 'h-holder', timeoutMs: 5_000 })).toBe(true);
    const waiting = env.curator.call('mutex.acquire', { handle: 'h-waiter', timeoutMs: 10_000 });
    await untilChildren('/harness/lock', 2);
    // The waiter is blocked in Curator's acquire, on its own thread; the peer still answers.
    expect(await env.curator.call('ping', {})).toBe('pong');
    expect(await env.curator.call('mutex.isAcquired', { handle: 'h-waiter' })).toBe(false);
    await env.curator.call('mutex.release', { handle: 'h-holder' });
    expect(await waiting).toBe(true);
    await env.curator.call('mutex.release', { handle: 'h-waiter' });

    // Curator's locks belong to their handle's thread: a second release is Curator's own error.
    const err = await env.curator.call('mutex.release', { handle: 'h-waiter' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PeerCallError);
    expect((err as PeerCallError).remote).toMatch(/^IllegalMonitorStateException: You do not own the lock/);
    await expect(env.kazoo.call('no.such.command', {})).rejects.toThrow(/kazoo peer: no\.such\.command failed: ValueError: unknown command/);
  });

  it("gives each peer's session for zkServer.expireSession: the Curator mutex node goes with it", async () => {
    const peer = await startCuratorPeer(env.server.connectString);
    try {
      await peer.call('mutex.create', { handle: 'doomed', path: '/harness/expiry' });
      expect(await peer.call('mutex.acquire', { handle: 'doomed' })).toBe(true);
      expect(await children('/harness/expiry')).toHaveLength(1);
      const expired = await peer.sessionHolder();
      await env.server.expireSession(expired);
      expect(await children('/harness/expiry')).toEqual([]);
      expect(await peer.call('awaitState', { state: 'LOST' })).toBe(true);
      // Curator replaces the expired session by itself: the next RECONNECTED after LOST.
      const states = await peer.call('states', {});
      expect(states[0]).toBe('CONNECTED');
      const reconnectsBefore = states.slice(0, states.indexOf('LOST')).filter((s) => s === 'RECONNECTED').length;
      expect(await peer.call('awaitState', { state: 'RECONNECTED', count: reconnectsBefore + 1 })).toBe(true);
      expect((await peer.sessionHolder()).session!.id).not.toBe(expired.session!.id);
    } finally {
      await peer.close();
    }
  });
});

describe('locks', () => {
  it('a Curator InterProcessMutex contender is _c_<uuid>-lock-<seq>, its data the node data given', async () => {
    await env.curator.call('mutex.create', { handle: 'cm', path: '/layout/curator-mutex' });
    await env.curator.call('mutex.create', { handle: 'cm-data', path: '/layout/curator-mutex', data: 'java-service-1' });
    expect(await env.curator.call('mutex.acquire', { handle: 'cm' })).toBe(true);
    const waiting = env.curator.call('mutex.acquire', { handle: 'cm-data', timeoutMs: 10_000 });
    const names = bySequence((await untilChildren('/layout/curator-mutex', 2))!);
    expect(names).toEqual([expect.stringMatching(new RegExp(`^_c_${UUID}-lock-0000000000$`)), expect.stringMatching(new RegExp(`^_c_${UUID}-lock-0000000001$`))]);
    // Without data, Curator writes the client's default data: this machine's IP address, as text.
    expect((await data(`/layout/curator-mutex/${names[0]}`)).toString()).toMatch(/^[0-9a-f.:]+$/);
    expect((await data(`/layout/curator-mutex/${names[1]}`)).toString()).toBe('java-service-1');
    expect((await firstValueFrom(env.zk.exists(`/layout/curator-mutex/${names[0]}`)))?.ephemeralOwner).not.toBe(0n);
    await env.curator.call('mutex.release', { handle: 'cm' });
    expect(await waiting).toBe(true);
    await env.curator.call('mutex.release', { handle: 'cm-data' });
    expect(await children('/layout/curator-mutex')).toEqual([]);
  });

  it('a kazoo Lock contender is <hex>__lock__<seq>, its data the identifier', async () => {
    await env.kazoo.call('lock.create', { handle: 'kl', path: '/layout/kazoo-lock', identifier: 'python-worker-1' });
    expect(await env.kazoo.call('lock.acquire', { handle: 'kl', timeoutMs: 5_000 })).toBe(true);
    const [name] = await children('/layout/kazoo-lock');
    expect(name).toMatch(new RegExp(`^[0-9a-f]{32}__lock__${SEQ}$`));
    expect((await data(`/layout/kazoo-lock/${name}`)).toString()).toBe('python-worker-1');
    expect(await env.kazoo.call('lock.contenders', { handle: 'kl' })).toEqual(['python-worker-1']);
    expect(await env.kazoo.call('lock.release', { handle: 'kl' })).toBe(true);
  });

  it("Curator's and kazoo's locks on two paths are held at once; kazoo waits for Curator's only with extra_lock_patterns", async () => {
    await env.curator.call('mutex.create', { handle: 'both-c', path: '/both/curator' });
    await env.kazoo.call('lock.create', { handle: 'both-k', path: '/both/kazoo', identifier: 'k' });
    expect(await Promise.all([
      env.curator.call('mutex.acquire', { handle: 'both-c', timeoutMs: 5_000 }),
      env.kazoo.call('lock.acquire', { handle: 'both-k', timeoutMs: 5_000 }),
    ])).toEqual([true, true]);

    // On Curator's path: a plain kazoo Lock ignores the `-lock-` node, one with the pattern queues behind it.
    await env.kazoo.call('lock.create', { handle: 'blind', path: '/both/curator', identifier: 'blind' });
    await env.kazoo.call('lock.create', { handle: 'aware', path: '/both/curator', identifier: 'aware', extraLockPatterns: ['-lock-'] });
    expect(await env.kazoo.call('lock.acquire', { handle: 'blind', timeoutMs: 2_000 })).toBe(true);
    await env.kazoo.call('lock.release', { handle: 'blind' });
    expect(await env.kazoo.call('lock.acquire', { handle: 'aware', timeoutMs: 100 })).toBe(false);
    const aware = env.kazoo.call('lock.acquire', { handle: 'aware', timeoutMs: 10_000 });
    await untilChildren('/both/curator', 2);
    await env.curator.call('mutex.release', { handle: 'both-c' });
    expect(await aware).toBe(true);
    await Promise.all([env.kazoo.call('lock.release', { handle: 'aware' }), env.kazoo.call('lock.release', { handle: 'both-k' })]);
  });

  it('Curator read/write locks are _c_<uuid>-__READ__<seq> / -__WRIT__<seq>; semaphore leases under leases/', async () => {
    await env.curator.call('rwlock.create', { handle: 'rw-r', path: '/layout/rw' });
    await env.curator.call('rwlock.create', { handle: 'rw-w', path: '/layout/rw' });
    expect(await env.curator.call('rwlock.acquireRead', { handle: 'rw-r' })).toBe(true);
    expect(await env.curator.call('rwlock.acquireWrite', { handle: 'rw-w', timeoutMs: 100 })).toBe(false);
    const writing = env.curator.call('rwlock.acquireWrite', { handle: 'rw-w', timeoutMs: 10_000 });
    const names = bySequence((await untilChildren('/layout/rw', 2))!);
    expect(names).toEqual([expect.stringMatching(new RegExp(`^_c_${UUID}-__READ__${SEQ}$`)), expect.stringMatching(new RegExp(`^_c_${UUID}-__WRIT__${SEQ}$`))]);
    await env.curator.call('rwlock.releaseRead', { handle: 'rw-r' });
    expect(await writing).toBe(true);
    await env.curator.call('rwlock.releaseWrite', { handle: 'rw-w' });

    await env.curator.call('semaphore.create', { handle: 'sem', path: '/layout/sem', maxLeases: 2 });
    expect(await env.curator.call('semaphore.acquire', { handle: 'sem' })).toBe(true);
    expect(await env.curator.call('semaphore.acquire', { handle: 'sem' })).toBe(true);
    expect(await env.curator.call('semaphore.acquire', { handle: 'sem', timeoutMs: 100 })).toBe(false);
    expect(await children('/layout/sem')).toEqual(['leases', 'locks']);
    expect(await children('/layout/sem/leases')).toEqual([
      expect.stringMatching(new RegExp(`^_c_${UUID}-lease-${SEQ}$`)),
      expect.stringMatching(new RegExp(`^_c_${UUID}-lease-${SEQ}$`)),
    ]);
    expect(await env.curator.call('semaphore.release', { handle: 'sem' })).toBe(true);
    expect(await env.curator.call('semaphore.release', { handle: 'sem' })).toBe(true);
    expect(await children('/layout/sem/leases')).toEqual([]);
  });
});

describe('leadership', () => {
  it('a Curator LeaderLatch participant is _c_<uuid>-latch-<seq>, its data the id', async () => {
    await env.curator.call('latch.create', { handle: 'latch', path: '/layout/latch', id: 'scheduler-a' });
    await env.curator.call('latch.start', { handle: 'latch' });
    expect(await env.curator.call('latch.await', { handle: 'latch', timeoutMs: 5_000 })).toBe(true);
    const [name] = await children('/layout/latch');
    expect(name).toMatch(new RegExp(`^_c_${UUID}-latch-0000000000$`));
    expect((await data(`/layout/latch/${name}`)).toString()).toBe('scheduler-a');
    expect(await env.curator.call('latch.ourPath', { handle: 'latch' })).toBe(`/layout/latch/${name}`);
    expect(await env.curator.call('latch.participants', { handle: 'latch' })).toEqual([{ id: 'scheduler-a', isLeader: true }]);
    await env.curator.call('latch.close', { handle: 'latch' });
    // LeaderLatch.close() deletes its node in the background (a guaranteed delete): wait for it.
    await waitFor(async () => (await children('/layout/latch')).length === 0, { timeout: 10_000, description: 'the latch node to go' });
  });

  it('a Curator LeaderSelector leads until told to step down; a kazoo Election likewise', async () => {
    await env.curator.call('selector.create', { handle: 'sel', path: '/layout/selector', id: 'java-leader' });
    await env.curator.call('selector.start', { handle: 'sel' });
    expect(await env.curator.call('selector.awaitLeader', { handle: 'sel', timeoutMs: 5_000 })).toBe(true);
    const [name] = await children('/layout/selector');
    expect(name).toMatch(new RegExp(`^_c_${UUID}-lock-${SEQ}$`));
    expect((await data(`/layout/selector/${name}`)).toString()).toBe('java-leader');
    expect(await env.curator.call('selector.stepDown', { handle: 'sel' })).toBe(true);
    expect(await env.curator.call('selector.isLeader', { handle: 'sel' })).toBe(false);
    await env.curator.call('selector.close', { handle: 'sel' });

    await env.kazoo.call('election.create', { handle: 'el', path: '/layout/election', identifier: 'py-leader' });
    await env.kazoo.call('election.run', { handle: 'el' });
    expect(await env.kazoo.call('election.awaitLeader', { handle: 'el', timeoutMs: 5_000 })).toBe(true);
    expect(await children('/layout/election')).toEqual([expect.stringMatching(new RegExp(`^[0-9a-f]{32}__lock__${SEQ}$`))]);
    expect(await env.kazoo.call('election.contenders', { handle: 'el' })).toEqual(['py-leader']);
    expect(await env.kazoo.call('election.stepDown', { handle: 'el' })).toBe(true);
    expect(await children('/layout/election')).toEqual([]);
  });
});

describe('counters', () => {
  it('a Curator SharedCount is a 4-byte big-endian int', async () => {
    await env.curator.call('sharedCount.create', { handle: 'count', path: '/layout/shared-count', seed: 7 });
    expect(await data('/layout/shared-count')).toEqual(Buffer.from([0, 0, 0, 7]));
    expect(await env.curator.call('sharedCount.get', { handle: 'count' })).toEqual({ value: 7, version: 0 });
    await env.curator.call('sharedCount.set', { handle: 'count', value: -2 });
    expect(await data('/layout/shared-count')).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    expect(await env.curator.call('sharedCount.trySet', { handle: 'count', value: 1, version: 0 })).toBe(false);
    await env.curator.call('close', { handle: 'count' });
  });

  it('a kazoo Counter is ASCII text; with support_curator a 4-byte big-endian int that Curator shares', async () => {
    await env.kazoo.call('counter.create', { handle: 'text', path: '/layout/kazoo-counter' });
    expect(await env.kazoo.call('counter.add', { handle: 'text', delta: 5 })).toEqual({ preValue: 0, postValue: 5 });
    expect(await env.kazoo.call('counter.add', { handle: 'text', delta: -7 })).toEqual({ preValue: 5, postValue: -2 });
    expect((await data('/layout/kazoo-counter')).toString('latin1')).toBe('-2');

    await env.kazoo.call('counter.create', { handle: 'int', path: '/layout/kazoo-curator-counter', supportCurator: true });
    await env.kazoo.call('counter.add', { handle: 'int', delta: 5 });
    expect(await data('/layout/kazoo-curator-counter')).toEqual(Buffer.from([0, 0, 0, 5]));
    await env.curator.call('sharedCount.create', { handle: 'shared', path: '/layout/kazoo-curator-counter', seed: 0 });
    expect(await env.curator.call('sharedCount.get', { handle: 'shared' })).toEqual({ value: 5, version: 1 });
    await env.curator.call('sharedCount.set', { handle: 'shared', value: 40 });
    expect(await env.kazoo.call('counter.add', { handle: 'int', delta: 2 })).toEqual({ preValue: 40, postValue: 42 });
    await env.curator.call('close', { handle: 'shared' });
  });

  it('a Curator DistributedAtomicLong is an 8-byte big-endian long', async () => {
    await env.curator.call('atomicLong.create', { handle: 'long', path: '/layout/atomic-long' });
    expect(await env.curator.call('atomicLong.add', { handle: 'long', delta: 5 })).toEqual({ succeeded: true, preValue: '0', postValue: '5' });
    expect(await env.curator.call('atomicLong.increment', { handle: 'long' })).toEqual({ succeeded: true, preValue: '5', postValue: '6' });
    expect(await data('/layout/atomic-long')).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 6]));
  });
});

describe('queues, parties, barriers', () => {
  it('a kazoo Queue entry is entry-<priority, 3 digits>-<seq>, its data the item', async () => {
    await env.kazoo.call('queue.create', { handle: 'q', path: '/layout/queue' });
    await env.kazoo.call('queue.put', { handle: 'q', data: b64('first') });
    await env.kazoo.call('queue.put', { handle: 'q', data: b64(Buffer.from([0, 1, 2])), priority: 5 });
    expect(await children('/layout/queue')).toEqual(['entry-005-0000000001', 'entry-100-0000000000']);
    expect(await data('/layout/queue/entry-100-0000000000')).toEqual(Buffer.from('first'));
    // Lower priority first.
    expect(unb64((await env.kazoo.call('queue.get', { handle: 'q' }))!)).toEqual(Buffer.from([0, 1, 2]));
    expect(await env.kazoo.call('queue.len', { handle: 'q' })).toBe(1);
  });

  it('a kazoo LockingQueue keeps entries/ and taken/, a taken entry locked by the queue id', async () => {
    await env.kazoo.call('lockingQueue.create', { handle: 'lq', path: '/layout/locking-queue' });
    await env.kazoo.call('queue.put', { handle: 'lq', data: b64('job') });
    expect(unb64((await env.kazoo.call('queue.get', { handle: 'lq', timeoutMs: 5_000 }))!).toString()).toBe('job');
    expect(await children('/layout/locking-queue')).toEqual(['entries', 'taken']);
    expect(await children('/layout/locking-queue/taken')).toEqual(['entry-100-0000000000']);
    expect((await data('/layout/locking-queue/taken/entry-100-0000000000')).toString()).toMatch(/^[0-9a-f]{32}$/);
    expect(await env.kazoo.call('queue.consume', { handle: 'lq' })).toBe(true);
    expect(await children('/layout/locking-queue/entries')).toEqual([]);
  });

  it('kazoo Party members are <hex>__party__, ShallowParty ones <hex>-<identifier>', async () => {
    await env.kazoo.call('party.create', { handle: 'p', path: '/layout/party', identifier: 'member-a' });
    await env.kazoo.call('party.create', { handle: 'sp', path: '/layout/shallow-party', identifier: 'member-b', shallow: true });
    await Promise.all([env.kazoo.call('party.join', { handle: 'p' }), env.kazoo.call('party.join', { handle: 'sp' })]);
    const [member] = await children('/layout/party');
    expect(member).toMatch(/^[0-9a-f]{32}__party__$/);
    expect((await data(`/layout/party/${member}`)).toString()).toBe('member-a');
    expect(await children('/layout/shallow-party')).toEqual([expect.stringMatching(/^[0-9a-f]{32}-member-b$/)]);
    expect(await env.kazoo.call('party.members', { handle: 'sp' })).toEqual(['member-b']);
  });

  it('Curator double barrier members are <uuid> nodes beside ready; a Curator barrier blocks until removed', async () => {
    const [a, b] = ['db-a', 'db-b'];
    await env.curator.call('doubleBarrier.create', { handle: a, path: '/layout/double-barrier', n: 2 });
    await env.curator.call('doubleBarrier.create', { handle: b, path: '/layout/double-barrier', n: 2 });
    const entering = env.curator.call('doubleBarrier.enter', { handle: a, timeoutMs: 10_000 });
    expect((await untilChildren('/layout/double-barrier', 1))![0]).toMatch(new RegExp(`^${UUID}$`));
    expect(await env.curator.call('doubleBarrier.enter', { handle: b, timeoutMs: 10_000 })).toBe(true);
    expect(await entering).toBe(true);
    expect((await children('/layout/double-barrier')).filter((n) => n !== 'ready')).toHaveLength(2);
    expect(await children('/layout/double-barrier')).toContain('ready');
    expect(await Promise.all([a, b].map((handle) => env.curator.call('doubleBarrier.leave', { handle, timeoutMs: 10_000 })))).toEqual([true, true]);

    await env.curator.call('barrier.create', { handle: 'bar', path: '/layout/barrier' });
    await env.curator.call('barrier.set', { handle: 'bar' });
    const waiting = env.curator.call('barrier.wait', { handle: 'bar', timeoutMs: 10_000 });
    await env.kazoo.call('barrier.create', { handle: 'bar', path: '/layout/barrier' });
    expect(await env.kazoo.call('barrier.wait', { handle: 'bar', timeoutMs: 100 })).toBe(false);
    await env.kazoo.call('barrier.remove', { handle: 'bar' });
    expect(await waiting).toBe(true);
  });
});

describe('service discovery', () => {
  it('a Curator registration is JSON at <base>/<name>/<id>, read back by Curator as written', async () => {
    await env.curator.call('discovery.create', { handle: 'sd', basePath: '/layout/discovery' });
    const registered = await env.curator.call('discovery.register', {
      handle: 'sd', name: 'orders', id: 'inst-1', address: '10.0.0.7', port: 8080,
      payload: { zone: 'eu-1', weight: 3 }, uriSpec: '{scheme}://{address}:{port}/api',
    });
    expect(await children('/layout/discovery')).toEqual(['orders']);
    expect(await children('/layout/discovery/orders')).toEqual(['inst-1']);
    const stored = await data('/layout/discovery/orders/inst-1');
    const json = JSON.parse(stored.toString());
    // Curator's default serializer (compatible mode) writes these fields, in this order, and no "enabled".
    expect(Object.keys(json)).toEqual(['name', 'id', 'address', 'port', 'sslPort', 'payload', 'registrationTimeUTC', 'serviceType', 'uriSpec']);
    expect(json).toEqual({
      name: 'orders', id: 'inst-1', address: '10.0.0.7', port: 8080, sslPort: null,
      payload: { '@class': 'java.util.LinkedHashMap', zone: 'eu-1', weight: 3 },
      registrationTimeUTC: registered.registrationTimeUTC, serviceType: 'DYNAMIC',
      uriSpec: { parts: [
        { value: 'scheme', variable: true }, { value: '://', variable: false }, { value: 'address', variable: true },
        { value: ':', variable: false }, { value: 'port', variable: true }, { value: '/api', variable: false },
      ] },
    });
    expect((await firstValueFrom(env.zk.exists('/layout/discovery/orders/inst-1')))?.ephemeralOwner).not.toBe(0n);
    expect(await env.curator.call('discovery.query', { handle: 'sd', name: 'orders' })).toEqual([{
      name: 'orders', id: 'inst-1', address: '10.0.0.7', port: 8080, sslPort: null, payload: { zone: 'eu-1', weight: 3 },
      payloadClass: 'java.util.LinkedHashMap', registrationTimeUTC: registered.registrationTimeUTC, serviceType: 'DYNAMIC',
      enabled: true, uri: 'http://10.0.0.7:8080/api',
    }]);
    expect(await env.curator.call('discovery.names', { handle: 'sd' })).toEqual(['orders']);
    expect(await env.curator.call('discovery.unregister', { handle: 'sd', name: 'orders', id: 'inst-1' })).toBe(true);
    expect(await children('/layout/discovery/orders')).toEqual([]);
    await env.curator.call('discovery.close', { handle: 'sd' });
  });

  it('Curator reads an instance written without "@class" or "enabled", and a uriSpec given as a string', async () => {
    const instance = { name: 'billing', id: 'node-1', address: '10.0.0.9', port: 9000, sslPort: null, payload: { zone: 'us-2' },
      registrationTimeUTC: 1_700_000_000_000, serviceType: 'DYNAMIC', uriSpec: '{scheme}://{address}:{port}' };
    await firstValueFrom(env.zk.create('/layout/discovery2/billing/node-1', JSON.stringify(instance), { makePath: true }));
    await env.curator.call('discovery.create', { handle: 'sd2', basePath: '/layout/discovery2' });
    expect(await env.curator.call('discovery.query', { handle: 'sd2', name: 'billing' })).toEqual([expect.objectContaining({
      id: 'node-1', payload: { zone: 'us-2' }, payloadClass: 'java.util.LinkedHashMap', enabled: true, uri: 'http://10.0.0.9:9000',
    })]);
    await env.curator.call('discovery.close', { handle: 'sd2' });
  });
});
