import type { JuteReader } from '../reader';
import type { JuteWriter } from '../writer';

/**
 * An access control entry (jute `ACL` with its `Id` flattened): `{ perms, scheme, id }`.
 *
 * @example
 * const readOnlyForAll: Acl = { perms: Perms.READ, scheme: 'world', id: 'anyone' };
 */
export interface Acl {
  /** The permissions granted: {@link Perms} bits (0..31). */
  perms: number;
  /** The authentication scheme: 'world', 'auth', 'digest', 'ip', 'x509', 'sasl', ... */
  scheme: string;
  /** The identity in that scheme: 'anyone', 'user:base64-sha1', '10.0.0.0/8', ... */
  id: string;
}

/** Writes a jute `ACL`: perms, then the `Id` {scheme, id}. */
export function writeAcl(w: JuteWriter, acl: Acl): void {
  w.int(acl.perms).ustring(acl.scheme).ustring(acl.id);
}

/** Reads a jute `ACL`; a null scheme or id reads as ''. */
export function readAcl(r: JuteReader): Acl {
  const perms = r.int();
  const scheme = r.ustring();
  const id = r.ustring();
  return { perms, scheme, id };
}

/** An ACL is at least perms + two string lengths on the wire. */
export const ACL_MIN_SIZE = 12;

/**
 * A znode's metadata (jute `Stat`). Zxids and the ephemeral owner (a session id)
 * are 64-bit, so `bigint`; times are ms since the epoch and fit a double.
 *
 * @example
 * const { stat } = await zk.get('/app/config');
 * await zk.set('/app/config', 'v2', stat.version); // fails with BadVersionError if someone wrote first
 */
export interface Stat {
  /** The zxid of the transaction that created the node. */
  czxid: bigint;
  /** The zxid of the transaction that last changed the node's data. */
  mzxid: bigint;
  /** When the node was created, in ms since the epoch (the leader's clock). */
  ctime: number;
  /** When the node's data last changed, in ms since the epoch (the leader's clock). */
  mtime: number;
  /** The data's version: 0 at creation, +1 on every set; what `set`/`delete` take as `version`. */
  version: number;
  /** The children's version: +1 each time a child is created or deleted. */
  cversion: number;
  /** The ACL's version: +1 on every setAcl; what `setAcl` takes as `version`. */
  aversion: number;
  /** The session id owning an ephemeral node; 0n for a persistent one (container and TTL nodes carry EphemeralType's marker bits here). */
  ephemeralOwner: bigint;
  /** The data's length in bytes. */
  dataLength: number;
  /** The number of children. */
  numChildren: number;
  /** The zxid of the transaction that last added or removed a child. */
  pzxid: bigint;
}

/** Reads a jute `Stat`. */
export function readStat(r: JuteReader): Stat {
  const at = r.offset;
  const czxid = r.long();
  const mzxid = r.longRepeating(at, czxid);
  const ctime = r.longAsNumber();
  const mtime = r.longAsNumber();
  const version = r.int();
  const cversion = r.int();
  const aversion = r.int();
  const ephemeralOwner = r.long();
  const dataLength = r.int();
  const numChildren = r.int();
  const pzxid = r.longRepeating(at, czxid);
  return { czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner, dataLength, numChildren, pzxid };
}
