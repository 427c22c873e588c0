import type { JuteReader } from '../reader';
import type { JuteWriter } from '../writer';
import { ACL_MIN_SIZE, readAcl, readStat, writeAcl, type Acl, type Stat } from './data';

/** Body of `getACL` (op 6) (jute `GetACLRequest`). */
export interface GetACLRequest {
  path: string;
}

export function writeGetACLRequest(w: JuteWriter, v: GetACLRequest): void {
  w.ustring(v.path);
}

/** Reply to `getACL` (jute `GetACLResponse`). */
export interface GetACLResponse {
  acl: Acl[];
  stat: Stat;
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

/** Reply to `setACL` (jute `SetACLResponse`): the node's new stat. */
export interface SetACLResponse {
  stat: Stat;
}

export function readSetACLResponse(r: JuteReader): SetACLResponse {
  return { stat: readStat(r) };
}
