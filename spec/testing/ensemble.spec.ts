import { fourLetterWord, startZooKeeper, waitFor, type StartedZooKeeper, type ZooKeeperMember } from '../../src/testing';
import { connectRaw } from './raw-session';

async function modes(zkServer: StartedZooKeeper): Promise<(string | null)[]> {
  return Promise.all(zkServer.members.map((m) => (m.running ? m.mode().catch(() => null) : Promise.resolve(null))));
}

describe('startZooKeeper({ servers: 3 })', () => {
  let zkServer: StartedZooKeeper;

  beforeAll(async () => {
    zkServer = await startZooKeeper({ servers: 3 });
  });

  afterAll(async () => {
    await zkServer?.stop();
  });

  it('starts three members with exactly one leader', async () => {
    expect(zkServer.members.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(zkServer.connectString.split(',')).toHaveLength(3);
    const all = await modes(zkServer);
    expect(all.filter((m) => m === 'leader')).toHaveLength(1);
    expect(all.filter((m) => m === 'follower')).toHaveLength(2);
    expect(['leader', 'follower']).toContain(await zkServer.members[0].mode());
  });

  it('describes each member for reconfig and getConfig', async () => {
    for (const m of zkServer.members) {
      expect(m.serverSpec).toMatch(new RegExp(`^server\\.${m.id}=127\\.0\\.0\\.1:\\d+:\\d+:participant;${m.connectString.replace(/\./g, '\\.')}$`));
    }
    // The servers run the 3.5+ dynamic configuration, with reconfig on.
    const conf = await fourLetterWord(zkServer.members[0].connectString, 'conf');
    for (const m of zkServer.members) expect(conf).toContain(m.serverSpec!);
    // Only the leader runs the PrepRequestProcessor that logs this.
    const logs = await Promise.all(zkServer.members.map((m) => m.readLog()));
    expect(logs.join('\n')).toMatch(/reconfigEnabled=true/);
  });

  it('maps a client address to its member', async () => {
    for (const m of zkServer.members) expect(zkServer.memberOf(m.connectString)).toBe(m);
  });

  it('keeps serving while a follower is paused, and the follower comes back on resume', async () => {
    const leader = await zkServer.leader();
    const follower = zkServer.members.find((m) => m !== leader)!;
    await follower.pause();
    try {
      await expect(fourLetterWord(follower.connectString, 'srvr', { timeout: 500 })).rejects.toThrow(/no complete answer/);
      const raw = await connectRaw(leader.connectString);
      expect(raw.response.timeOut).toBeGreaterThan(0);
      raw.socket.destroy();
    } finally {
      await follower.resume();
    }
    await waitFor(async () => ['follower', 'leader'].includes(await follower.mode()), { timeout: 10000, description: 'the follower to serve again' });
  });

  it('elects a new leader when the leader is killed, and the old one rejoins', async () => {
    const oldLeader: ZooKeeperMember = await zkServer.leader();
    await oldLeader.kill();
    expect(oldLeader.running).toBe(false);

    const newLeader = await zkServer.leader(15000);
    expect(newLeader).not.toBe(oldLeader);

    await oldLeader.start();
    expect(await oldLeader.mode()).toBe('follower');
    const all = await modes(zkServer);
    expect(all.filter((m) => m === 'leader')).toHaveLength(1);
  });

  it('restarts a member without waiting for a quorum when asked', async () => {
    const [a, b, c] = zkServer.members;
    await Promise.all(zkServer.members.map((m) => m.stop()));
    // Alone, a member listens but never serves: start() would time out.
    await a.start({ waitUntilServing: false });
    expect(await a.fourLetterWord('srvr')).toMatch(/not currently serving/);
    await b.start();
    await c.start();
    expect((await modes(zkServer)).sort()).toEqual(['follower', 'follower', 'leader']);
  });

  it('expires a session held through any member', async () => {
    const member = zkServer.members[2];
    const original = await connectRaw(member.connectString, { timeOut: 20000 });
    const { sessionId, passwd } = original.response;
    await zkServer.expireSession({ session: { id: sessionId, password: passwd } });
    await original.closed;
    for (const m of zkServer.members) {
      const again = await connectRaw(m.connectString, { sessionId, password: passwd });
      expect(again.response.timeOut).toBeLessThanOrEqual(0);
      again.socket.destroy();
    }
  });
});

describe('startZooKeeper({ servers: 5 })', () => {
  it('starts five members with one leader', async () => {
    const zkServer = await startZooKeeper({ servers: 5 });
    try {
      const all = await modes(zkServer);
      expect(all.filter((m) => m === 'leader')).toHaveLength(1);
      expect(all.filter((m) => m === 'follower')).toHaveLength(4);
    } finally {
      await zkServer.stop();
    }
  });
});
