import type { JuteReader } from '../reader';
import type { JuteWriter } from '../writer';

/** An access control entry (jute `ACL` with its `Id` flattened): `{ perms, scheme, id }`. */
export interface Acl {
  perms: number;
  scheme: string;
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
 */
export interface Stat {
  czxid: bigint;
  mzxid: bigint;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
  pzxid: bigint;
}

/** Writes a jute `Stat`; `ctime`/`mtime` must be safe integers. */
export function writeStat(w: JuteWriter, s: Stat): void {
  w.long(s.czxid).long(s.mzxid).longFromNumber(s.ctime).longFromNumber(s.mtime);
  w.int(s.version).int(s.cversion).int(s.aversion).long(s.ephemeralOwner);
  w.int(s.dataLength).int(s.numChildren).long(s.pzxid);
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
