// What a server (or a proxy, a load balancer) that misbehaves after the handshake does to the client:
// it must neither spin (issue 10.5) nor buffer without bound (issue 10.6). Scripted servers: a real
// ZooKeeper does neither.
import type * as net from 'node:net';
import { firstValueFrom } from 'rxjs';
import { ConnectError, createClient, InvalidArgumentError, ProtocolError, ResponseTooLargeError, type ZooKeeperClient } from '../../src';
import { OpCode, writeMultiHeader } from '../jute/codec';
import { FakeZooKeeper } from '../support/fake-zookeeper';
import { rejectionOf } from '../support/fixtures';

const clients: ZooKeeperClient[] = [];
const fakes: FakeZooKeeper[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((zk) => zk.close()));
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});

/** A server that accepts every session and drops the connection right after. */
async function droppingServer(): Promise<FakeZooKeeper> {
  const fake = await FakeZooKeeper.start((c) => {
    c.acceptSession();
    setImmediate(() => c.destroy());
  });
  fakes.push(fake);
  return fake;
}

/** Resolves after `ms` (a measuring window, not a synchronisation: the test counts what happened in it). */
const windowOf = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a server that completes the handshake and then drops the connection', () => {
  it('is reconnected to with a pause, not in a tight loop', async () => {
    const fake = await droppingServer();
    const zk = createClient({ hosts: fake.address });
    clients.push(zk);
    await zk.start();
    await windowOf(3_000);
    // Before the pause: thousands a second. With a random pause up to 1 s from the second flap on, a
    // handful; 15 in 3 s would need 13 pauses in a row averaging under 0.2 s.
    expect(fake.connections.length).toBeGreaterThanOrEqual(2);
    expect(fake.connections.length).toBeLessThanOrEqual(15);
  });

  it('is paced across hosts too: two such servers are not tried in turn without pause', async () => {
    const a = await droppingServer();
    const b = await droppingServer();
    const zk = createClient({ hosts: [a.address, b.address] });
    clients.push(zk);
    await zk.start();
    await windowOf(3_000);
    expect(a.connections.length + b.connections.length).toBeLessThanOrEqual(15);
  });

  it('still reconnects at once after one drop of a connection that was up for a while', async () => {
    const fake = await FakeZooKeeper.start((c) => c.acceptSession());
    fakes.push(fake);
    const zk = createClient({ hosts: fake.address });
    clients.push(zk);
    await zk.start();
    await windowOf(1_200); // longer than a connection must live to count as established
    const dropped = Date.now();
    (await fake.connection(1)).destroy();
    await fake.connection(2);
    // No pause: the second connection follows the drop within scheduling delays, far below the 1 s pause.
    expect(Date.now() - dropped).toBeLessThan(500);
  });
});

describe('four-letter words against a hostile server', () => {
  it('refuses an answer that never ends with ResponseTooLargeError, and stays usable', async () => {
    let flooded: net.Socket | null = null;
    const fake = await FakeZooKeeper.start((c) => c.acceptSession(), {
      onFourLetterWord: (_word, socket) => {
        flooded = socket;
        const chunk = Buffer.alloc(256 * 1024, 'x');
        const pump = (): void => {
          while (!socket.destroyed && socket.write(chunk));
        };
        socket.on('drain', pump);
        socket.on('error', () => undefined);
        pump();
      },
    });
    fakes.push(fake);
    const zk = createClient({ hosts: fake.address });
    clients.push(zk);
    await zk.start();
    const heapBefore = process.memoryUsage().rss;
    const error = await rejectionOf(firstValueFrom(zk.command('mntr')));
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ limit: 4 * 1024 * 1024 });
    // The client let go of the socket: the flooding side sees it closed.
    await new Promise<void>((resolve) => (flooded!.destroyed ? resolve() : flooded!.once('close', () => resolve())));
    expect(process.memoryUsage().rss - heapBefore).toBeLessThan(256 * 1024 * 1024);
    expect(zk.state).toBe('CONNECTED');
  });

  it('gives up on an answer that never finishes at the timeout, and does nothing after it', async () => {
    const sockets: net.Socket[] = [];
    const fake = await FakeZooKeeper.start((c) => c.acceptSession(), {
      onFourLetterWord: (_word, socket) => {
        sockets.push(socket);
        socket.write('partial answer, never finished\n');
      },
    });
    fakes.push(fake);
    const zk = createClient({ hosts: fake.address, sessionTimeout: 1_500 });
    clients.push(zk);
    await zk.start();
    const error = await rejectionOf(firstValueFrom(zk.command('srvr')));
    expect(error).toBeInstanceOf(ConnectError);
    // Closed by the client at the timeout: what the server sends afterwards is refused (a reset), and nothing reaches the caller.
    const server = sockets[0];
    server.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
    const more = (): void => {
      if (!server.destroyed && server.write('more of the answer\n')) setImmediate(more);
    };
    more();
    await closed;
    expect(zk.state).toBe('CONNECTED');
  });

  it("answers a srvr without a version with ProtocolError: the server's answer is at fault, not the caller's argument", async () => {
    const fake = await FakeZooKeeper.start((c) => c.acceptSession(), {
      onFourLetterWord: (_word, socket) => socket.end('Zookeeper: no version here\n'),
    });
    fakes.push(fake);
    const zk = createClient({ hosts: fake.address });
    clients.push(zk);
    await zk.start();
    const error = await rejectionOf(firstValueFrom(zk.serverVersion()));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).not.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('a multiRead answered with what no read gives', () => {
  it('fails with ProtocolError, not InvalidArgumentError', async () => {
    const fake = await FakeZooKeeper.start();
    fakes.push(fake);
    const zk = createClient({ hosts: fake.address });
    clients.push(zk);
    await zk.start();
    const conn = await fake.connection(1);
    const result = firstValueFrom(zk.multiRead([{ type: 'get', path: '/a' }]));
    const [request] = await conn.waitForRequests(1);
    // A 'create' result (type 1, a path) in a multiRead reply: readable bytes, but no read answers so.
    conn.reply(request.xid, 0, (w) => {
      writeMultiHeader(w, { type: OpCode.create, done: false, err: 0 });
      w.ustring('/a');
      writeMultiHeader(w, { type: -1, done: true, err: -1 });
    });
    const error = await rejectionOf(result);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).not.toBeInstanceOf(InvalidArgumentError);
  });
});
