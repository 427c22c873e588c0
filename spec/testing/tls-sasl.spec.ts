import * as tls from 'node:tls';
import { fourLetterWord, startZooKeeper, type StartedZooKeeper } from '../../src/testing';

interface Outcome {
  handshake: boolean;
  answer: string;
  error?: string;
}

/** Connects with TLS, sends 'srvr', and reports whether the handshake completed and what came back. */
function tlsSrvr(address: string, options: tls.ConnectionOptions): Promise<Outcome> {
  const [host, port] = address.split(',')[0].split(':');
  return new Promise((resolve) => {
    let handshake = false;
    let answer = '';
    let error: string | undefined;
    const socket = tls.connect({ ...options, host, port: Number(port), checkServerIdentity: () => undefined }, () => {
      handshake = true;
      socket.write('srvr');
    });
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (answer += d));
    socket.on('error', (err) => (error = err.message));
    socket.on('close', () => resolve({ handshake, answer, error }));
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
  });
}

describe('startZooKeeper({ tls: true, sasl: true })', () => {
  let zkServer: StartedZooKeeper;

  beforeAll(async () => {
    zkServer = await startZooKeeper({ tls: true, sasl: true });
  });

  afterAll(async () => {
    await zkServer?.stop();
  });

  it('exposes a secure address and PEM material for clients', () => {
    expect(zkServer.secureConnectString).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(zkServer.secureConnectString).not.toBe(zkServer.connectString);
    expect(zkServer.tls?.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(zkServer.tls?.cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(zkServer.tls?.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(zkServer.members[0].secureConnectString).toBe(zkServer.secureConnectString);
  });

  it('completes a TLS handshake trusting only the given CA, without a client certificate', async () => {
    const outcome = await tlsSrvr(zkServer.secureConnectString!, { ca: zkServer.tls!.ca });
    expect(outcome.error).toBeUndefined();
    expect(outcome.handshake).toBe(true);
    expect(outcome.answer).toMatch(/^Mode: standalone$/m);
  });

  it('verifies as 127.0.0.1 and localhost (the certificate has both as SANs)', async () => {
    const [, port] = zkServer.secureConnectString!.split(':');
    for (const host of ['127.0.0.1', 'localhost']) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = tls.connect({ host, port: Number(port), ca: zkServer.tls!.ca, servername: host === 'localhost' ? host : undefined }, () => {
          resolve(s.authorized);
          s.destroy();
        });
        s.on('error', () => resolve(false));
      });
      expect(ok).toBe(true);
    }
  });

  it('rejects a client that does not trust the CA', async () => {
    const outcome = await tlsSrvr(zkServer.secureConnectString!, {});
    expect(outcome.handshake).toBe(false);
    expect(outcome.error).toMatch(/self.signed|unable to verify|certificate/i);
  });

  it('keeps the plain port open', async () => {
    expect(await fourLetterWord(zkServer.connectString, 'ruok')).toBe('imok');
  });

  it('loads the JAAS Server section and exposes the SASL users', async () => {
    expect(zkServer.sasl?.users).toEqual({ alice: 'alice-secret', bob: 'bob-secret' });
    // DigestLoginModule logged in with the Server section; a bad JAAS file fails start-up instead.
    expect(await zkServer.members[0].readLog()).toMatch(/Server successfully logged in/);
  });

  it('exposes the super user for reconfig', () => {
    expect(zkServer.superUser).toEqual({ username: 'super', password: 'super-secret' });
  });
});

describe('startZooKeeper({ tls: { clientAuth: true }, sasl: { users } })', () => {
  let zkServer: StartedZooKeeper;

  beforeAll(async () => {
    zkServer = await startZooKeeper({ tls: { clientAuth: true }, sasl: { users: { carol: 'c"a\\rol' } } });
  });

  afterAll(async () => {
    await zkServer?.stop();
  });

  it('accepts a client presenting the given certificate', async () => {
    const { ca, cert, key } = zkServer.tls!;
    const outcome = await tlsSrvr(zkServer.secureConnectString!, { ca, cert, key });
    expect(outcome.error).toBeUndefined();
    expect(outcome.answer).toMatch(/^Mode: standalone$/m);
    // x509 authenticated the client by its certificate's subject.
    expect(await zkServer.members[0].readLog()).toMatch(/Authenticated Id 'CN=rxzk-client' for Scheme 'x509'/);
  });

  it('refuses a client without a certificate', async () => {
    const outcome = await tlsSrvr(zkServer.secureConnectString!, { ca: zkServer.tls!.ca });
    // The server aborts the handshake with a 'bad certificate' alert (TLS 1.2, what 3.8 speaks;
    // under TLS 1.3 the alert would come right after the client's side completes): nothing is served.
    expect(outcome.answer).toBe('');
    expect(outcome.error).toMatch(/certificate/i);
  });

  it('uses the given SASL users', async () => {
    expect(zkServer.sasl?.users).toEqual({ carol: 'c"a\\rol' });
    expect(await zkServer.members[0].readLog()).toMatch(/Server successfully logged in/);
  });
});
