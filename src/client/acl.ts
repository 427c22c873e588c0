import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../errors/client-errors';
import { Perms } from '../jute/op-codes';
import type { Acl } from '../jute/records/data';

export { Perms };
export type { Acl };

/**
 * Permissions as flags, an alternative to a number of {@link Perms} bits (as
 * kazoo's `make_acl(scheme, id, read=True, write=True)`); `all` grants every one.
 *
 * @example
 * makeAcl('world', 'anyone', { read: true, write: true }); // { perms: 3, scheme: 'world', id: 'anyone' }
 */
export interface PermFlags {
  /** {@link Perms}.READ: read the data, list the children. */
  read?: boolean;
  /** {@link Perms}.WRITE: set the data. */
  write?: boolean;
  /** {@link Perms}.CREATE: create children. */
  create?: boolean;
  /** {@link Perms}.DELETE: delete children. */
  delete?: boolean;
  /** {@link Perms}.ADMIN: set the ACL. */
  admin?: boolean;
  /** {@link Perms}.ALL: every permission. */
  all?: boolean;
}

const FLAG_BITS: Readonly<Record<keyof PermFlags, number>> = {
  read: Perms.READ,
  write: Perms.WRITE,
  create: Perms.CREATE,
  delete: Perms.DELETE,
  admin: Perms.ADMIN,
  all: Perms.ALL,
};

/**
 * Freezes an ACL list and its entries. It keeps the `Acl[]` type because the
 * public contract passes these constants where an `Acl[]` is expected
 * (`defaultAcl`, `setAcl`); a mutation still fails at run time.
 */
function frozenAcl(entries: Acl[]): Acl[] {
  return Object.freeze(entries.map((entry) => Object.freeze(entry))) as Acl[];
}

/**
 * Anyone may do anything (ZooDefs.Ids.OPEN_ACL_UNSAFE): `world:anyone`, ALL. The client's default `defaultAcl`.
 *
 * @example
 * zk.create('/public', 'x', { acl: OPEN_ACL_UNSAFE }).subscribe();
 */
export const OPEN_ACL_UNSAFE: Acl[] = frozenAcl([{ perms: Perms.ALL, scheme: 'world', id: 'anyone' }]);

/**
 * Every permission for the identities the creating session authenticated as
 * (ZooDefs.Ids.CREATOR_ALL_ACL): the server replaces `auth:` with them, and
 * refuses the create (InvalidACLError) if the session has none.
 *
 * @example
 * await zk.addAuth('digest', 'alice:secret');
 * await zk.create('/private', 'x', { acl: CREATOR_ALL_ACL }); // only alice may touch it
 */
export const CREATOR_ALL_ACL: Acl[] = frozenAcl([{ perms: Perms.ALL, scheme: 'auth', id: '' }]);

/**
 * Anyone may read (ZooDefs.Ids.READ_ACL_UNSAFE): `world:anyone`, READ.
 *
 * @example
 * zk.create('/announcements', 'hello', { acl: READ_ACL_UNSAFE }).subscribe(); // readable by all, writable by none
 */
export const READ_ACL_UNSAFE: Acl[] = frozenAcl([{ perms: Perms.READ, scheme: 'world', id: 'anyone' }]);

/**
 * One ACL entry.
 *
 * @param scheme `'world'`, `'auth'`, `'digest'`, `'ip'`, `'x509'`, `'sasl'`, …
 * @param id the identity in that scheme (`'anyone'`, `'user:hash'`, `'10.0.0.0/8'`, …)
 * @param perms a number of {@link Perms} bits (0..31), or flags
 * @throws InvalidArgumentError for a wrong type, an empty scheme or bad perms
 * @example
 * makeAcl('ip', '10.0.0.0/8', Perms.READ | Perms.WRITE);
 * makeAcl('world', 'anyone', { read: true });  // { perms: 1, scheme: 'world', id: 'anyone' }
 */
export function makeAcl(scheme: string, id: string, perms: number | PermFlags): Acl {
  if (typeof scheme !== 'string' || scheme === '') throw new InvalidArgumentError('ACL scheme must be a non-empty string');
  if (typeof id !== 'string') throw new InvalidArgumentError('ACL id must be a string');
  return { perms: permsValue(perms), scheme, id };
}

/**
 * An ACL entry for a digest user (scheme `digest`, id from
 * {@link digestCredential}): it matches sessions that ran
 * `addAuth('digest', 'username:password')`.
 *
 * @example
 * makeDigestAcl('alice', 'secret', Perms.ALL);
 * // { perms: 31, scheme: 'digest', id: 'alice:<base64 sha1>' }
 */
export function makeDigestAcl(username: string, password: string, perms: number | PermFlags): Acl {
  return makeAcl('digest', digestCredential(username, password), perms);
}

/**
 * The id the server gives a session that authenticated with
 * `addAuth('digest', 'username:password')`:
 * `username:base64(sha1('username:password'))`, as
 * `org.apache.zookeeper.server.auth.DigestAuthenticationProvider.generateDigest`
 * computes it (also the form of `zookeeper.DigestAuthenticationProvider.superDigest`).
 *
 * Strings are hashed as UTF-8, the bytes the client sends; the server decodes
 * and re-encodes them with its JVM's default charset, so for non-ASCII
 * credentials the two agree only where that charset is UTF-8.
 *
 * @throws InvalidArgumentError for a non-string, or a username containing `:`
 *   (the server would take the part before it as the user)
 * @example
 * digestCredential('super', 'test');  // 'super:D/InIHSb7yEEbrWz8b9l71RjZJU='
 */
export function digestCredential(username: string, password: string): string {
  if (typeof username !== 'string' || typeof password !== 'string') {
    throw new InvalidArgumentError('digest username and password must be strings');
  }
  if (username.includes(':')) {
    // generateDigest splits "user:password" at the first ':', so the ACL id could never match.
    throw new InvalidArgumentError(`digest username ${JSON.stringify(username)} must not contain ':'`);
  }
  const hash = createHash('sha1').update(`${username}:${password}`, 'utf8').digest('base64');
  return `${username}:${hash}`;
}

/**
 * Checks an ACL list from JavaScript callers before it is sent: a non-empty
 * array of `{ perms: integer 0..31, scheme: string, id: string }` (the server
 * refuses an empty list with InvalidACLError). Returns plain copies, so a
 * caller mutating its objects later cannot change what was checked.
 *
 * @throws InvalidArgumentError naming the first bad entry
 * @example
 * validateAcl(OPEN_ACL_UNSAFE);  // [{ perms: 31, scheme: 'world', id: 'anyone' }]
 * validateAcl([]);               // throws InvalidArgumentError
 */
export function validateAcl(acl: unknown): Acl[] {
  if (!Array.isArray(acl) || acl.length === 0) throw new InvalidArgumentError('acl must be a non-empty array');
  const entries: readonly unknown[] = acl;
  return entries.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null) throw new InvalidArgumentError(`acl[${i}] must be an object`);
    const { perms, scheme, id } = entry as Record<string, unknown>;
    if (!isPermsNumber(perms)) throw new InvalidArgumentError(`acl[${i}].perms must be an integer from 0 to 31`);
    if (typeof scheme !== 'string' || scheme === '') throw new InvalidArgumentError(`acl[${i}].scheme must be a non-empty string`);
    if (typeof id !== 'string') throw new InvalidArgumentError(`acl[${i}].id must be a string`);
    return { perms, scheme, id };
  });
}

function isPermsNumber(perms: unknown): perms is number {
  return Number.isInteger(perms) && (perms as number) >= 0 && (perms as number) <= Perms.ALL;
}

function permsValue(perms: unknown): number {
  if (isPermsNumber(perms)) return perms;
  if (typeof perms !== 'object' || perms === null || Array.isArray(perms)) {
    throw new InvalidArgumentError('ACL perms must be an integer from 0 to 31 or flags like { read: true }');
  }
  let bits = 0;
  for (const [flag, on] of Object.entries(perms)) {
    // An unknown flag is most likely a typo ('wirte'): refusing it beats silently granting less.
    if (!Object.hasOwn(FLAG_BITS, flag)) throw new InvalidArgumentError(`unknown ACL permission flag ${JSON.stringify(flag)}`);
    if (typeof on !== 'boolean' && on !== undefined) throw new InvalidArgumentError(`ACL permission flag ${flag} must be a boolean`);
    if (on === true) bits |= FLAG_BITS[flag as keyof PermFlags];
  }
  return bits;
}
