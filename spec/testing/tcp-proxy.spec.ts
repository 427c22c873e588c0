// TcpProxy's silent partitions (the fault suite's blackholes and one-way partitions): bytes of the partitioned
// direction stop, no socket is closed or reset, and once healed the held bytes arrive in order — as TCP would
// retransmit them after a firewall stops dropping packets. A plain TCP server stands in for ZooKeeper: what is
// checked is bytes and sockets, not the protocol.
import * as net from 'node:net';
import { TcpProxy, waitFor } from '../../src/testing';

/** How long a held direction is watched for bytes that must not come. A window of observation, not a synchronisation. */
const QUIET_MS = 300;

/** What one side of a connection received, and whether its socket closed. */
class Side {
  received = '';
  closed = false;
  constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (this.received += chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }
  async receives(text: string): Promise<void> {
    await waitFor(() => this.received.includes(text), { timeout: 5000, interval: 10, description: `"${text}"` });
  }
}

describe('TcpProxy partitions', () => {
  let server: net.Server;
  let accepted: Side[];
  let proxy: TcpProxy;
  const clients: net.Socket[] = [];

  beforeEach(async () => {
    accepted = [];
    server = net.createServer((socket) => accepted.push(new Side(socket)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    proxy = await TcpProxy.start(`127.0.0.1:${port}`);
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await proxy.stop();
    for (const side of accepted) side.socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A client through the proxy and the server's side of its connection. */
  async function connect(): Promise<{ client: Side; server: Side }> {
    const [host, port] = proxy.address.split(':');
    const before = accepted.length;
    const socket = net.connect({ host, port: Number(port) });
    clients.push(socket);
    const client = new Side(socket);
    await waitFor(() => accepted.length > before, { timeout: 5000, interval: 10, description: 'the server to accept' });
    return { client, server: accepted[before] };
  }

  const quiet = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));

  it('partition() holds both directions without closing anything; accept() delivers what was held, in order', async () => {
    const { client, server } = await connect();
    client.socket.write('a1');
    await server.receives('a1');

    proxy.partition();
    client.socket.write('a2');
    server.socket.write('b1');
    client.socket.write('a3');
    await quiet();
    expect(server.received).toBe('a1');
    expect(client.received).toBe('');
    expect([client.closed, server.closed]).toEqual([false, false]);

    proxy.accept();
    await server.receives('a1a2a3');
    await client.receives('b1');
    expect(server.received).toBe('a1a2a3');
    expect([client.closed, server.closed]).toEqual([false, false]);
  });

  it.each([
    ['to-server', 'client', 'server'],
    ['to-client', 'server', 'client'],
  ] as const)("partition('%s') holds only the %s's bytes; the %s's still arrive", async (direction, heldSide, openSide) => {
    const sides = await connect();
    const [held, open] = [sides[heldSide], sides[openSide]];
    proxy.partition(direction);
    held.socket.write('held');
    open.socket.write('passes');
    await held.receives('passes');
    await quiet();
    expect(open.received).toBe('');

    proxy.accept();
    await open.receives('held');
  });

  it('a connection made during a partition is partitioned too', async () => {
    proxy.partition();
    const { client, server } = await connect();
    client.socket.write('hello');
    await quiet();
    expect(server.received).toBe('');

    proxy.accept();
    await server.receives('hello');
  });

  it('holds a large transfer and delivers all of it, byte for byte', async () => {
    const { client, server } = await connect();
    proxy.partition('to-server');
    // More than the sockets' buffers take: the client's writes back up while held.
    const big = 'x'.repeat(4 << 20);
    client.socket.write(big);
    await quiet();
    expect(server.received.length).toBeLessThan(big.length);

    proxy.accept();
    await waitFor(() => server.received.length === big.length, { timeout: 10_000, interval: 20, description: 'every byte' });
    expect(server.received === big).toBe(true);
  });
});
