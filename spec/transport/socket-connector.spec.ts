import * as net from 'node:net';
import { firstValueFrom } from 'rxjs';
import { ConnectError } from '../../src/errors/client-errors';
import { freePorts } from '../../src/testing/free-port';
import { openSocket } from '../../src/transport/socket-connector';

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      if (value instanceof net.Socket) value.destroy(); // a regression must fail, not hang on an open socket
      throw new Error(`resolved with ${String(value)}`);
    },
    (err: unknown) => err,
  );
}

// A socket connected from port P to port P of the same host, with nothing
// listening there, is paired with itself (TCP simultaneous open) and reads back
// what it writes; the kernel can make such a pair by itself when P lies in its
// ephemeral range. Pinning the local port makes one on purpose.
describe('openSocket', () => {
  it('refuses a socket paired with itself, with a ConnectError that says so', async () => {
    const [port] = await freePorts(1);
    const started = Date.now();
    const err = await rejectionOf(firstValueFrom(openSocket({ host: '127.0.0.1', port }, { timeout: 5_000, localPort: port })));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as Error).message).toMatch(/connected to itself/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses it with TLS too, before a handshake that could only time out', async () => {
    const [port] = await freePorts(1);
    const err = await rejectionOf(firstValueFrom(openSocket({ host: '127.0.0.1', port }, { timeout: 5_000, localPort: port, tls: true })));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as Error).message).toMatch(/connected to itself/);
  });

  it('hands over a socket connected to a listening server', async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const socket = await firstValueFrom(openSocket({ host: '127.0.0.1', port }, { timeout: 5_000 }));
      expect(socket.remotePort).toBe(port);
      socket.destroy();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
