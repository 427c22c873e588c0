import * as net from 'node:net';

/**
 * Finds `count` distinct TCP ports that are free on `host` right now.
 *
 * Every port is bound (to port 0, so the kernel picks it) before any is
 * released: holding them all at once guarantees they are distinct. Another
 * process may still take one between here and the server's bind, so callers
 * retry on "Address already in use" (see `PortCollisionError`).
 *
 * @example
 * const [clientPort, quorumPort] = await freePorts(2);
 */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      ports.push(await listen(server, host));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

function listen(server: net.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('could not read the bound port'));
      else resolve(address.port);
    });
  });
}
