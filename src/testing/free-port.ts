import * as fs from 'node:fs';
import * as net from 'node:net';
import { ZooKeeperStartError } from './start-errors';

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

/**
 * The ports of `servers` members, `perMember` each, the client port first. With `firstClientPort` (startZooKeeper's
 * `port`), member i's client port is `firstClientPort + i` — checked free now, so a taken one fails at once with a
 * ZooKeeperStartError that names it, not after a JVM start-up — and the others are free ones.
 *
 * @example
 * const [[client, quorum, election]] = await memberPorts(1, 3, 2181);
 */
export async function memberPorts(servers: number, perMember: number, firstClientPort?: number, host = '127.0.0.1'): Promise<number[][]> {
  if (firstClientPort === undefined) {
    const ports = await freePorts(servers * perMember, host);
    return Array.from({ length: servers }, (_, i) => ports.slice(i * perMember, (i + 1) * perMember));
  }
  const clients = Array.from({ length: servers }, (_, i) => firstClientPort + i);
  for (const port of clients) {
    const server = net.createServer();
    try {
      await listen(server, host, port);
    } catch (err) {
      throw new ZooKeeperStartError(`client port ${port} on ${host} is not free (${(err as NodeJS.ErrnoException).code ?? String(err)})`, undefined, { cause: err });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
  // Free ports for the rest, none of them a chosen client port.
  const others = (await freePorts(servers * (perMember - 1) + servers, host)).filter((p) => !clients.includes(p)).slice(0, servers * (perMember - 1));
  return clients.map((client, i) => [client, ...others.slice(i * (perMember - 1), (i + 1) * (perMember - 1))]);
}
