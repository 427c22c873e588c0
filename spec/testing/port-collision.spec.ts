import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startZooKeeper, ZooKeeperStartError } from '../../src/testing';
import * as freePort from '../../src/testing/free-port';

// Ports are picked free, then bound by the JVM a moment later: another
// process can take one in between. These specs hand the harness a taken
// port first and check that it starts again on fresh ones.

function listen(onConnection?: (socket: net.Socket) => void): Promise<{ server: net.Server; port: number }> {
  return new Promise((resolve) => {
    // By default a squatter that reads and never answers (reading lets Node close the socket when the peer does).
    const server = net.createServer(onConnection ?? ((s) => s.on('error', () => undefined).resume()));
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port }));
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('start-up on a port taken in the meantime', () => {
  const realMemberPorts = freePort.memberPorts;
  let spy: jest.SpyInstance;
  /** The ports memberPorts picks, with member `member`'s port number `index` (0: client, 1: quorum, 2: election) replaced by `port`. */
  const withTaken = (member: number, index: number, port: number) => async (servers: number, perMember: number, first?: number, host?: string) => {
    const ports = await realMemberPorts(servers, perMember, first, host);
    ports[member][index] = port;
    return ports;
  };

  beforeEach(() => {
    spy = jest.spyOn(freePort, 'memberPorts');
  });

  afterEach(() => {
    spy.mockRestore();
  });

  it('starts again on fresh ports when the client port is taken', async () => {
    const { server, port } = await listen();
    spy.mockImplementationOnce(withTaken(0, 0, port));
    const zkServer = await startZooKeeper();
    try {
      expect(spy).toHaveBeenCalledTimes(2);
      expect(zkServer.connectString).not.toBe(`127.0.0.1:${port}`);
      expect(await zkServer.members[0].mode()).toBe('standalone');
    } finally {
      await zkServer.stop();
      await close(server);
    }
  });

  it('is not fooled by another server answering srvr on its port', async () => {
    // A stranger that speaks the four-letter words like a ZooKeeper would.
    const { server, port } = await listen((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', (d) => socket.end(d.toString() === 'srvr' ? 'Zookeeper version: 3.8.0\nMode: standalone\n' : 'Environment:\nuser.dir=/elsewhere\n'));
    });
    spy.mockImplementationOnce(withTaken(0, 0, port));
    const zkServer = await startZooKeeper();
    try {
      expect(spy).toHaveBeenCalledTimes(2);
      expect(zkServer.connectString).not.toBe(`127.0.0.1:${port}`);
    } finally {
      await zkServer.stop();
      await close(server);
    }
  });

  it("starts an ensemble again when a member's election port is taken", async () => {
    const { server, port } = await listen();
    // Per member: client, quorum, election. Member 1's election port is the taken one.
    spy.mockImplementationOnce(withTaken(0, 2, port));
    const zkServer = await startZooKeeper({ servers: 3 });
    try {
      expect(spy).toHaveBeenCalledTimes(2);
      expect(zkServer.members[0].serverSpec).not.toContain(`:${port}:participant`);
    } finally {
      await zkServer.stop();
      await close(server);
    }
  });
});

describe('start-up failure', () => {
  it('rejects with the tail of the server log, and leaves nothing behind', async () => {
    const err: unknown = await startZooKeeper({ jvmFlags: ['-Dzookeeper.serverCnxnFactory=org.example.NoSuchFactory'] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ZooKeeperStartError);
    const message = (err as Error).message;
    expect(message).toMatch(/ZooKeeper server 1 exited with code \d+ during start-up/);
    expect(message).toMatch(/last lines of the server log/);
    expect(message).toMatch(/org\.example\.NoSuchFactory/);
    // No directory of ours is left in the temp dir.
    const ours = fs
      .readdirSync(os.tmpdir())
      .filter((n) => n.startsWith('rxzk-zk-'))
      .filter((n) => {
        try {
          return fs.readFileSync(path.join(os.tmpdir(), n, 'owner.pid'), 'utf8').trim() === String(process.pid);
        } catch {
          return false;
        }
      });
    expect(ours).toEqual([]);
  });
});
