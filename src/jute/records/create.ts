import type { JuteReader } from '../reader';
import type { JuteWriter } from '../writer';
import { readStat, writeAcl, type Acl, type Stat } from './data';

/**
 * Body of `create` (op 1), `create2` (op 15) and `createContainer` (op 19)
 * (jute `CreateRequest`). `flags` is a `CreateFlag`; `data` null is sent as
 * length -1, which the server stores as no data.
 */
export interface CreateRequest {
  path: string;
  data: Uint8Array | null;
  acl: readonly Acl[];
  flags: number;
}

export function writeCreateRequest(w: JuteWriter, v: CreateRequest): void {
  w.ustring(v.path).buffer(v.data).vector(v.acl, writeAcl).int(v.flags);
}

/**
 * Body of `createTTL` (op 21) (jute `CreateTTLRequest`): a `CreateRequest`
 * followed by the TTL in ms (a jute long; any TTL the server accepts fits a double).
 */
export interface CreateTTLRequest extends CreateRequest {
  ttl: number;
}

export function writeCreateTTLRequest(w: JuteWriter, v: CreateTTLRequest): void {
  writeCreateRequest(w, v);
  w.longFromNumber(v.ttl);
}

/** Reply to `create` (jute `CreateResponse`): the created path, sequence suffix included. */
export interface CreateResponse {
  path: string;
}

export function readCreateResponse(r: JuteReader): CreateResponse {
  return { path: r.ustring() };
}

/** Reply to `create2`, `createContainer` and `createTTL` (jute `Create2Response`). */
export interface Create2Response {
  path: string;
  stat: Stat;
}

export function readCreate2Response(r: JuteReader): Create2Response {
  const path = r.ustring();
  const stat = readStat(r);
  return { path, stat };
}
