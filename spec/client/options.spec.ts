// createClient() checks every option (README, "Client"): a wrong type or an out-of-range value throws
// InvalidArgumentError there, before any socket exists, never later from a socket callback.
import { createClient, InvalidArgumentError, type ClientOptions } from '../../src';

const hosts = '127.0.0.1:2181';

describe('createClient() option checks', () => {
  it('refuses an unknown option by name, with the nearest known one (issue 18.4)', () => {
    const options = { hosts: '127.0.0.1:2181', sesionTimeout: 5000 } as unknown as ClientOptions;
    expect(() => createClient(options)).toThrow(InvalidArgumentError);
    expect(() => createClient(options)).toThrow(/createClient: unknown option 'sesionTimeout' \(did you mean 'sessionTimeout'\?\)/);
    expect(() => createClient({ hosts: '127.0.0.1:2181', Hosts: 'x' } as unknown as ClientOptions)).toThrow(/'Hosts' \(did you mean 'hosts'\?\)/);
    // Far from every option: named, with no guess.
    expect(() => createClient({ hosts: '127.0.0.1:2181', zookeeperQuorum: 'x' } as unknown as ClientOptions)).toThrow(/unknown option 'zookeeperQuorum'; the options are hosts, /);
  });

  it.each<[string, Record<string, unknown>]>([
    ['sessionTimeout of 2^31 ms (ConnectRequest.timeOut is an int32)', { sessionTimeout: 2 ** 31 }],
    ['sessionTimeout of 0', { sessionTimeout: 0 }],
    ['sessionTimeout as a fraction', { sessionTimeout: 1000.5 }],
    ['sessionTimeout as a string', { sessionTimeout: '10000' }],
    ['an unsigned sessionId read from a server log', { sessionId: 0x80000123abcd0000n, sessionPassword: Buffer.alloc(16) }],
    ['a sessionId below -2^63', { sessionId: -(2n ** 63n) - 1n, sessionPassword: Buffer.alloc(16) }],
    ['a sessionId as a number', { sessionId: 123, sessionPassword: Buffer.alloc(16) }],
    ['a sessionId without its password', { sessionId: 5n }],
    ['connectTimeout above a timer range', { connectTimeout: 2 ** 31 }],
    ['connectTimeout of Infinity', { connectTimeout: Infinity }],
    ['requestTimeout above a timer range', { requestTimeout: 2 ** 32 }],
    ['requestTimeout negative', { requestTimeout: -1 }],
    ['retry delay below 0', { retry: { delay: -5 } }],
    ['retry delay as a string', { retry: { delay: 'x' } }],
    ['retry delay NaN', { retry: { delay: NaN } }],
    ['retry maxDelay above a timer range', { retry: { maxDelay: 2 ** 31 } }],
    ['retry as a number', { retry: 5 }],
    ['auth as a string', { auth: 'x' }],
    ['auth without a credential', { auth: [{ scheme: 'digest' }] }],
    ['auth with an empty credential', { auth: [{ scheme: 'digest', credential: '' }] }],
    ['auth with a null entry', { auth: [null] }],
    ['auth as an object', { auth: { scheme: 'digest', credential: 'u:p' } }],
    ['maxFrameSize as a fraction', { maxFrameSize: 1.5 }],
    ['readOnly as a string', { readOnly: 'yes' }],
    ['randomizeHosts as a number', { randomizeHosts: 0 }],
    ['clientSideExpiry as a string', { clientSideExpiry: 'false' }],
    ['followEnsemble as a number', { followEnsemble: 1 }],
  ])('refuses %s', (_name, options) => {
    expect(() => createClient({ hosts, ...options } as unknown as ClientOptions)).toThrow(InvalidArgumentError);
  });

  it.each<[string, Partial<ClientOptions>]>([
    ['the largest sessionTimeout', { sessionTimeout: 2 ** 31 - 1 }],
    ['the largest and smallest signed session ids', { sessionId: 2n ** 63n - 1n, sessionPassword: Buffer.alloc(16) }],
    ['a negative session id (an unsigned one as BigInt.asIntN(64, id))', { sessionId: BigInt.asIntN(64, 0x80000123abcd0000n), sessionPassword: Buffer.alloc(16) }],
    ['the largest timer for connectTimeout and requestTimeout', { connectTimeout: 2 ** 31 - 1, requestTimeout: 2 ** 31 - 1 }],
    ['a retry policy without waits', { retry: { delay: 0, maxDelay: 0 } }],
    ['a credential as bytes', { auth: [{ scheme: 'digest', credential: Buffer.from('u:p') }] }],
    ['clientSideExpiry: false and followEnsemble: true', { clientSideExpiry: false, followEnsemble: true }],
  ])('accepts %s', (_name, options) => {
    expect(() => createClient({ hosts, ...options })).not.toThrow();
  });
});

describe("createClient() checks the sasl option's GSSAPI form", () => {
  it.each<[string, Record<string, unknown>]>([
    ['an unknown mechanism', { mechanism: 'KERBEROS' }],
    ['a serviceName with a slash (it is the first part of service/host)', { mechanism: 'GSSAPI', serviceName: 'zookeeper/zk1' }],
    ['an empty serviceName', { mechanism: 'GSSAPI', serviceName: '' }],
    ['a serviceHost with a realm', { mechanism: 'GSSAPI', serviceHost: 'zk1@EXAMPLE.COM' }],
    ['canonicalizeHostname as a string', { mechanism: 'GSSAPI', canonicalizeHostname: 'false' }],
    ['a principal as a number', { mechanism: 'GSSAPI', principal: 42 }],
    ['a principal with a space', { mechanism: 'GSSAPI', principal: 'alice @EXAMPLE.COM' }],
    ['a keytab as a buffer', { mechanism: 'GSSAPI', keytab: Buffer.from('x') }],
  ])('refuses %s', (_name, sasl) => {
    expect(() => createClient({ hosts, sasl } as unknown as ClientOptions)).toThrow(InvalidArgumentError);
  });

  it('refuses a keytab it cannot read, naming it', () => {
    expect(() => createClient({ hosts, sasl: { mechanism: 'GSSAPI', keytab: '/nonexistent/app.keytab' } })).toThrow(
      'sasl.keytab: cannot read /nonexistent/app.keytab (ENOENT)',
    );
  });

  it('accepts the defaults and every option', () => {
    expect(() => createClient({ hosts, sasl: { mechanism: 'GSSAPI' } })).not.toThrow();
    expect(() =>
      createClient({
        hosts,
        sasl: { mechanism: 'GSSAPI', serviceName: 'zk', serviceHost: 'zk1.example.com', canonicalizeHostname: false, principal: 'app@EXAMPLE.COM', keytab: __filename },
      }),
    ).not.toThrow();
  });
});

describe('zk.updateHosts() checks its list before anything changes', () => {
  it('refuses a malformed list, and a chroot suffix other than the client’s own', () => {
    const zk = createClient({ hosts: '127.0.0.1:2181/app' });
    expect(() => zk.updateHosts('')).toThrow(InvalidArgumentError);
    expect(() => zk.updateHosts('zk1:99999')).toThrow(InvalidArgumentError);
    expect(() => zk.updateHosts(42 as unknown as string)).toThrow(InvalidArgumentError);
    expect(() => zk.updateHosts('zk1:2181/other')).toThrow(/chroot suffix "\/other" is not the client's chroot "\/app"/);
    expect(() => createClient({ hosts }).updateHosts('zk1:2181/app')).toThrow(/the chroot cannot change/);
  });

  it('accepts the same chroot, or none', () => {
    const zk = createClient({ hosts: '127.0.0.1:2181', chroot: '/app' });
    expect(() => zk.updateHosts('zk1:2181,zk2:2181/app')).not.toThrow();
    expect(() => zk.updateHosts(['zk1:2181', 'zk3:2181'])).not.toThrow();
  });
});
