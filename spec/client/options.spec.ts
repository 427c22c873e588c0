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
  ])('accepts %s', (_name, options) => {
    expect(() => createClient({ hosts, ...options })).not.toThrow();
  });
});
