import type { JuteReader } from '../reader';
import type { JuteWriter } from '../writer';
import { ACL_MIN_SIZE, readAcl, readStat, writeAcl, writeStat, type Acl, type Stat } from './data';

/** Body of `getACL` (op 6) (jute `GetACLRequest`). */
export interface GetACLRequest {
  path: string;
}

export function writeGetACLRequest(w: JuteWriter, v: GetACLRequest): void {
  w.ustring(v.path);
}

export function readGetACLRequest(r: JuteReader): GetACLRequest {
  return { path: r.ustring() };
}

/** Reply to `getACL` (jute `GetACLResponse`). */
export interface GetACLResponse {
  acl: Acl[];
  stat: Stat;
}

export function writeGetACLResponse(w: JuteWriter, v: GetACLResponse): void {
  w.vector(v.acl, writeAcl);
  writeStat(w, v.stat);
}

export function readGetACLResponse(r: JuteReader): GetACLResponse {
  const acl = r.vector(readAcl, ACL_MIN_SIZE);
  const stat = readStat(r);
  return { acl, stat };
}

/** Body of `setACL` (op 7) (jute `SetACLRequest`); `version` is the ACL version (aversion), -1 for any. */
export interface SetACLRequest {
  path: string;
  acl: readonly Acl[];
  version: number;
}

export function writeSetACLRequest(w: JuteWriter, v: SetACLRequest): void {
  w.ustring(v.path).vector(v.acl, writeAcl).int(v.version);
}

export function readSetACLRequest(r: JuteReader): SetACLRequest {
  const path = r.ustring();
  const acl = r.vector(readAcl, ACL_MIN_SIZE);
  const version = r.int();
  return { path, acl, version };
}

/** Reply to `setACL` (jute `SetACLResponse`): the node's new stat. */
export interface SetACLResponse {
  stat: Stat;
}

export function writeSetACLResponse(w: JuteWriter, v: SetACLResponse): void {
  writeStat(w, v.stat);
}

export function readSetACLResponse(r: JuteReader): SetACLResponse {
  return { stat: readStat(r) };
}
