// startZooKeeper({ reconfig: true }) and addMember(): a server that a reconfig can grow, and joiners started from the
// ensemble's current configuration (issue 21 item 4's tests need both).
import { createClient, type ZooKeeperClient } from '../../src';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { Started } from '../../src/testing/started-zookeeper';

let zkServer: StartedZooKeeper;
let admin: ZooKeeperClient | undefined;

afterAll(async () => {
  await admin?.close();
  await zkServer?.stop();
});

const serverLines = (data: Buffer): string[] =>
  data
    .toString()
    .split('\n')
    .filter((l) => l.startsWith('server.'))
    .sort();

it('reconfig: true runs even one server from a dynamic configuration (a quorum of one), which addMember and reconfig grow', async () => {
  zkServer = await startZooKeeper({ reconfig: true });
  const [first] = zkServer.members;
  expect(first.serverSpec).toMatch(/^server\.1=127\.0\.0\.1:\d+:\d+:participant;127\.0\.0\.1:\d+$/);
  expect(await first.mode()).toBe('leader');
  admin = createClient({ hosts: zkServer.connectString });
  await admin.start();
  const { username, password } = zkServer.superUser!;
  await admin.addAuth('digest', `${username}:${password}`);
  expect(serverLines((await admin.getConfig()).data)).toEqual([first.serverSpec]);

  const joiner = await zkServer.addMember();
  expect(joiner.id).toBe(2);
  expect(zkServer.members).toHaveLength(2);
  expect(joiner.serverSpec).toMatch(/^server\.2=/);
  // Serving before it is a member (a non-voting follower): a client can read through it.
  const reader = createClient({ hosts: joiner.connectString });
  try {
    await reader.start();
    expect(await reader.exists('/zookeeper')).not.toBeNull();
  } finally {
    await reader.close();
  }

  const { data } = await admin.reconfig({ joining: joiner.serverSpec });
  expect(serverLines(data)).toEqual([first.serverSpec, joiner.serverSpec].sort());
}, 120_000);

it('addMember without reconfig rejects, naming the option', async () => {
  const plain = new Started({ source: 'local', members: [], shutdown: async () => undefined });
  await expect(plain.addMember()).rejects.toThrow('addMember needs startZooKeeper({ reconfig: true })');
});
