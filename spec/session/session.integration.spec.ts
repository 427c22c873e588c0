import { firstValueFrom, lastValueFrom, type Subscription } from 'rxjs';
import {
  ConnectionLossError,
  createClient,
  makeDigestAcl,
  NoAuthError,
  Perms,
  type ConnectionState,
  type ZooKeeperClient,
} from '../../src';
import { until } from '../support/fixtures';
import { startZooKeeper } from '../../src/testing';
import type { StartedZooKeeper } from '../../src/testing';
import { TcpProxy } from '../support/tcp-proxy';

async function waitUntil(condition: () => boolean, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('session against a real ZooKeeper', () => {
  let zkServer: StartedZooKeeper;
  const clients: ZooKeeperClient[] = [];
  const subscriptions: Subscription[] = [];

  function client(hosts: string, options: { sessionTimeout?: number } = {}): { zk: ZooKeeperClient; states: ConnectionState[] } {
    const zk = createClient({ hosts, retry: { delay: 50, maxDelay: 500 }, ...options });
    const states: ConnectionState[] = [];
    subscriptions.push(zk.state$.subscribe((s) => states.push(s)));
    clients.push(zk);
    return { zk, states };
  }

  beforeAll(async () => {
    zkServer = await startZooKeeper();
  });

  afterEach(async () => {
    for (const s of subscriptions.splice(0)) s.unsubscribe();
    await Promise.all(clients.splice(0).map((zk) => zk.close()));
  });

  afterAll(async () => {
    await zkServer.stop();
  });

  it('keeps its session when the server restarts within the session timeout: SUSPENDED, then CONNECTED', async () => {
    const { zk, states } = client(zkServer.connectString, { sessionTimeout: 20_000 });
    await zk.start();
    const session = zk.session;
    const ephemeral = await firstValueFrom(zk.create('/restart-eph', 'mine', { ephemeral: true }));
    await zkServer.members[0].stop();
    await until(zk, 'SUSPENDED');
    await zkServer.members[0].start();
    await until(zk, 'CONNECTED');
    // The states first: on a failure they tell whether the server reported the session expired.
    expect(states).toEqual(['CONNECTING', 'CONNECTED', 'SUSPENDED', 'CONNECTED']);
    expect(zk.session?.id).toBe(session?.id);
    expect(zk.session?.password.equals(session!.password)).toBe(true);
    const stat = await firstValueFrom(zk.exists(ephemeral));
    expect(stat?.ephemeralOwner).toBe(session?.id);
  }, 60_000);

  it('reports EXPIRED on a real server-side expiry, then makes a new session by itself', async () => {
    const { zk, states } = client(zkServer.connectString);
    await zk.start();
    const old = zk.session!.id;
    await firstValueFrom(zk.create('/expiry-eph', '', { ephemeral: true }));
    await zkServer.expireSession(zk);
    // The client may be through EXPIRED and on a new session before expireSession resolves: wait on the record.
    await waitUntil(() => states.includes('EXPIRED') && zk.state === 'CONNECTED');
    expect(zk.session?.id).not.toBe(old);
    // The old session's ephemeral went with it; the new session works.
    expect(await firstValueFrom(zk.exists('/expiry-eph'))).toBeNull();
    expect(await firstValueFrom(zk.create('/expiry-eph', '', { ephemeral: true }))).toBe('/expiry-eph');
    // (expireSession may have had to try more than once, each try a SUSPENDED/CONNECTED cycle.)
    expect(states.slice(0, 2)).toEqual(['CONNECTING', 'CONNECTED']);
    expect(states.slice(-4)).toEqual(['SUSPENDED', 'EXPIRED', 'CONNECTING', 'CONNECTED']);
  }, 30_000);

  it('fails a request in flight on a cut connection, holds requests made while cut, and replays auth before them', async () => {
    const proxy = await TcpProxy.start(zkServer.connectString);
    try {
      const admin = client(zkServer.connectString).zk;
      await admin.start();
      const acl = [makeDigestAcl('alice', 'wonderland', Perms.ALL)];
      await firstValueFrom(admin.create('/guarded', 'secret', { acl }));

      const { zk, states } = client(proxy.address, { sessionTimeout: 20_000 });
      await zk.start();
      await expect(firstValueFrom(zk.get('/guarded'))).rejects.toBeInstanceOf(NoAuthError);
      await lastValueFrom(zk.addAuth('digest', 'alice:wonderland'), { defaultValue: undefined });
      expect((await firstValueFrom(zk.get('/guarded'))).data.toString()).toBe('secret');
      const session = zk.session!.id;

      // Pause the server so a request is sent but cannot be answered, then cut the connection under it.
      await zkServer.members[0].pause();
      const inFlight = firstValueFrom(zk.get('/guarded'));
      await new Promise((r) => setTimeout(r, 100));
      proxy.refuse();
      await expect(inFlight).rejects.toBeInstanceOf(ConnectionLossError);
      await zkServer.members[0].resume();
      await until(zk, 'SUSPENDED');

      // Made while disconnected: waits, then succeeds after the credentials were replayed.
      const queued = firstValueFrom(zk.get('/guarded'));
      proxy.accept();
      expect((await queued).data.toString()).toBe('secret');
      expect(zk.session?.id).toBe(session);
      expect(states).toEqual(['CONNECTING', 'CONNECTED', 'SUSPENDED', 'CONNECTED']);
    } finally {
      await zkServer.members[0].resume().catch(() => undefined);
      await proxy.stop();
    }
  }, 30_000);

  it('notices a frozen server within the read timeout and reports SUSPENDED', async () => {
    const { zk } = client(zkServer.connectString, { sessionTimeout: 3_000 });
    await zk.start();
    const readTimeout = (zk.session!.timeout * 2) / 3;
    await zkServer.members[0].pause();
    const frozenAt = Date.now();
    try {
      await until(zk, 'SUSPENDED');
      const noticed = Date.now() - frozenAt;
      expect(noticed).toBeLessThanOrEqual(readTimeout + 1_000);
    } finally {
      await zkServer.members[0].resume();
    }
    await until(zk, 'CONNECTED');
  }, 30_000);
});
