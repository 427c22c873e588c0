// The connector tries every address a host name resolves to (issue 21 item 4), as the Java client's
// StaticHostProvider does, before the next server; a name that does not resolve is a failed attempt like any other.
import * as net from 'node:net';
import { ConnectError } from '../../src';
import { Connector } from '../../src/session/connector';
import { silentLogger } from '../../src/session/logger';
import { DEFAULT_RECONNECT_POLICY } from '../../src/session/retry-policy';
import type { Connection } from '../../src/transport/connection';
import type { Endpoint } from '../../src/transport/connect-string';

let listener: net.Server;
let port: number;
const accepted: net.Socket[] = [];

beforeAll(async () => {
  listener = net.createServer((s) => accepted.push(s));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as net.AddressInfo).port;
});

afterAll(async () => {
  for (const s of accepted) s.destroy();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
});

/** A connector over `endpoints` whose names resolve by `table`; resolves with the first connection it hands over. */
function connectOnce(endpoints: Endpoint[], table: Record<string, string[]>): { connection: Promise<Connection>; lookups: string[]; connector: Connector } {
  const lookups: string[] = [];
  let handOver: (conn: Connection) => void = () => undefined;
  const connection = new Promise<Connection>((resolve) => (handOver = resolve));
  const connector = new Connector(
    { endpoints, randomizeHosts: false, sessionTimeout: 10_000, reconnect: DEFAULT_RECONNECT_POLICY, maxReplySize: 1 << 20, logger: silentLogger },
    { negotiatedTimeout: 0, onSocket: (conn) => handOver(conn), onGiveUp: () => undefined, onAttempt: () => undefined, onAttemptFailed: () => undefined },
    async (host) => {
      lookups.push(host);
      const addresses = table[host];
      if (addresses === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return addresses;
    },
  );
  connector.start();
  connector.next(false);
  return { connection, lookups, connector };
}

it('tries each address of a name in turn: the first refuses, the second serves; the connection keeps the name', async () => {
  // 127.0.0.2 is loopback too, but nothing listens there: refused at once.
  const { connection, lookups, connector } = connectOnce([{ host: 'zk.test', port }], { 'zk.test': ['127.0.0.2', '127.0.0.1'] });
  const conn = await connection;
  try {
    expect(conn.server).toBe(`zk.test:${port}`);
    expect(conn.remoteAddress).toBe('127.0.0.1');
    expect(lookups).toEqual(['zk.test']); // one look-up for both addresses
    expect(connector.lastError).toBeInstanceOf(ConnectError);
    expect((connector.lastError as ConnectError).server).toBe(`zk.test:${port}`);
  } finally {
    conn.destroy();
    connector.stop();
  }
});

it('a name that does not resolve fails its attempt with a ConnectError naming it, and the next server is tried', async () => {
  const { connection, lookups, connector } = connectOnce(
    [
      { host: 'gone.test', port },
      { host: '127.0.0.1', port },
    ],
    {},
  );
  const conn = await connection;
  try {
    expect(conn.server).toBe(`127.0.0.1:${port}`);
    expect(lookups).toEqual(['gone.test']); // an IP address is not looked up
    expect(String(connector.lastError)).toContain(`gone.test:${port}: cannot resolve gone.test (ENOTFOUND)`);
  } finally {
    conn.destroy();
    connector.stop();
  }
});
