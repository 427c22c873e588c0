// SASL DIGEST-MD5 against a real ZooKeeper 3.8 (JAAS `Server` section, SASLAuthenticationProvider):
// the identity it gives, `sasl:` ACLs, a refused password (AUTH_FAILED, no reconnection storm),
// and the exchange repeated on every reconnect before anything queued meanwhile.
import { firstValueFrom } from 'rxjs';
import {
  AuthFailedError,
  NoAuthError,
  Perms,
  createClient,
  makeAcl,
  type ClientOptions,
  type ZooKeeperClient,
} from '../../../src';
import { startZooKeeper, waitFor, type StartedZooKeeper } from '../../../src/testing';
import { observeFor, rejectionOf, until } from '../../support/fixtures';
import { TcpProxy } from '../../support/tcp-proxy';

let zkServer: StartedZooKeeper;
const clients: ZooKeeperClient[] = [];

function client(options: ClientOptions): ZooKeeperClient {
  const zk = createClient(options);
  clients.push(zk);
  return zk;
}

function sasl(username: string, password = zkServer.sasl!.users[username]): ClientOptions['sasl'] {
  return { mechanism: 'DIGEST-MD5', username, password };
}


/** How many lines of the server's log match. */
async function logCount(pattern: RegExp): Promise<number> {
  const log = await zkServer.members[0].readLog();
  return log.split('\n').filter((line) => pattern.test(line)).length;
}

// What the server logs (at INFO / WARN) for each exchange it accepts or refuses.
const SUCCEEDED = /Successfully authenticated client: authenticationID=alice;/;
const FAILED = /failed to SASL authenticate/;


beforeAll(async () => {
  zkServer = await startZooKeeper({ sasl: true });
  const alice = client({ hosts: zkServer.connectString, sasl: sasl('alice') });
  await alice.start();
  await firstValueFrom(alice.create('/for-alice', 'only alice', { acl: [makeAcl('sasl', 'alice', Perms.ALL)] }));
  await alice.close();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((zk) => zk.close()));
});

afterAll(async () => {
  await zkServer?.stop();
});

describe('SASL DIGEST-MD5 against a real ZooKeeper', () => {
  it('authenticates on connect: the session is sasl:alice', async () => {
    const zk = client({ hosts: zkServer.connectString, sasl: sasl('alice') });
    await zk.start();
    expect(zk.state).toBe('CONNECTED');
    expect(await firstValueFrom(zk.whoAmI())).toContainEqual({ scheme: 'sasl', id: 'alice' });
  });

  it('a sasl ACL grants its user and refuses the others with NoAuthError', async () => {
    const alice = client({ hosts: zkServer.connectString, sasl: sasl('alice') });
    const bob = client({ hosts: zkServer.connectString, sasl: sasl('bob') });
    const anonymous = client({ hosts: zkServer.connectString });
    await Promise.all([alice.start(), bob.start(), anonymous.start()]);

    expect((await firstValueFrom(alice.get('/for-alice'))).data.toString()).toBe('only alice');
    expect((await firstValueFrom(alice.getAcl('/for-alice'))).acl).toEqual([{ perms: Perms.ALL, scheme: 'sasl', id: 'alice' }]);
    await firstValueFrom(alice.set('/for-alice', 'only alice'));

    expect(await firstValueFrom(bob.whoAmI())).toContainEqual({ scheme: 'sasl', id: 'bob' });
    await expect(firstValueFrom(bob.get('/for-alice'))).rejects.toBeInstanceOf(NoAuthError);
    await expect(firstValueFrom(bob.set('/for-alice', 'bob was here'))).rejects.toBeInstanceOf(NoAuthError);
    await expect(firstValueFrom(anonymous.get('/for-alice'))).rejects.toBeInstanceOf(NoAuthError);
    expect((await firstValueFrom(alice.get('/for-alice'))).data.toString()).toBe('only alice');
  });

  it('a wrong password: start() rejects with AuthFailedError, AUTH_FAILED, no reconnection, operations fail fast', async () => {
    const counter = await TcpProxy.start(zkServer.connectString);
    try {
      const failedBefore = await logCount(FAILED);
      const zk = client({ hosts: counter.address, sasl: sasl('alice', 'not-her-password'), connectTimeout: 10_000 });
      const started = Date.now();
      const err = await rejectionOf(zk.start());
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(err).toBeInstanceOf(AuthFailedError);
      expect(err.message).toMatch(/refused SASL DIGEST-MD5 authentication/);
      expect(zk.state).toBe('AUTH_FAILED');

      // ~2 s later: still the one connection and the one refused exchange, still AUTH_FAILED.
      await observeFor(2_000);
      expect(counter.accepted).toBe(1);
      expect(await waitFor(async () => (await logCount(FAILED)) === failedBefore + 1 || undefined, { timeout: 2_000 })).toBe(true);
      expect(await logCount(FAILED)).toBe(failedBefore + 1);
      expect(zk.state).toBe('AUTH_FAILED');

      const asked = Date.now();
      await expect(firstValueFrom(zk.get('/for-alice'))).rejects.toBeInstanceOf(AuthFailedError);
      await expect(firstValueFrom(zk.create('/anything'))).rejects.toBeInstanceOf(AuthFailedError);
      await expect(firstValueFrom(zk.watchData$('/for-alice'))).rejects.toBeInstanceOf(AuthFailedError);
      expect(Date.now() - asked).toBeLessThan(200);
      expect(counter.accepted).toBe(1);

      await zk.close();
      expect(zk.state).toBe('CLOSED');
    } finally {
      await counter.stop();
    }
  });

  it('an unknown user is refused the same way', async () => {
    const zk = client({ hosts: zkServer.connectString, sasl: { mechanism: 'DIGEST-MD5', username: 'mallory', password: 'guess' } });
    const err = await rejectionOf(zk.start());
    expect(err).toBeInstanceOf(AuthFailedError);
    expect(zk.state).toBe('AUTH_FAILED');
  });

  it('authenticates again on every reconnect, before the requests queued while disconnected', async () => {
    const proxy = await TcpProxy.start(zkServer.connectString);
    try {
      const zk = client({ hosts: proxy.address, sasl: sasl('alice'), sessionTimeout: 20_000, retry: { delay: 50, maxDelay: 500 } });
      await zk.start();
      const session = zk.session!.id;
      const succeededBefore = await logCount(SUCCEEDED);

      proxy.refuse();
      await until(zk, 'SUSPENDED');
      // Queued while disconnected: it can only succeed if SASL ran first on the new connection.
      const queued = firstValueFrom(zk.get('/for-alice'));
      const queuedWho = firstValueFrom(zk.whoAmI());
      proxy.accept();

      expect((await queued).data.toString()).toBe('only alice');
      expect(await queuedWho).toContainEqual({ scheme: 'sasl', id: 'alice' });
      expect(zk.session?.id).toBe(session);
      expect(zk.state).toBe('CONNECTED');
      // The server ran one more successful exchange for alice: the reconnect's.
      expect(await waitFor(async () => (await logCount(SUCCEEDED)) >= succeededBefore + 1 || undefined, { timeout: 2_000 })).toBe(true);
      expect(await logCount(SUCCEEDED)).toBe(succeededBefore + 1);
    } finally {
      await proxy.stop();
    }
  });
});
