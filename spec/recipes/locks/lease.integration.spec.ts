// NonBlockingLease on a real ZooKeeper: kazoo's layout and its exact bytes, renewal by the same identifier, refusal
// while another holder's lease is unexpired, MultiNonBlockingLease's numbered paths, and the lock around it all.
import type { ZooKeeperClient } from '../../../src';
import { ConnectionLossError, InvalidArgumentError } from '../../../src';
import { LockTimeoutError, NonBlockingLease, OutcomeUnknownError } from '../../../src/recipes';
import { startZooKeeper, type StartedZooKeeper } from '../../../src/testing';
import { clientPool, one, rejectionOf } from '../../support/fixtures';
import { nodesOf, waitForNodes } from '../leader/support';
import { Op, ReplyGate, expireCutOff } from '../support/reply-gate';

let zkServer: StartedZooKeeper;
const { connect, closeAll } = clientPool(() => zkServer.connectString);
let observer: ZooKeeperClient;
let zk: ZooKeeperClient;
let counter = 0;
const leasePath = () => `/leases/t-${++counter}`;
const record = async (path: string) => (await one(observer.get(`${path}/lease_holder`))).data.toString('utf8');
const HOUR = 3_600_000;

beforeAll(async () => {
  zkServer = await startZooKeeper();
  [observer, zk] = await Promise.all([connect(), connect()]);
});

const gates: ReplyGate[] = [];
afterAll(async () => {
  await closeAll();
  for (const g of gates.splice(0)) await g.stop();
  await zkServer?.stop();
});

/** A client behind a gate of its own (lost replies on demand). */
async function gated(): Promise<{ zk: ZooKeeperClient; gate: ReplyGate }> {
  const gate = await ReplyGate.start(zkServer.connectString);
  gates.push(gate);
  return { zk: await connect({ hosts: gate.address, sessionTimeout: 20_000 }), gate };
}

describe('NonBlockingLease', () => {
  it("writes kazoo's record, byte for byte, in a persistent <path>/lease_holder; no lock node is left", async () => {
    const path = leasePath();
    const before = Math.floor(Date.now() / 1000) * 1000;
    expect(await NonBlockingLease.obtain(zk, path, HOUR, { identifier: 'cleanup on host-1' })).toBe(true);
    const after = Date.now();
    const text = await record(path);
    const m = /^\{"version": 1, "holder": "cleanup on host-1", "end": "(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)"\}$/.exec(text);
    expect(m).not.toBeNull();
    const end = Date.parse(`${m![1]}Z`);
    expect(end).toBeGreaterThanOrEqual(before + HOUR);
    expect(end).toBeLessThanOrEqual(after + HOUR);
    // kazoo's ensure_path and create: persistent nodes, and the __lock__ node released.
    expect((await one(observer.exists(path)))?.ephemeralOwner).toBe(0n);
    expect((await one(observer.exists(`${path}/lease_holder`)))?.ephemeralOwner).toBe(0n);
    expect(await nodesOf(observer, path)).toEqual(['lease_holder']);
  });

  it('refuses another identifier while the lease is unexpired; the same identifier renews it', async () => {
    const path = leasePath();
    expect(await NonBlockingLease.obtain(zk, path, HOUR, { identifier: 'a' })).toBe(true);
    const first = await record(path);
    expect(await NonBlockingLease.obtain(await connect(), path, HOUR, { identifier: 'b' })).toBe(false);
    expect(await record(path)).toBe(first);
    expect(await NonBlockingLease.obtain(zk, path, 2 * HOUR, { identifier: 'a' })).toBe(true);
    const renewed = JSON.parse(await record(path)) as { holder: string; end: string };
    expect(renewed.holder).toBe('a');
    expect(Date.parse(`${renewed.end}Z`)).toBeGreaterThan(Date.parse(`${(JSON.parse(first) as { end: string }).end}Z`));
  });

  it('gives an expired lease to the next identifier', async () => {
    const path = leasePath();
    // A zero duration ends at the current whole second, which has begun: expired at once.
    expect(await NonBlockingLease.obtain(zk, path, 0, { identifier: 'a' })).toBe(true);
    expect(await NonBlockingLease.obtain(zk, path, HOUR, { identifier: 'b' })).toBe(true);
    expect((JSON.parse(await record(path)) as { holder: string }).holder).toBe('b');
  });

  it('leaves a record of a version it does not know alone, as kazoo does', async () => {
    const path = leasePath();
    await one(observer.create(`${path}/lease_holder`, '{"version": 2, "holder": "future", "owner": "x"}', { makePath: true }));
    expect(await NonBlockingLease.obtain(zk, path, HOUR, { identifier: 'a' })).toBe(false);
    expect(await record(path)).toBe('{"version": 2, "holder": "future", "owner": "x"}');
  });

  it("escapes as Python's json.dumps does (ensure_ascii)", async () => {
    const path = leasePath();
    expect(await NonBlockingLease.obtain(zk, path, HOUR, { identifier: 'é☃😀 "q"\n' })).toBe(true);
    expect(await record(path)).toMatch(/^\{"version": 1, "holder": "\\u00e9\\u2603\\ud83d\\ude00 \\"q\\"\\n", "end": "[^"]+"\}$/);
    // And it reads its own record back as the same holder: a renewal.
    expect(await NonBlockingLease.obtain(zk, path, HOUR, { identifier: 'é☃😀 "q"\n' })).toBe(true);
  });

  it("with count, takes the first free one of <path>/0 … <path>/<count-1> (kazoo's MultiNonBlockingLease)", async () => {
    const path = leasePath();
    const opts = (identifier: string) => ({ identifier, count: 2 });
    expect(await NonBlockingLease.obtain(zk, path, HOUR, opts('a'))).toBe(true);
    expect(await NonBlockingLease.obtain(zk, path, HOUR, opts('b'))).toBe(true);
    expect(await NonBlockingLease.obtain(zk, path, HOUR, opts('c'))).toBe(false);
    expect(await NonBlockingLease.obtain(zk, path, HOUR, opts('b'))).toBe(true);
    expect((JSON.parse(await record(`${path}/0`)) as { holder: string }).holder).toBe('a');
    expect((JSON.parse(await record(`${path}/1`)) as { holder: string }).holder).toBe('b');
    expect((await nodesOf(observer, path)).sort()).toEqual(['0', '1']);
  });

  it('one of five racing identifiers obtains it', async () => {
    const path = leasePath();
    const clients = await Promise.all([0, 1, 2, 3, 4].map(() => connect()));
    const results = await Promise.all(clients.map((c, i) => NonBlockingLease.obtain(c, path, HOUR, { identifier: `r${i}` })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((JSON.parse(await record(path)) as { holder: string }).holder).toBe(`r${results.indexOf(true)}`);
  });

  it("waits for kazoo's __lock__ on the path; a timeout bounds that wait and leaves no node", async () => {
    const path = leasePath();
    const kazooLike = await connect();
    await one(kazooLike.ensurePath(path));
    const lock = await one(kazooLike.create(`${path}/${'c'.repeat(32)}__lock__`, 'py', { ephemeral: true, sequential: true }));
    expect(await rejectionOf(NonBlockingLease.obtain(zk, path, HOUR, { identifier: 'a', timeout: 300 }))).toBeInstanceOf(LockTimeoutError);
    expect(await nodesOf(observer, path)).toEqual([lock.split('/').pop()]);
    const obtaining = NonBlockingLease.obtain(zk, path, HOUR, { identifier: 'a', timeout: 10_000 });
    await waitForNodes(observer, path, 2);
    await one(kazooLike.delete(lock));
    expect(await obtaining).toBe(true);
  });

  it('refuses bad arguments before anything is sent', async () => {
    for (const bad of [-1, Number.NaN, Infinity, '5', 1e20]) {
      await expect(NonBlockingLease.obtain(zk, '/leases/bad', bad as number)).rejects.toThrow(InvalidArgumentError);
    }
    for (const count of [0, 1.5, '2']) {
      await expect(NonBlockingLease.obtain(zk, '/leases/bad', HOUR, { count: count as number })).rejects.toThrow(InvalidArgumentError);
    }
    await expect(NonBlockingLease.obtain(zk, '/leases/bad', HOUR, { identifier: 5 as unknown as string })).rejects.toThrow(InvalidArgumentError);
    await expect(NonBlockingLease.obtain(zk, 'bad', HOUR)).rejects.toThrow(/path/i);
    expect(await one(observer.exists('/leases/bad'))).toBeNull();
  });
});

describe('NonBlockingLease writes whose reply was lost, and expiries (issue 17)', () => {
  it('a write whose reply was lost is proven by its receipt on the same session: true, one record, nothing left beside it', async () => {
    const path = leasePath();
    const { zk: client, gate } = await gated();
    const lost = gate.loseNextReply((t) => t === Op.multi);
    const obtaining = NonBlockingLease.obtain(client, path, HOUR, { identifier: 'lost-reply' });
    await lost;
    gate.cut();
    expect(await obtaining).toBe(true);
    expect(JSON.parse(await record(path)).holder).toBe('lost-reply');
    await one(client.sync(path));
    expect(await one(client.getChildren(path))).toEqual(['lease_holder']);
  });

  it('rejects with OutcomeUnknownError when the session expired before the receipt could be read', async () => {
    const path = leasePath();
    const { zk: client, gate } = await gated();
    const lost = gate.loseNextReply((t) => t === Op.multi);
    const obtaining = NonBlockingLease.obtain(client, path, HOUR, { identifier: 'unknown' });
    await lost;
    await expireCutOff(zkServer, client, gate);
    const err = await rejectionOf(obtaining);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(err.cause).toBeInstanceOf(ConnectionLossError);
    // Here it was written.
    expect(JSON.parse(await record(path)).holder).toBe('unknown');
  });

  it('a session that expires while the record is read starts over on the new session, within the bound', async () => {
    const path = leasePath();
    await one(observer.ensurePath(path));
    const { zk: client, gate } = await gated();
    // The first read is the record's (no contention: the lock needs no getData).
    const lost = gate.loseNextReply((t) => t === Op.getData);
    const obtaining = NonBlockingLease.obtain(client, path, HOUR, { identifier: 'after-expiry', timeout: 20_000 });
    await lost;
    await expireCutOff(zkServer, client, gate);
    expect(await obtaining).toBe(true);
    expect(JSON.parse(await record(path)).holder).toBe('after-expiry');
    expect(await nodesOf(observer, path)).toEqual(['lease_holder']);
  });
});

