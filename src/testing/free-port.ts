import * as fs from 'node:fs';
import * as net from 'node:net';

/** Lowest port picked: below it sit many well-known and registered services. */
const LOWEST = 10_000;
/** Linux's default ephemeral range starts here (macOS and Windows start at 49152, higher still). */
const DEFAULT_EPHEMERAL_LOW = 32_768;
const TRIES_PER_PORT = 200;

/**
 * Finds `count` distinct TCP ports that are free on `host` right now.
 *
 * The ports are picked below the kernel's ephemeral range (Linux:
 * `/proc/sys/net/ipv4/ip_local_port_range`): a port in that range may be taken
 * as the local port of any outgoing connection the moment its server stops, so
 * a member stopped and started again could find its own port gone. Every port
 * is bound before any is released, so they are distinct. Another process may
 * still take one between here and the server's bind, so callers retry on
 * "Address already in use" (see `PortCollisionError`).
 *
 * @example
 * const [clientPort, quorumPort] = await freePorts(2);
 */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: net.Server[] = [];
  const high = ephemeralLow() - 1;
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      ports.push(high - LOWEST < 1_000 ? await listen(server, host, 0) : await listenBelow(server, host, high));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** The first port of the kernel's ephemeral range. */
export function ephemeralLow(): number {
  try {
    const [low] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && low > 0 ? low : DEFAULT_EPHEMERAL_LOW;
  } catch {
    return DEFAULT_EPHEMERAL_LOW;
  }
}

/** Binds a random free port in [LOWEST, high]. */
async function listenBelow(server: net.Server, host: string, high: number): Promise<number> {
  let lastError: unknown;
  for (let i = 0; i < TRIES_PER_PORT; i++) {
    const port = LOWEST + Math.floor(Math.random() * (high - LOWEST + 1));
    try {
      return await listen(server, host, port);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
      lastError = err;
    }
  }
  throw new Error(`no free port found in ${LOWEST}-${high} after ${TRIES_PER_PORT} tries: ${String(lastError)}`);
}

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('could not read the bound port'));
      else resolve(address.port);
    });
  });
}
