// connectionEvents$' reasons that a real ZooKeeper cannot be made to give (issue 22): a malformed frame, a handshake
// never answered, a silent server, credentials refused. The ordinary flow (connect, cut, expiry, close) is checked
// against a real server in spec/client/observability.integration.spec.ts.
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import { createClient, type ConnectionEvent, type ZooKeeperClient } from '../../src';
import { OpCode, SpecialXid } from '../jute/codec';
import { FakeZooKeeper } from '../support/fake-zookeeper';

describe('connection events (scripted server)', () => {
  let fake: FakeZooKeeper | undefined;
  let zk: ZooKeeperClient | undefined;
  let subscription: Subscription | undefined;

  afterEach(async () => {
    subscription?.unsubscribe();
    await zk?.close();
    await fake?.stop();
  });

  function client(hosts: string, options: { sessionTimeout?: number; auth?: { scheme: string; credential: string }[]; connectTimeout?: number } = {}): ConnectionEvent[] {
    zk = createClient({ hosts, retry: { delay: 10, maxDelay: 50 }, ...options });
    const events: ConnectionEvent[] = [];
    subscription = zk.connectionEvents$.subscribe((e) => events.push(e));
    return events;
  }

  /** The first `disconnected` event from now on. */
  function nextDisconnect(): Promise<ConnectionEvent> {
    if (zk === undefined) throw new Error('no client');
    return firstValueFrom(zk.connectionEvents$.pipe(filter((e) => e.type === 'disconnected')));
  }

  it('says protocol-error when the server sends a malformed frame', async () => {
    fake = await FakeZooKeeper.start();
    client(fake.address);
    await zk?.start();
    const conn = await fake.connection(1);
    const disconnected = nextDisconnect();
    // A reply to a ping whose header is cut short.
    conn.sendRaw(Buffer.from([0, 0, 0, 4, 0xff, 0xff, 0xff, 0xfe]));
    const event = await disconnected;
    expect(event).toMatchObject({ type: 'disconnected', server: fake.address, reason: 'protocol-error' });
  });

  it('says handshake-timeout when the server never answers the handshake', async () => {
    fake = await FakeZooKeeper.start(() => undefined);
    const events = client(fake.address, { sessionTimeout: 1_000, connectTimeout: 5_000 });
    const starting = zk?.start().catch(() => undefined);
    const event = await nextDisconnect();
    expect(event).toMatchObject({ type: 'disconnected', server: fake.address, reason: 'handshake-timeout' });
    expect(events[0]).toEqual({ type: 'connecting', server: fake.address });
    await zk?.close();
    await starting;
  });

  it('says read-timeout when a connected server goes silent', async () => {
    fake = await FakeZooKeeper.start((c) => c.acceptSession({ timeOut: 600 }));
    client(fake.address, { sessionTimeout: 600 });
    await zk?.start();
    // The fake never answers pings: two thirds of 600 ms later the client gives up on the connection.
    const event = await nextDisconnect();
    expect(event).toMatchObject({ type: 'disconnected', reason: 'read-timeout' });
    expect((event as { error: Error }).error.message).toMatch(/nothing received for [\d.]+ ms/);
  });

  it('says auth-failed, then disconnected, when the server refuses the credentials', async () => {
    fake = await FakeZooKeeper.start();
    const events = client(fake.address, { auth: [{ scheme: 'digest', credential: 'u:p' }] });
    await zk?.start();
    const conn = await fake.connection(1);
    const [auth] = await conn.waitForRequests(1);
    expect(auth.type).toBe(OpCode.auth);
    const disconnected = nextDisconnect();
    conn.reply(SpecialXid.auth, -115);
    await disconnected;
    expect(events.map((e) => e.type)).toEqual(['connecting', 'connected', 'auth-failed', 'disconnected']);
    expect(events[3]).toMatchObject({ reason: 'auth-failed', server: fake.address });
    expect(zk?.state).toBe('AUTH_FAILED');
  });
});
