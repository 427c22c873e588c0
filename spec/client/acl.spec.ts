// ACL helpers build what ZooKeeper's ZooDefs.Ids and DigestAuthenticationProvider build,
// and ACLs from JavaScript callers are checked before they reach the wire.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  CREATOR_ALL_ACL,
  OPEN_ACL_UNSAFE,
  Perms,
  READ_ACL_UNSAFE,
  digestCredential,
  makeAcl,
  makeDigestAcl,
  validateAcl,
  type Acl,
} from '../../src/client/acl';
import { InvalidArgumentError } from '../../src/errors';
import { Perms as JutePerms } from '../../src/jute/op-codes';

describe('Perms and the constant ACLs', () => {
  it('re-exports the jute Perms (ZooDefs.Perms)', () => {
    expect(Perms).toBe(JutePerms);
    expect(Perms).toEqual({ READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 });
  });

  it('match ZooDefs.Ids', () => {
    expect(OPEN_ACL_UNSAFE).toEqual([{ perms: 31, scheme: 'world', id: 'anyone' }]);
    expect(CREATOR_ALL_ACL).toEqual([{ perms: 31, scheme: 'auth', id: '' }]);
    expect(READ_ACL_UNSAFE).toEqual([{ perms: 1, scheme: 'world', id: 'anyone' }]);
  });

  it('cannot be changed by a careless caller', () => {
    for (const acl of [OPEN_ACL_UNSAFE, CREATOR_ALL_ACL, READ_ACL_UNSAFE]) {
      expect(Object.isFrozen(acl)).toBe(true);
      expect(Object.isFrozen(acl[0])).toBe(true);
      expect(() => acl.push({ perms: 0, scheme: 'world', id: 'anyone' })).toThrow(TypeError);
      expect(() => {
        (acl[0] as Acl).perms = 0;
      }).toThrow(TypeError);
    }
  });

  it('are usable where an Acl[] is expected', () => {
    const defaultAcl: Acl[] = OPEN_ACL_UNSAFE;
    expect(validateAcl(defaultAcl)).toEqual(OPEN_ACL_UNSAFE);
  });
});

describe('digestCredential', () => {
  it('matches the JVM', () => {
    // Printed by ZooKeeper 3.8.0 itself:
    //   java -cp /usr/share/java/zookeeper.jar:/usr/share/java/slf4j-api.jar \
    //     org.apache.zookeeper.server.auth.DigestAuthenticationProvider super:test 'a:b:c' 'x:'
    //   super:test->super:D/InIHSb7yEEbrWz8b9l71RjZJU=
    //   a:b:c->a:cLzgnoJ6mP5qz3w+mwvPE2vDgu0=
    //   x:->x:klkAALJ94iTJT/Sb0xMaO8xNka8=
    expect(digestCredential('super', 'test')).toBe('super:D/InIHSb7yEEbrWz8b9l71RjZJU=');
    expect(digestCredential('a', 'b:c')).toBe('a:cLzgnoJ6mP5qz3w+mwvPE2vDgu0='); // the password may hold ':'
    expect(digestCredential('x', '')).toBe('x:klkAALJ94iTJT/Sb0xMaO8xNka8=');
  });

  it('hashes non-ASCII credentials as UTF-8', () => {
    // Same JVM and command, 'user:pässwörd' (the JVM's default charset was UTF-8).
    expect(digestCredential('user', 'pässwörd')).toBe('user:Vx8H+a8Jh/huGaoHXWUnrKRcDDI=');
  });

  it('is user:base64(sha1(user:password))', () => {
    fc.assert(
      fc.property(fc.string().filter((u) => !u.includes(':')), fc.string(), (user, password) => {
        const hash = createHash('sha1').update(Buffer.from(`${user}:${password}`, 'utf8')).digest('base64');
        expect(digestCredential(user, password)).toBe(`${user}:${hash}`);
      }),
    );
  });

  it('refuses a username with ":" and non-strings', () => {
    expect(() => digestCredential('a:b', 'c')).toThrow(InvalidArgumentError);
    expect(() => digestCredential(1 as unknown as string, 'c')).toThrow(InvalidArgumentError);
    expect(() => digestCredential('a', undefined as unknown as string)).toThrow(InvalidArgumentError);
  });
});

describe('makeAcl', () => {
  it('takes perms as bits', () => {
    expect(makeAcl('ip', '10.0.0.0/8', Perms.READ | Perms.WRITE)).toEqual({ perms: 3, scheme: 'ip', id: '10.0.0.0/8' });
    expect(makeAcl('world', 'anyone', 0)).toEqual({ perms: 0, scheme: 'world', id: 'anyone' });
    expect(makeAcl('auth', '', Perms.ALL)).toEqual({ perms: 31, scheme: 'auth', id: '' });
  });

  it('takes perms as flags, like kazoo make_acl', () => {
    expect(makeAcl('world', 'anyone', { read: true })).toEqual({ perms: 1, scheme: 'world', id: 'anyone' });
    expect(makeAcl('world', 'anyone', { read: true, write: true, create: true, delete: true, admin: true })).toEqual(OPEN_ACL_UNSAFE[0]);
    expect(makeAcl('world', 'anyone', { all: true, read: false }).perms).toBe(31);
    expect(makeAcl('world', 'anyone', { delete: true, admin: false, write: undefined }).perms).toBe(8);
    expect(makeAcl('world', 'anyone', {}).perms).toBe(0);
  });

  it.each([
    ['', 'anyone', 1],
    [undefined, 'anyone', 1],
    ['world', undefined, 1],
    ['world', 'anyone', 32],
    ['world', 'anyone', -1],
    ['world', 'anyone', 1.5],
    ['world', 'anyone', Number.NaN],
    ['world', 'anyone', '31'],
    ['world', 'anyone', null],
    ['world', 'anyone', [1]],
    ['world', 'anyone', { wirte: true }],
    ['world', 'anyone', { read: 1 }],
  ])('refuses (%j, %j, %j)', (scheme, id, perms) => {
    expect(() => makeAcl(scheme as string, id as string, perms as number)).toThrow(InvalidArgumentError);
  });
});

describe('makeDigestAcl', () => {
  it('names the digest id of the user', () => {
    expect(makeDigestAcl('super', 'test', Perms.ALL)).toEqual({ perms: 31, scheme: 'digest', id: 'super:D/InIHSb7yEEbrWz8b9l71RjZJU=' });
    expect(makeDigestAcl('super', 'test', { read: true }).perms).toBe(1);
  });
});

describe('validateAcl', () => {
  it('returns plain copies of valid entries', () => {
    const input = [{ perms: 31, scheme: 'world', id: 'anyone', extra: 1 }, makeAcl('digest', 'u:h', 1)];
    const out = validateAcl(input);
    expect(out).toEqual([
      { perms: 31, scheme: 'world', id: 'anyone' },
      { perms: 1, scheme: 'digest', id: 'u:h' },
    ]);
    input[1]!.perms = 7;
    expect(out[1]!.perms).toBe(1);
  });

  it.each([
    [undefined, 'acl must be a non-empty array'],
    [[], 'acl must be a non-empty array'],
    [{ perms: 31, scheme: 'world', id: 'anyone' }, 'acl must be a non-empty array'],
    [[null], 'acl[0] must be an object'],
    [[OPEN_ACL_UNSAFE[0], 'world:anyone'], 'acl[1] must be an object'],
    [[{ perms: 32, scheme: 'world', id: 'anyone' }], 'acl[0].perms must be an integer from 0 to 31'],
    [[{ perms: '31', scheme: 'world', id: 'anyone' }], 'acl[0].perms must be an integer from 0 to 31'],
    [[{ scheme: 'world', id: 'anyone' }], 'acl[0].perms must be an integer from 0 to 31'],
    [[{ perms: 31, scheme: '', id: 'anyone' }], 'acl[0].scheme must be a non-empty string'],
    [[{ perms: 31, id: 'anyone' }], 'acl[0].scheme must be a non-empty string'],
    [[{ perms: 31, scheme: 'world', id: 5 }], 'acl[0].id must be a string'],
  ])('refuses %j: %s', (acl, message) => {
    expect(() => validateAcl(acl)).toThrow(new InvalidArgumentError(message));
  });
});
