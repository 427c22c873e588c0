// TLS against real ZooKeeper 3.8 servers (NettyServerCnxnFactory with a secureClientPort):
// every operation over TLS, four-letter words on the secure port, the hostname check and how
// to skip it, mutual TLS, and what a client does when TLS cannot work (typed errors, no spinning).
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { firstValueFrom, lastValueFrom, toArray, take, filter } from 'rxjs';
import {
  ClientClosedError,
  ConnectError,
  ConnectionLossError,
  InvalidArgumentError,
  NoAuthError,
  NoNodeError,
  Perms,
  TimeoutError,
  createClient,
  makeAcl,
  makeDigestAcl,
  type ClientOptions,
  type WatchedEvent,
  type ZooKeeperClient,
} from '../../src';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { generateTlsMaterial, type TlsMaterial } from '../../src/testing/tls-material';
import { observeFor, rejectionOf } from '../support/fixtures';
import { TcpProxy } from '../support/tcp-proxy';

const clients: ZooKeeperClient[] = [];

function client(options: ClientOptions): ZooKeeperClient {
  const zk = createClient(options);
  clients.push(zk);
  return zk;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((zk) => zk.close()));
});


/**
 * The first string `code` along an error's cause chain (Node's TLS and socket codes). Not
 * `instanceof Error`: Node's own errors come from another realm than jest's test context.
 */
function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}


/** A throwaway CA (and certificates) other than the servers'. */
async function foreignTlsMaterial(): Promise<{ material: TlsMaterial; remove: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rxzk-foreign-ca-'));
  return { material: await generateTlsMaterial(dir), remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

describe('TLS to a server with a secure client port (tls: true, sasl: true)', () => {
  let zkServer: StartedZooKeeper;
  let secure: string;
  let ca: string;
  let foreign: Awaited<ReturnType<typeof foreignTlsMaterial>>;

  beforeAll(async () => {
    [zkServer, foreign] = await Promise.all([startZooKeeper({ tls: true, sasl: true }), foreignTlsMaterial()]);
    secure = zkServer.secureConnectString!;
    ca = zkServer.tls!.ca;
  });

  afterAll(async () => {
    await zkServer?.stop();
    await foreign?.remove();
  });

  describe('every operation over TLS', () => {
    let zk: ZooKeeperClient;

    beforeEach(async () => {
      // Server-only TLS, the common set-up: the client trusts the CA and shows no certificate.
      zk = client({ hosts: secure, tls: { ca } });
      await zk.start();
    });

    it('connects to the secure port', () => {
      expect(zk.state).toBe('CONNECTED');
      expect(zk.server).toBe(secure);
      expect(zk.session?.timeout).toBeGreaterThan(0);
    });

    it('creates, reads, updates and deletes, large data included', async () => {
      expect(await firstValueFrom(zk.create('/tls-rw', 'v0'))).toBe('/tls-rw');
      const created = await firstValueFrom(zk.createWithStat('/tls-rw/a', 'a'));
      expect(created.path).toBe('/tls-rw/a');
      expect(created.stat.dataLength).toBe(1);

      const got = await firstValueFrom(zk.get('/tls-rw'));
      expect(got.data.toString()).toBe('v0');
      const stat = await firstValueFrom(zk.set('/tls-rw', 'v1', got.stat.version));
      expect(stat.version).toBe(got.stat.version + 1);
      expect((await firstValueFrom(zk.exists('/tls-rw')))?.version).toBe(stat.version);
      expect(await firstValueFrom(zk.exists('/tls-rw/missing'))).toBeNull();

      expect(await firstValueFrom(zk.getChildren('/tls-rw'))).toEqual(['a']);
      const withStat = await firstValueFrom(zk.getChildrenWithStat('/tls-rw'));
      expect(withStat.children).toEqual(['a']);
      expect(withStat.stat.numChildren).toBe(1);
      expect(await firstValueFrom(zk.getAllChildrenNumber('/tls-rw'))).toBe(1);
      expect(await firstValueFrom(zk.sync('/tls-rw'))).toBe('/tls-rw');

      // 900 KB: a frame spread over many TLS records (16 KB each), both ways.
      const big = Buffer.alloc(900 * 1024, 7);
      await firstValueFrom(zk.set('/tls-rw/a', big));
      expect((await firstValueFrom(zk.get('/tls-rw/a'))).data.equals(big)).toBe(true);

      await lastValueFrom(zk.delete('/tls-rw/a', { version: 1 }), { defaultValue: undefined });
      await expect(firstValueFrom(zk.get('/tls-rw/a'))).rejects.toBeInstanceOf(NoNodeError);
      await lastValueFrom(zk.delete('/tls-rw'), { defaultValue: undefined });
      expect(await firstValueFrom(zk.exists('/tls-rw'))).toBeNull();
    });

    it('commits transactions and runs multiRead', async () => {
      const results = await firstValueFrom(
        zk.transaction().create('/tls-tx', 'root').create('/tls-tx/one', '1').set('/tls-tx', 'changed').check('/tls-tx', 1).commit(),
      );
      expect(results).toHaveLength(4);
      const reads = await firstValueFrom(
        zk.multiRead([
          { type: 'get', path: '/tls-tx' },
          { type: 'getChildren', path: '/tls-tx' },
          { type: 'get', path: '/tls-tx/missing' },
        ]),
      );
      expect((reads[0] as { data: Buffer }).data.toString()).toBe('changed');
      expect(reads[1]).toEqual(['one']);
      expect(reads[2]).toBeInstanceOf(NoNodeError);
      await lastValueFrom(zk.delete('/tls-tx', { recursive: true }), { defaultValue: undefined });
    });

    it('reads and sets ACLs, authenticates with addAuth, and says who it is', async () => {
      const ids = await firstValueFrom(zk.whoAmI());
      expect(ids).toContainEqual({ scheme: 'ip', id: '127.0.0.1' });
      // No client certificate was shown, so no x509 identity.
      expect(ids.map((i) => i.scheme)).not.toContain('x509');

      const acl = [makeDigestAcl('tls-user', 'tls-password', Perms.ALL)];
      await firstValueFrom(zk.create('/tls-acl', 'guarded'));
      const before = await firstValueFrom(zk.getAcl('/tls-acl'));
      expect(before.acl).toEqual([{ perms: Perms.ALL, scheme: 'world', id: 'anyone' }]);
      const after = await firstValueFrom(zk.setAcl('/tls-acl', acl, before.stat.aversion));
      expect(after.aversion).toBe(before.stat.aversion + 1);
      // Reading the node, and its ACL (the server wants READ or ADMIN for getAcl), now takes the digest user's credentials.
      await expect(firstValueFrom(zk.get('/tls-acl'))).rejects.toBeInstanceOf(NoAuthError);
      await expect(firstValueFrom(zk.getAcl('/tls-acl'))).rejects.toBeInstanceOf(NoAuthError);

      await lastValueFrom(zk.addAuth('digest', 'tls-user:tls-password'), { defaultValue: undefined });
      expect(await firstValueFrom(zk.whoAmI())).toContainEqual({ scheme: 'digest', id: 'tls-user' });
      expect((await firstValueFrom(zk.get('/tls-acl'))).data.toString()).toBe('guarded');
      expect((await firstValueFrom(zk.getAcl('/tls-acl'))).acl).toEqual(acl);
      await lastValueFrom(zk.delete('/tls-acl'), { defaultValue: undefined });
    });

    it('lists its ephemerals and reads the configuration node', async () => {
      await firstValueFrom(zk.create('/tls-eph', '', { ephemeral: true }));
      expect(await firstValueFrom(zk.getEphemerals('/tls-'))).toEqual(['/tls-eph']);
      // The same configuration node as a plain client reads.
      const plain = client({ hosts: zkServer.connectString });
      await plain.start();
      const [overTls, overPlain] = await Promise.all([firstValueFrom(zk.getConfig()), firstValueFrom(plain.getConfig())]);
      expect(Buffer.isBuffer(overTls.data)).toBe(true);
      expect(overTls.data.equals(overPlain.data)).toBe(true);
      expect(overTls.stat).toEqual(overPlain.stat);
    });

    it('follows a node with watchData$ and removes a watch with removeWatches', async () => {
      await firstValueFrom(zk.create('/tls-watched', 'first'));
      const seen = firstValueFrom(
        zk.watchData$('/tls-watched').pipe(
          filter((v) => v !== null),
          take(2),
          toArray(),
        ),
      );
      // Wait for the first value (the watch is then set on the server) before changing the node.
      await firstValueFrom(zk.watchData$('/tls-watched').pipe(filter((v) => v?.data.toString() === 'first')));
      await firstValueFrom(zk.set('/tls-watched', 'second'));
      expect((await seen).map((v) => v!.data.toString())).toEqual(['first', 'second']);

      const events: WatchedEvent[] = [];
      await firstValueFrom(zk.get('/tls-watched', { watch: (e) => events.push(e) }));
      await lastValueFrom(zk.removeWatches('/tls-watched', 'DATA'), { defaultValue: undefined });
      expect(events).toEqual([expect.objectContaining({ type: 'DataWatchRemoved', path: '/tls-watched' })]);
      await lastValueFrom(zk.delete('/tls-watched'), { defaultValue: undefined });
    });

    it('sends four-letter words to the secure port over TLS (command, serverVersion)', async () => {
      // A plain socket to the secure port gets no answer at all (the server drops non-TLS bytes),
      // so these answers came over TLS, on a socket of their own to zk.server.
      expect(await firstValueFrom(zk.command('ruok'))).toBe('imok');
      expect(await firstValueFrom(zk.command('srvr'))).toMatch(/^Mode: standalone$/m);
      expect(await firstValueFrom(zk.command('mntr'))).toMatch(/^zk_server_state\tstandalone$/m);
      const plainSrvr = await zkServer.members[0].fourLetterWord('srvr');
      const version = /version: (\d+\.\d+\.\d+)/.exec(plainSrvr)?.[1];
      expect(version).toBeDefined();
      expect(await firstValueFrom(zk.serverVersion())).toBe(version);
    });
  });

  it('authenticates as x509 with a client certificate, and with SASL over the same TLS connection', async () => {
    const { cert, key } = zkServer.tls!;
    const zk = client({
      hosts: secure,
      tls: { ca, cert, key },
      sasl: { mechanism: 'DIGEST-MD5', username: 'alice', password: zkServer.sasl!.users.alice },
    });
    await zk.start();
    const ids = await firstValueFrom(zk.whoAmI());
    expect(ids).toContainEqual({ scheme: 'x509', id: 'CN=rxzk-client' });
    expect(ids).toContainEqual({ scheme: 'sasl', id: 'alice' });
    // Both identities open ACLs: the certificate's subject, and the SASL user.
    await firstValueFrom(zk.create('/tls-x509', 'cert', { acl: [makeAcl('x509', 'CN=rxzk-client', Perms.ALL)] }));
    await firstValueFrom(zk.create('/tls-sasl', 'sasl', { acl: [makeAcl('sasl', 'alice', Perms.ALL)] }));
    expect((await firstValueFrom(zk.get('/tls-x509'))).data.toString()).toBe('cert');
    expect((await firstValueFrom(zk.get('/tls-sasl'))).data.toString()).toBe('sasl');
    const anonymous = client({ hosts: secure, tls: { ca } });
    await anonymous.start();
    await expect(firstValueFrom(anonymous.get('/tls-x509'))).rejects.toBeInstanceOf(NoAuthError);
    await expect(firstValueFrom(anonymous.get('/tls-sasl'))).rejects.toBeInstanceOf(NoAuthError);
  });

  describe('the hostname check', () => {
    // The server's certificate names 127.0.0.1 and localhost. Reached through 127.0.0.2
    // (the same server: a forwarder passes the TLS bytes through), it names the wrong host.
    let elsewhere: TcpProxy;

    beforeAll(async () => {
      elsewhere = await TcpProxy.start(secure, '127.0.0.2');
    });

    afterAll(async () => {
      await elsewhere?.stop();
    });

    it('is on by default: a certificate naming another host ends the client at once', async () => {
      const zk = client({ hosts: elsewhere.address, tls: { ca } });
      const err = await rejectionOf(zk.start());
      expect(err).toBeInstanceOf(ConnectError);
      expect(codeOf(err.cause)).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
      expect(err.message).toMatch(/does not name this host.*verifyHostname: false/);
      expect(zk.state).toBe('CLOSED');
      expect(elsewhere.accepted).toBe(1);
    });

    it('verifyHostname: false skips only the name check', async () => {
      const zk = client({ hosts: elsewhere.address, tls: { ca, verifyHostname: false } });
      await zk.start();
      expect(zk.server).toBe(elsewhere.address);
      expect(await firstValueFrom(zk.exists('/'))).not.toBeNull();
      // command() opens its own socket with the same options: the name check is skipped there too.
      expect(await firstValueFrom(zk.command('ruok'))).toBe('imok');
    });

    it('verifyHostname: false still verifies the chain against the CA', async () => {
      const zk = client({ hosts: elsewhere.address, tls: { ca: foreign.material.ca, verifyHostname: false } });
      const err = await rejectionOf(zk.start());
      expect(err).toBeInstanceOf(ConnectError);
      expect(codeOf(err.cause)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    });

    it("passes Node's own options through: checkServerIdentity, servername", async () => {
      const skipped = client({ hosts: elsewhere.address, tls: { ca, checkServerIdentity: () => undefined } });
      await skipped.start();
      expect(skipped.state).toBe('CONNECTED');
      // servername names the host to check against (and to ask for by SNI) whatever address is dialled.
      const named = client({ hosts: elsewhere.address, tls: { ca, servername: 'localhost' } });
      await named.start();
      expect(named.state).toBe('CONNECTED');
      const wrongName = client({ hosts: secure, tls: { ca, servername: 'zk.example.com' } });
      expect(codeOf((await rejectionOf(wrongName.start())).cause)).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    });
  });

  it('gives up at once, without spinning, when the server certificate does not verify against the CA', async () => {
    const counter = await TcpProxy.start(secure);
    try {
      const zk = client({ hosts: counter.address, tls: { ca: foreign.material.ca } });
      const started = Date.now();
      const err = await rejectionOf(zk.start());
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(err).toBeInstanceOf(ConnectError);
      expect(codeOf(err.cause)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      expect(err.message).toMatch(/does not verify against the trusted CAs/);
      expect(zk.state).toBe('CLOSED');
      await observeFor(1_500);
      expect(counter.accepted).toBe(1);
      await expect(firstValueFrom(zk.exists('/'))).rejects.toBeInstanceOf(ClientClosedError);
    } finally {
      await counter.stop();
    }
  });

  it("refuses an unusable certificate in createClient, before connecting", () => {
    expect(() => createClient({ hosts: secure, tls: { ca, cert: 'not a certificate', key: 'not a key' } })).toThrow(InvalidArgumentError);
    expect(() => createClient({ hosts: secure, tls: { ca, verifyHostname: false, checkServerIdentity: () => undefined } })).toThrow(
      InvalidArgumentError,
    );
  });

  // Both mismatches below look, to the client, like a server that accepts the TCP connection
  // and closes it: exactly what ZooKeeper does to a connection over its maxClientCnxns limit,
  // or while it starts. So the client keeps retrying with backoff (100 ms doubling to 2 s),
  // and start() ends it after connectTimeout with a TimeoutError whose cause says what happened.

  it('with tls against the plain port: retries with backoff, start() fails after connectTimeout naming the TLS failure', async () => {
    const counter = await TcpProxy.start(zkServer.connectString);
    try {
      const zk = client({ hosts: counter.address, tls: { ca }, connectTimeout: 3_000 });
      const started = Date.now();
      const err = await rejectionOf(zk.start());
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
      expect(err).toBeInstanceOf(TimeoutError);
      expect(err.cause).toBeInstanceOf(ConnectError);
      // The plain port reads the TLS ClientHello as a frame length far over jute.maxbuffer and closes.
      expect(codeOf(err.cause)).toBe('ECONNRESET');
      expect((err.cause as Error).message).toMatch(/during the TLS handshake: is this its secure client port\?/);
      // Backoff: about 5 attempts in 3 s (0, 0.1, 0.3, 0.7, 1.5 s, ±40% jitter), nowhere near a spin.
      expect(counter.accepted).toBeGreaterThanOrEqual(3);
      expect(counter.accepted).toBeLessThanOrEqual(8);
      const attempts = counter.accepted;
      expect(zk.state).toBe('CLOSED');
      await observeFor(1_000);
      expect(counter.accepted).toBe(attempts);
    } finally {
      await counter.stop();
    }
  });

  it('without tls against the secure port: retries with backoff, start() fails after connectTimeout', async () => {
    const counter = await TcpProxy.start(secure);
    try {
      const zk = client({ hosts: counter.address, connectTimeout: 3_000 });
      const started = Date.now();
      const err = await rejectionOf(zk.start());
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
      expect(err).toBeInstanceOf(TimeoutError);
      // The server's TLS layer drops the plain ConnectRequest (Netty's NotSslRecordException) and
      // closes without a byte: the client only sees a connection closed before the handshake reply.
      expect(err.cause).toBeInstanceOf(ConnectionLossError);
      expect(counter.accepted).toBeGreaterThanOrEqual(3);
      expect(counter.accepted).toBeLessThanOrEqual(8);
      const attempts = counter.accepted;
      expect(zk.state).toBe('CLOSED');
      await observeFor(1_000);
      expect(counter.accepted).toBe(attempts);
    } finally {
      await counter.stop();
    }
  });
});

describe('mutual TLS (tls: { clientAuth: true })', () => {
  let zkServer: StartedZooKeeper;
  let foreign: Awaited<ReturnType<typeof foreignTlsMaterial>>;

  beforeAll(async () => {
    [zkServer, foreign] = await Promise.all([startZooKeeper({ tls: { clientAuth: true } }), foreignTlsMaterial()]);
  });

  afterAll(async () => {
    await zkServer?.stop();
    await foreign?.remove();
  });

  it('accepts a client presenting a certificate signed by the CA, as x509 CN=rxzk-client', async () => {
    const { ca, cert, key } = zkServer.tls!;
    const zk = client({ hosts: zkServer.secureConnectString!, tls: { ca, cert, key } });
    await zk.start();
    expect(await firstValueFrom(zk.whoAmI())).toContainEqual({ scheme: 'x509', id: 'CN=rxzk-client' });
    expect(await firstValueFrom(zk.create('/mtls', 'ok'))).toBe('/mtls');
    expect(await firstValueFrom(zk.command('ruok'))).toBe('imok');
  });

  it('refuses a client without a certificate: ConnectError at once, one attempt', async () => {
    const counter = await TcpProxy.start(zkServer.secureConnectString!);
    try {
      const zk = client({ hosts: counter.address, tls: { ca: zkServer.tls!.ca } });
      const err = await rejectionOf(zk.start());
      expect(err).toBeInstanceOf(ConnectError);
      // TLS 1.2 (what 3.8 speaks by default): the server's 'bad certificate' alert ends the handshake.
      expect(codeOf(err.cause)).toBe('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE');
      expect(err.message).toMatch(/sslv3 alert bad certificate .*refused the client certificate/);
      expect(err.message).not.toMatch(/\n/);
      await observeFor(1_000);
      expect(counter.accepted).toBe(1);
    } finally {
      await counter.stop();
    }
  });

  it('refuses a certificate signed by another CA', async () => {
    const zk = client({
      hosts: zkServer.secureConnectString!,
      tls: { ca: zkServer.tls!.ca, cert: foreign.material.cert, key: foreign.material.key },
    });
    const err = await rejectionOf(zk.start());
    expect(err).toBeInstanceOf(ConnectError);
    expect(codeOf(err.cause)).toMatch(/^ERR_SSL_/);
  });
});

describe('mutual TLS over TLS 1.3', () => {
  // Under TLS 1.3 the server checks the client's certificate after the client's side of the
  // handshake is done: its refusal arrives on an established socket, not during connect.
  let zkServer: StartedZooKeeper;

  beforeAll(async () => {
    zkServer = await startZooKeeper({
      tls: { clientAuth: true },
      jvmFlags: [
        '-Dzookeeper.ssl.protocol=TLSv1.3',
        '-Dzookeeper.ssl.enabledProtocols=TLSv1.3',
        // 3.8's default cipher list has no TLS 1.3 suite.
        '-Dzookeeper.ssl.ciphersuites=TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384',
      ],
    });
  });

  afterAll(async () => {
    await zkServer?.stop();
  });

  it('accepts a client presenting its certificate', async () => {
    const { ca, cert, key } = zkServer.tls!;
    const zk = client({ hosts: zkServer.secureConnectString!, tls: { ca, cert, key, minVersion: 'TLSv1.3' } });
    await zk.start();
    expect(await firstValueFrom(zk.whoAmI())).toContainEqual({ scheme: 'x509', id: 'CN=rxzk-client' });
  });

  it('refuses a client without a certificate as under TLS 1.2: at once, one attempt, the TLS code in the cause', async () => {
    const counter = await TcpProxy.start(zkServer.secureConnectString!);
    try {
      const zk = client({ hosts: counter.address, tls: { ca: zkServer.tls!.ca }, connectTimeout: 5_000 });
      const started = Date.now();
      const err = await rejectionOf(zk.start());
      expect(counter.accepted).toBe(1);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(err).not.toBeInstanceOf(TimeoutError);
      expect(codeOf(err.cause)).toBe('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE');
    } finally {
      await counter.stop();
    }
  });
});
