// SASL GSSAPI (RFC 4752) on a scripted Kerberos binding: the order of the exchange, the security-layer answer
// (none, size 0, the principal as authorisation id, wrapped without confidentiality), the errors, the missing
// package, the process environment each call runs in, and the service principal's host.
import { lastValueFrom, of } from 'rxjs';
import { ZooKeeperClientError } from '../../../src/errors';
import { GssapiClient } from '../../../src/session/sasl/gssapi';
import {
  loadKerberosBinding,
  nativeEnvironment,
  withKerberosEnvironment,
  type KerberosBinding,
  type KerberosContext,
} from '../../../src/session/sasl/kerberos-binding';
import { createSaslMechanism } from '../../../src/session/sasl/mechanism-factory';
import { saslExchange } from '../../../src/session/sasl/sasl-exchange';
import { SaslError } from '../../../src/session/sasl/sasl-error';
import { serviceHost, type HostLookups } from '../../../src/session/sasl/service-host';

const b64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64');

/** What the scripted binding saw, and the environment each of its calls ran in. */
interface Calls {
  initialize: { service: string; options: unknown; env: string | undefined }[];
  steps: string[];
  unwrapped: string[];
  wrapped: { message: Buffer; options: unknown }[];
}

/**
 * A binding whose context completes on the server's second token (AP-REQ out, AP-REP in), unwraps
 * `wrap:<bytes>` to <bytes>, and wraps by prefixing 'wrap:'.
 */
function scriptedBinding(overrides: Partial<KerberosContext> = {}, username = 'alice@EXAMPLE.COM'): { binding: KerberosBinding; calls: Calls } {
  const calls: Calls = { initialize: [], steps: [], unwrapped: [], wrapped: [] };
  let complete = false;
  const context: KerberosContext = {
    get contextComplete() {
      return complete;
    },
    get username() {
      return complete ? username : '';
    },
    async step(challenge) {
      calls.steps.push(challenge);
      if (challenge === '') return b64('AP-REQ');
      complete = true;
      return '';
    },
    async unwrap(challenge) {
      calls.unwrapped.push(challenge);
      const token = Buffer.from(challenge, 'base64');
      return b64(token.subarray('wrap:'.length));
    },
    async wrap(challenge, options) {
      calls.wrapped.push({ message: Buffer.from(challenge, 'base64'), options });
      return b64(Buffer.concat([Buffer.from('wrap:'), Buffer.from(challenge, 'base64')]));
    },
    ...overrides,
  };
  const binding: KerberosBinding = {
    GSS_MECH_OID_KRB5: 9,
    async initializeClient(service, options) {
      calls.initialize.push({ service, options, env: nativeEnvironment().KRB5CCNAME });
      return context;
    },
  };
  return { binding, calls };
}

/** The server's wrapped security-layer offer: a bit mask and a 3-byte maximum size. */
const offer = (layers: number, maxSize = 65536): Buffer =>
  Buffer.concat([Buffer.from('wrap:'), Buffer.from([layers, (maxSize >> 16) & 0xff, (maxSize >> 8) & 0xff, maxSize & 0xff])]);

describe('GssapiClient', () => {
  it('sends the AP-REQ, an empty answer to the AP-REP, then "no security layer" wrapped, and completes on the final reply', async () => {
    const { binding, calls } = scriptedBinding();
    const client = new GssapiClient({ target: async () => 'zookeeper@zk1.example.com', principal: 'alice@EXAMPLE.COM', loadBinding: () => binding });
    const replies = [Buffer.from('AP-REP'), offer(0x07), Buffer.alloc(0)];
    const sent: Buffer[] = [];
    await lastValueFrom(
      saslExchange(client, (token) => {
        sent.push(token);
        return of(replies.shift()!);
      }),
      { defaultValue: undefined },
    );

    expect(calls.initialize).toEqual([{ service: 'zookeeper@zk1.example.com', options: { principal: 'alice@EXAMPLE.COM', mechOID: 9 }, env: process.env.KRB5CCNAME }]);
    expect(calls.steps).toEqual(['', b64('AP-REP')]);
    expect(calls.unwrapped).toEqual([b64(offer(0x07))]);
    // RFC 4752 §3.1: layer 1 (none), maximum size 0, then the authorisation id; integrity only (protect: false).
    expect(calls.wrapped).toEqual([{ message: Buffer.concat([Buffer.from([1, 0, 0, 0]), Buffer.from('alice@EXAMPLE.COM')]), options: { protect: false } }]);
    expect(sent.map((t) => t.toString())).toEqual(['AP-REQ', '', `wrap:\x01\x00\x00\x00alice@EXAMPLE.COM`]);
    expect(client.complete).toBe(true);
    expect(client.identity).toBe('alice@EXAMPLE.COM');
  });

  it('refuses an offer without "no security layer", naming the layers the server wants', async () => {
    const { binding } = scriptedBinding();
    const client = new GssapiClient({ target: async () => 'zookeeper@zk1', loadBinding: () => binding });
    await client.initialResponse();
    await client.evaluateChallenge(Buffer.from('AP-REP'));
    const err = await client.evaluateChallenge(offer(0x04)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SaslError);
    expect((err as Error).message).toBe('GSSAPI: the server requires a security layer (confidentiality), which this client does not offer: set the server\'s qop to auth');
    // The exchange is over.
    await expect(client.evaluateChallenge(Buffer.alloc(0))).rejects.toThrow('no more tokens expected: the exchange has failed');
  });

  it('refuses an offer that is not 4 bytes', async () => {
    const { binding } = scriptedBinding();
    const client = new GssapiClient({ target: async () => 'zookeeper@zk1', loadBinding: () => binding });
    await client.initialResponse();
    await client.evaluateChallenge(Buffer.from('AP-REP'));
    await expect(client.evaluateChallenge(Buffer.from('wrap:\x01\x00\x00'))).rejects.toThrow("GSSAPI: the server's security layer offer is 3 bytes, not 4");
  });

  it('turns what the Kerberos library refuses into a SaslError saying what could not be done', async () => {
    const kdcSays = new Error('Unspecified GSS failure.  Minor code may provide more information: Preauthentication failed');
    const { binding } = scriptedBinding({ step: () => Promise.reject(kdcSays) });
    const client = new GssapiClient({ target: async () => 'zookeeper@zk1', principal: 'bob@EXAMPLE.COM', loadBinding: () => binding });
    const err = await client.initialResponse().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SaslError);
    expect(err).toBeInstanceOf(ZooKeeperClientError);
    expect((err as Error).message).toBe(`GSSAPI: cannot get a Kerberos ticket for zookeeper@zk1 as bob@EXAMPLE.COM: ${kdcSays.message}`);
    expect((err as Error).cause).toBe(kdcSays);
  });

  it("with a keytab, runs each call with MIT's client keytab and a memory cache of its own, and restores the environment", async () => {
    const { binding, calls } = scriptedBinding();
    const seen: (string | undefined)[] = [];
    const before = { ...nativeEnvironment() };
    const client = new GssapiClient({
      target: async () => 'zookeeper@zk1',
      principal: 'app@EXAMPLE.COM',
      keytab: '/etc/app.keytab',
      loadBinding: () => ({
        ...binding,
        initializeClient: async (service, options) => {
          seen.push(nativeEnvironment().KRB5_CLIENT_KTNAME);
          return binding.initializeClient(service, options);
        },
      }),
    });
    await client.initialResponse();
    expect(seen).toEqual(['FILE:/etc/app.keytab']);
    expect(calls.initialize[0].env).toMatch(/^MEMORY:rxzk-[0-9a-f]{16}$/);
    expect({ ...nativeEnvironment() }).toEqual(before);
  });
});

describe('withKerberosEnvironment', () => {
  // What native code sees (under Jest, process.env is a sandbox's copy that no native library reads).
  const native = (name: string): string | undefined => nativeEnvironment()[name];

  it('runs calls one at a time, each in its own environment', async () => {
    const order: string[] = [];
    let release!: () => void;
    const first = withKerberosEnvironment({ RXZK_TEST_CACHE: 'one' }, async () => {
      order.push(`start ${native('RXZK_TEST_CACHE')}`);
      await new Promise<void>((resolve) => (release = resolve));
      order.push(`end ${native('RXZK_TEST_CACHE')}`);
    });
    const second = withKerberosEnvironment({ RXZK_TEST_CACHE: 'two' }, async () => {
      order.push(`start ${native('RXZK_TEST_CACHE')}`);
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['start one']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['start one', 'end one', 'start two']);
    expect(native('RXZK_TEST_CACHE')).toBeUndefined();
  });

  it("passes MIT's variables as process.env shows them, even where that is a sandbox's copy", async () => {
    const saved = process.env.KRB5_CONFIG;
    process.env.KRB5_CONFIG = '/etc/rxzk-test/krb5.conf';
    try {
      await expect(withKerberosEnvironment({}, async () => native('KRB5_CONFIG'))).resolves.toBe('/etc/rxzk-test/krb5.conf');
      expect(native('KRB5_CONFIG')).toBe(saved);
    } finally {
      if (saved === undefined) delete process.env.KRB5_CONFIG;
      else process.env.KRB5_CONFIG = saved;
    }
  });

  it('goes on after a call that failed', async () => {
    await expect(withKerberosEnvironment({}, () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(withKerberosEnvironment({}, async () => 'next')).resolves.toBe('next');
  });
});

describe('loadKerberosBinding', () => {
  it("names the package to install when it is missing", () => {
    const missing = Object.assign(new Error("Cannot find module 'kerberos'"), { code: 'MODULE_NOT_FOUND' });
    const err = (() => {
      try {
        loadKerberosBinding(() => {
          throw missing;
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SaslError);
    expect((err as Error).message).toMatch(/^GSSAPI: the Kerberos library is missing: install the optional peer dependency 'kerberos' \(npm install kerberos;/);
    expect((err as Error).message).toContain('--build-from-source');
  });

  it('says so when the package is there but its native part cannot load', () => {
    expect(() =>
      loadKerberosBinding(() => {
        throw new Error('kerberos.node: cannot open shared object file');
      }),
    ).toThrow(/^GSSAPI: the 'kerberos' package cannot be loaded \(kerberos\.node: cannot open shared object file\)/);
  });

  it('fails the exchange, not the process, when GSSAPI is used without it', async () => {
    const mechanism = createSaslMechanism(
      { mechanism: 'GSSAPI', serviceName: 'zookeeper', canonicalizeHostname: false },
      { server: 'zk1:2181', remoteAddress: '10.0.0.5' },
      {
        loadBinding: () =>
          loadKerberosBinding(() => {
            throw Object.assign(new Error("Cannot find module 'kerberos'"), { code: 'MODULE_NOT_FOUND' });
          }),
      },
    );
    await expect(lastValueFrom(saslExchange(mechanism, () => of(Buffer.alloc(0))))).rejects.toThrow(/the Kerberos library is missing/);
  });
});

describe('the service principal', () => {
  /** A resolver where 10.0.0.5 is zk1.example.com and 10.0.0.6 claims a name that resolves elsewhere. */
  const lookups: HostLookups = {
    async lookupService(address) {
      const names: Record<string, string> = { '10.0.0.5': 'zk1.example.com', '10.0.0.6': 'liar.example.com', '10.0.0.7': '10.0.0.7' };
      if (names[address] === undefined) throw Object.assign(new Error('getnameinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      return { hostname: names[address] };
    },
    async lookup(hostname) {
      return hostname === 'zk1.example.com' ? [{ address: '10.0.0.5' }] : [{ address: '192.0.2.1' }];
    },
  };

  it("is the connected address's canonical name, as the Java client canonicalises by default", async () => {
    await expect(serviceHost('zk-alias', '10.0.0.5', true, lookups)).resolves.toBe('zk1.example.com');
  });

  it('keeps the host as named when the reverse name does not lead back, there is none, or canonicalisation is off', async () => {
    await expect(serviceHost('zk2', '10.0.0.6', true, lookups)).resolves.toBe('zk2');
    await expect(serviceHost('zk3', '10.0.0.7', true, lookups)).resolves.toBe('zk3');
    await expect(serviceHost('zk4', '10.0.0.8', true, lookups)).resolves.toBe('zk4');
    await expect(serviceHost('zk-alias', '10.0.0.5', false, lookups)).resolves.toBe('zk-alias');
  });

  it('is <serviceName>@<host> per connection; serviceHost replaces the host and skips canonicalisation', async () => {
    const targets: string[] = [];
    const { binding } = scriptedBinding();
    const recording: KerberosBinding = { ...binding, initializeClient: (service, options) => (targets.push(service), binding.initializeClient(service, options)) };
    const peer = { server: 'zk-alias:2181', remoteAddress: '10.0.0.5' };
    const make = (config: { serviceName: string; serviceHost?: string; canonicalizeHostname: boolean }) =>
      createSaslMechanism({ mechanism: 'GSSAPI', ...config }, peer, { lookups, loadBinding: () => recording }).initialResponse();
    await make({ serviceName: 'zookeeper', canonicalizeHostname: true });
    await make({ serviceName: 'zk', canonicalizeHostname: false });
    await make({ serviceName: 'zookeeper', serviceHost: 'zk.example.com', canonicalizeHostname: true });
    expect(targets).toEqual(['zookeeper@zk1.example.com', 'zk@zk-alias', 'zookeeper@zk.example.com']);
  });
});
