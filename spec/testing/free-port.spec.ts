import * as net from 'node:net';
import { ephemeralLow, freePorts } from '../../src/testing/free-port';

// Ports outside the ephemeral range: a member stopped and started again must find
// its port free, and the kernel hands ephemeral ports to outgoing connections.
describe('freePorts', () => {
  it('gives distinct ports below the ephemeral range that can be bound', async () => {
    const ports = await freePorts(20);
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(ephemeralLow());
    }
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: ports[0], host: '127.0.0.1', exclusive: true }, () => resolve());
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('picks another port when the one it drew is taken', async () => {
    const [taken] = await freePorts(1);
    const holder = net.createServer();
    await new Promise<void>((resolve, reject) => {
      holder.once('error', reject);
      holder.listen({ port: taken, host: '127.0.0.1', exclusive: true }, () => resolve());
    });
    // The first two draws land on the taken port, the rest are random again.
    const span = ephemeralLow() - 10_000;
    const onTaken = (taken - 10_000 + 0.5) / span;
    const random = Math.random.bind(Math);
    const spy = jest.spyOn(Math, 'random').mockReturnValueOnce(onTaken).mockReturnValueOnce(onTaken).mockImplementation(random);
    try {
      const [port] = await freePorts(1);
      expect(spy.mock.calls.length).toBeGreaterThanOrEqual(3);
      expect(port).not.toBe(taken);
      expect(port).toBeLessThan(ephemeralLow());
    } finally {
      spy.mockRestore();
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
