// The connector tries every address a host name resolves to (issue 21 item 4), as the Java client's
// StaticHostProvider does, before the next server; a name that does not resolve is a failed attempt like any other.
import * as net from 'node:net';
import { filter, firstValueFrom } from 'rxjs';
import { ConnectError, createClient, type ConnectionEvent } from '../../src';
import { Connector } from '../../src/session/connector';
import { silentLogger } from '../../src/session/logger';
import { DEFAULT_RECONNECT_POLICY } from '../../src/session/retry-policy';
import type { Connection } from '../../src/transport/connection';
import type { Endpoint } from '../../src/transport/connect-string';
import { FakeZooKeeper } from '../support/fake-zookeeper';

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

describe("an attempt's bound", () => {
  /** The per-attempt bound of a connector over `count` servers, for a 9 s session. */
  function boundFor(count: number): number {
    const endpoints = Array.from({ length: count }, (_, i) => ({ host: '127.0.0.1', port: 2181 + i }));
    return new Connector(
      { endpoints, randomizeHosts: false, sessionTimeout: 9_000, reconnect: DEFAULT_RECONNECT_POLICY, maxReplySize: 1 << 20, logger: silentLogger },
      { negotiatedTimeout: 0, onSocket: () => undefined, onGiveUp: () => undefined, onAttempt: () => undefined, onAttemptFailed: () => undefined },
    ).connectTimeout;
  }

  it("is the Java client's share of the session timeout per server, but never more than the read timeout (two thirds)", () => {
    expect([boundFor(1), boundFor(2), boundFor(3), boundFor(5)]).toEqual([6_000, 4_500, 3_000, 1_800]);
  });

  it('lets a lone server that takes a connection and never answers it be tried again while the session lives (ZOOKEEPER-5051)', async () => {
    // Connection 1 makes the session; the server drops it; it takes connection 2 and is silent (as ZooKeeper 3.8 is
    // to a connection that comes while it starts); it answers connection 3 with the same session.
    const fake = await FakeZooKeeper.start((c) => {
      if (fake.connections.length !== 2) c.acceptSession({ sessionId: 0x5051n, timeOut: 3_000 });
    });
    const zk = createClient({ hosts: fake.address, sessionTimeout: 3_000, retry: { delay: 10, maxDelay: 50 } });
    const events: ConnectionEvent[] = [];
    const subscription = zk.connectionEvents$.subscribe((e) => events.push(e));
    try {
      await zk.start();
      (await fake.connection(1)).destroy();
      await fake.connection(3);
      await firstValueFrom(zk.state$.pipe(filter((s) => s === 'CONNECTED' || s === 'EXPIRED')));
      // With the whole session timeout as its bound, the silent attempt outlasted the session: the client declared it
      // expired (its session timeout without a word) before trying again.
      expect(events.map((e) => (e.type === 'disconnected' ? `disconnected:${e.reason}` : e.type))).toEqual([
        'connecting',
        'connected',
        'disconnected:closed-by-server',
        'connecting',
        'disconnected:handshake-timeout',
        'connecting',
        'connected',
      ]);
      expect(zk.session?.id).toBe(0x5051n);
    } finally {
      subscription.unsubscribe();
      await zk.close();
      await fake.stop();
    }
  });
});
