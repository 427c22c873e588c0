// getConfig and reconfig against a real three-server ZooKeeper 3.8 ensemble (reconfigEnabled; the super user may reconfigure).
import { firstValueFrom, type Observable } from 'rxjs';
import { BadVersionError, NoAuthError, createClient, type ZooKeeperClient } from '../../src';
import { startZooKeeper, type StartedZooKeeper, type ZooKeeperMember } from '../../src/testing';

let zkServer: StartedZooKeeper;
const clients: ZooKeeperClient[] = [];

const one = <T>(o: Observable<T>): Promise<T> => firstValueFrom(o);

/** The member connected to, and the one that leaves and joins again: two different followers (a leader leaving makes the others resync, dropping their clients). */
let home: ZooKeeperMember;
let mover: ZooKeeperMember;

async function connect(): Promise<ZooKeeperClient> {
  const zk = createClient({ hosts: home.connectString });
  clients.push(zk);
  await zk.start();
  return zk;
}

/** The server lines and the version of a dynamic configuration, as the `/zookeeper/config` node holds it. */
function parseConfig(data: Buffer): { servers: string[]; version: bigint } {
  const lines = data.toString('utf8').split('\n').filter((l) => l !== '');
  const version = lines.find((l) => l.startsWith('version='));
  if (version === undefined) throw new Error(`no version line in ${JSON.stringify(data.toString())}`);
  return { servers: lines.filter((l) => l.startsWith('server.')).sort(), version: BigInt(`0x${version.slice('version='.length)}`) };
}

beforeAll(async () => {
  zkServer = await startZooKeeper({ servers: 3 });
  const leader = await zkServer.leader();
  [home, mover] = zkServer.members.filter((m) => m !== leader);
}, 60_000);

afterAll(async () => {
  await zkServer?.stop();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

it('getConfig lists every member of the ensemble, with the config version', async () => {
  const zk = await connect();
  const { data, stat } = await one(zk.getConfig());
  const config = parseConfig(data);
  expect(config.servers).toEqual(zkServer.members.map((m) => m.serverSpec).sort());
  expect(config.version).toBeGreaterThan(0n);
  expect(stat.dataLength).toBe(data.length);
});

it('reconfig fails with NoAuthError for a session that may not write /zookeeper/config', async () => {
  const zk = await connect();
  const before = await one(zk.getConfig());
  await expect(one(zk.reconfig({ leaving: String(mover.id) }))).rejects.toBeInstanceOf(NoAuthError);
  expect((await one(zk.getConfig())).data.equals(before.data)).toBe(true);
});

it('reconfig removes and adds members, emitting the new configuration; a stale fromConfig fails with BadVersionError', async () => {
  const zk = await connect();
  const { username, password } = zkServer.superUser!;
  await firstValueFrom(zk.addAuth('digest', `${username}:${password}`), { defaultValue: undefined });
  const initial = parseConfig((await one(zk.getConfig())).data);
  const moverSpec = mover.serverSpec!;

  const removed = await one(zk.reconfig({ leaving: String(mover.id), fromConfig: initial.version }));
  const afterRemove = parseConfig(removed.data);
  expect(afterRemove.servers).toEqual(initial.servers.filter((s) => s !== moverSpec));
  expect(afterRemove.version).toBeGreaterThan(initial.version);
  // What reconfig emitted is what the ensemble now holds.
  await one(zk.sync('/'));
  expect(parseConfig((await one(zk.getConfig())).data)).toEqual(afterRemove);

  // fromConfig names the configuration the change is based on: the old one is refused.
  await expect(one(zk.reconfig({ joining: moverSpec, fromConfig: initial.version }))).rejects.toBeInstanceOf(BadVersionError);

  const added = await one(zk.reconfig({ joining: moverSpec }));
  expect(parseConfig(added.data).servers).toEqual(initial.servers);
});
