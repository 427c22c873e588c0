// The server's direction of the jute codec: it decodes what a client sends and encodes what a server answers.
// No production path runs it (the client only writes requests and reads replies), so it lives with the specs:
// the fake server (spec/support/fake-zookeeper.ts), the round-trip and golden-frame specs. pg-protocol keeps its
// codec asymmetric the same way. Records' interfaces stay in src/jute, which both directions share.
import {
  ACL_MIN_SIZE,
  JuteDecodeError,
  OpCode,
  readAcl,
  readMultiHeader,
  readStringVector,
  writeAcl,
  writeMultiHeader,
  writeStringVector,
  type AddWatchRequest,
  type AuthPacket,
  type ClientInfo,
  type ConnectRequest,
  type ConnectResponse,
  type Create2Response,
  type CreateRequest,
  type CreateResponse,
  type CreateTTLRequest,
  type CheckVersionRequest,
  type DeleteRequest,
  type ErrorResponse,
  type ExistsRequest,
  type ExistsResponse,
  type GetACLRequest,
  type GetACLResponse,
  type GetAllChildrenNumberRequest,
  type GetAllChildrenNumberResponse,
  type GetChildren2Request,
  type GetChildren2Response,
  type GetChildrenRequest,
  type GetChildrenResponse,
  type GetDataRequest,
  type GetDataResponse,
  type GetEphemeralsRequest,
  type GetEphemeralsResponse,
  type GetSASLRequest,
  type JuteReader,
  type JuteWriter,
  type MultiOp,
  type MultiResult,
  type PathWatchRequest,
  type ReconfigRequest,
  type RemoveWatchesRequest,
  type ReplyHeader,
  type RequestHeader,
  type SetACLRequest,
  type SetACLResponse,
  type SetDataRequest,
  type SetDataResponse,
  type SetSASLResponse,
  type SetWatches,
  type SetWatches2,
  type Stat,
  type SyncRequest,
  type SyncResponse,
  type WatcherEvent,
  type WhoAmIResponse,
} from '../../src/jute';

const END = { type: -1, done: true, err: -1 };

// ---- data records

/** Writes a jute `Stat`; `ctime`/`mtime` must be safe integers. */
export function writeStat(w: JuteWriter, s: Stat): void {
  w.long(s.czxid).long(s.mzxid).longFromNumber(s.ctime).longFromNumber(s.mtime);
  w.int(s.version).int(s.cversion).int(s.aversion).long(s.ephemeralOwner);
  w.int(s.dataLength).int(s.numChildren).long(s.pzxid);
}

// ---- admin records

export function readReconfigRequest(r: JuteReader): ReconfigRequest {
  const joiningServers = r.ustringOrNull();
  const leavingServers = r.ustringOrNull();
  const newMembers = r.ustringOrNull();
  const curConfigId = r.long();
  return { joiningServers, leavingServers, newMembers, curConfigId };
}

export function writeClientInfo(w: JuteWriter, v: ClientInfo): void {
  w.ustring(v.authScheme).ustring(v.user);
}

export function writeWhoAmIResponse(w: JuteWriter, v: WhoAmIResponse): void {
  w.vector(v.clientInfo, writeClientInfo);
}

// ---- session records

export function readConnectRequest(r: JuteReader): ConnectRequest {
  const protocolVersion = r.int();
  const lastZxidSeen = r.long();
  const timeOut = r.int();
  const sessionId = r.long();
  const passwd = r.buffer();
  const readOnly = r.remaining > 0 ? r.bool() : false;
  return { protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, readOnly };
}

export function writeConnectResponse(w: JuteWriter, res: ConnectResponse): void {
  w.int(res.protocolVersion).int(res.timeOut).long(res.sessionId).buffer(res.passwd).bool(res.readOnly);
}

export function readRequestHeader(r: JuteReader): RequestHeader {
  const xid = r.int();
  const type = r.int();
  return { xid, type };
}

export function writeReplyHeader(w: JuteWriter, h: ReplyHeader): void {
  w.int(h.xid).long(h.zxid).int(h.err);
}

export function writeWatcherEvent(w: JuteWriter, e: WatcherEvent): void {
  w.int(e.type).int(e.state).ustring(e.path);
}

export function readAuthPacket(r: JuteReader): AuthPacket {
  const type = r.int();
  const scheme = r.ustring();
  const auth = r.buffer();
  return { type, scheme, auth };
}

// ---- create records

export function readCreateRequest(r: JuteReader): CreateRequest {
  const path = r.ustring();
  const data = r.bufferOrNull();
  const acl = r.vector(readAcl, ACL_MIN_SIZE);
  const flags = r.int();
  return { path, data, acl, flags };
}

export function readCreateTTLRequest(r: JuteReader): CreateTTLRequest {
  const { path, data, acl, flags } = readCreateRequest(r);
  const ttl = r.longAsNumber();
  return { path, data, acl, flags, ttl };
}

export function writeCreateResponse(w: JuteWriter, v: CreateResponse): void {
  w.ustring(v.path);
}

export function writeCreate2Response(w: JuteWriter, v: Create2Response): void {
  w.ustring(v.path);
  writeStat(w, v.stat);
}

// ---- read records

function readPathWatch(r: JuteReader): PathWatchRequest {
  const path = r.ustring();
  const watch = r.bool();
  return { path, watch };
}

export const readExistsRequest: (r: JuteReader) => ExistsRequest = readPathWatch;

export function writeExistsResponse(w: JuteWriter, v: ExistsResponse): void {
  writeStat(w, v.stat);
}

export const readGetDataRequest: (r: JuteReader) => GetDataRequest = readPathWatch;

export function writeGetDataResponse(w: JuteWriter, v: GetDataResponse): void {
  w.buffer(v.data);
  writeStat(w, v.stat);
}

export const readGetChildrenRequest: (r: JuteReader) => GetChildrenRequest = readPathWatch;

export function writeGetChildrenResponse(w: JuteWriter, v: GetChildrenResponse): void {
  writeStringVector(w, v.children);
}

export const readGetChildren2Request: (r: JuteReader) => GetChildren2Request = readPathWatch;

export function writeGetChildren2Response(w: JuteWriter, v: GetChildren2Response): void {
  writeStringVector(w, v.children);
  writeStat(w, v.stat);
}

export function readSyncRequest(r: JuteReader): SyncRequest {
  return { path: r.ustring() };
}

export function writeSyncResponse(w: JuteWriter, v: SyncResponse): void {
  w.ustring(v.path);
}

export function readGetAllChildrenNumberRequest(r: JuteReader): GetAllChildrenNumberRequest {
  return { path: r.ustring() };
}

export function writeGetAllChildrenNumberResponse(w: JuteWriter, v: GetAllChildrenNumberResponse): void {
  w.int(v.totalNumber);
}

export function readGetEphemeralsRequest(r: JuteReader): GetEphemeralsRequest {
  return { prefixPath: r.ustring() };
}

export function writeGetEphemeralsResponse(w: JuteWriter, v: GetEphemeralsResponse): void {
  writeStringVector(w, v.ephemerals);
}

// ---- write records

export function readDeleteRequest(r: JuteReader): DeleteRequest {
  const path = r.ustring();
  const version = r.int();
  return { path, version };
}

export function readSetDataRequest(r: JuteReader): SetDataRequest {
  const path = r.ustring();
  const data = r.bufferOrNull();
  const version = r.int();
  return { path, data, version };
}

export function writeSetDataResponse(w: JuteWriter, v: SetDataResponse): void {
  writeStat(w, v.stat);
}

export function readCheckVersionRequest(r: JuteReader): CheckVersionRequest {
  const path = r.ustring();
  const version = r.int();
  return { path, version };
}

// ---- acl records

export function readGetACLRequest(r: JuteReader): GetACLRequest {
  return { path: r.ustring() };
}

export function writeGetACLResponse(w: JuteWriter, v: GetACLResponse): void {
  w.vector(v.acl, writeAcl);
  writeStat(w, v.stat);
}

export function readSetACLRequest(r: JuteReader): SetACLRequest {
  const path = r.ustring();
  const acl = r.vector(readAcl, ACL_MIN_SIZE);
  const version = r.int();
  return { path, acl, version };
}

export function writeSetACLResponse(w: JuteWriter, v: SetACLResponse): void {
  writeStat(w, v.stat);
}

// ---- watches records

export function readSetWatches(r: JuteReader): SetWatches {
  const relativeZxid = r.long();
  const dataWatches = readStringVector(r);
  const existWatches = readStringVector(r);
  const childWatches = readStringVector(r);
  return { relativeZxid, dataWatches, existWatches, childWatches };
}

export function readSetWatches2(r: JuteReader): SetWatches2 {
  const base = readSetWatches(r);
  const persistentWatches = readStringVector(r);
  const persistentRecursiveWatches = readStringVector(r);
  return { ...base, persistentWatches, persistentRecursiveWatches };
}

export function readAddWatchRequest(r: JuteReader): AddWatchRequest {
  const path = r.ustring();
  const mode = r.int();
  return { path, mode };
}

export function readRemoveWatchesRequest(r: JuteReader): RemoveWatchesRequest {
  const path = r.ustring();
  const type = r.int();
  return { path, type };
}

/** Body of `checkWatches` (op 17) (jute `CheckWatchesRequest`); `type` is a `WatcherType`. No reply body. */
export interface CheckWatchesRequest {
  path: string;
  type: number;
}

export function writeCheckWatchesRequest(w: JuteWriter, v: CheckWatchesRequest): void {
  w.ustring(v.path).int(v.type);
}

export function readCheckWatchesRequest(r: JuteReader): CheckWatchesRequest {
  const path = r.ustring();
  const type = r.int();
  return { path, type };
}

// ---- sasl records

export function readGetSASLRequest(r: JuteReader): GetSASLRequest {
  return { token: r.buffer() };
}

/** A SASL token (jute `SetSASLRequest`). */
export interface SetSASLRequest {
  token: Uint8Array;
}

export function writeSetSASLRequest(w: JuteWriter, v: SetSASLRequest): void {
  w.buffer(v.token);
}

export function readSetSASLRequest(r: JuteReader): SetSASLRequest {
  return { token: r.buffer() };
}

export function writeSetSASLResponse(w: JuteWriter, v: SetSASLResponse): void {
  w.buffer(v.token);
}

// ---- multi records

export function writeErrorResponse(w: JuteWriter, v: ErrorResponse): void {
  w.int(v.err);
}

function readMultiOp(r: JuteReader, type: number): MultiOp {
  switch (type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
      return { type, request: readCreateRequest(r) };
    case OpCode.createTTL:
      return { type, request: readCreateTTLRequest(r) };
    case OpCode.delete:
      return { type, request: readDeleteRequest(r) };
    case OpCode.setData:
      return { type, request: readSetDataRequest(r) };
    case OpCode.check:
      return { type, request: readCheckVersionRequest(r) };
    case OpCode.getData:
      return { type, request: readGetDataRequest(r) };
    case OpCode.getChildren:
      return { type, request: readGetChildrenRequest(r) };
    default:
      throw new JuteDecodeError(`op type ${type} cannot be part of a multi request`);
  }
}

/**
 * Reads a `multi` or `multiRead` request body up to its done marker (for fakes and
 * tests; the server's side). Every op costs at least its 9-byte header, so a body
 * without a done marker ends in a JuteDecodeError when the bytes run out.
 */
export function readMultiRequest(r: JuteReader): MultiOp[] {
  const ops: MultiOp[] = [];
  for (let h = readMultiHeader(r); !h.done; h = readMultiHeader(r)) ops.push(readMultiOp(r, h.type));
  return ops;
}

/** Writes a multi reply body, as the server does: error results repeat their code in the header. */
function unknownResult(res: never): never {
  throw new TypeError(`result type ${(res as { type: unknown }).type} cannot be part of a multi response`);
}

export function writeMultiResponse(w: JuteWriter, results: readonly MultiResult[]): void {
  for (const res of results) {
    writeMultiHeader(w, { type: res.type, done: false, err: res.type === OpCode.error ? res.err : 0 });
    switch (res.type) {
      case OpCode.create:
        writeCreateResponse(w, res);
        break;
      case OpCode.create2:
        writeCreate2Response(w, res);
        break;
      case OpCode.delete:
      case OpCode.check:
        break;
      case OpCode.setData:
        writeStat(w, res.stat);
        break;
      case OpCode.getData:
        writeGetDataResponse(w, res);
        break;
      case OpCode.getChildren:
        writeStringVector(w, res.children);
        break;
      case OpCode.error:
        writeErrorResponse(w, res);
        break;
      default:
        unknownResult(res);
    }
  }
  writeMultiHeader(w, END);
}
