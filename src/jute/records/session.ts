import type { JuteReader } from '../reader';
import type { JuteWriter } from '../writer';

/**
 * The handshake a client sends first on every connection (jute `ConnectRequest`),
 * followed on the wire by the `readOnly` flag that 3.4+ servers read when present.
 */
export interface ConnectRequest {
  protocolVersion: number;
  lastZxidSeen: bigint;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  readOnly: boolean;
}

export function writeConnectRequest(w: JuteWriter, req: ConnectRequest): void {
  w.int(req.protocolVersion).long(req.lastZxidSeen).int(req.timeOut).long(req.sessionId).buffer(req.passwd);
  w.bool(req.readOnly);
}

/**
 * The server's answer to the handshake (jute `ConnectResponse`). A `timeOut` of
 * 0 or less means the session expired. The trailing `readOnly` flag is absent
 * from servers older than 3.4.
 */
export interface ConnectResponse {
  protocolVersion: number;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  readOnly: boolean;
}

export function readConnectResponse(r: JuteReader): ConnectResponse {
  const protocolVersion = r.int();
  const timeOut = r.int();
  const sessionId = r.long();
  const passwd = r.buffer();
  const readOnly = r.remaining > 0 ? r.bool() : false;
  return { protocolVersion, timeOut, sessionId, passwd, readOnly };
}

/** Precedes every request after the handshake (jute `RequestHeader`). */
export interface RequestHeader {
  xid: number;
  type: number;
}

export function writeRequestHeader(w: JuteWriter, h: RequestHeader): void {
  writeRequestHeaderFields(w, h.xid, h.type);
}

/** The same header from its two fields: the request path writes one per request and builds no record for it. */
export function writeRequestHeaderFields(w: JuteWriter, xid: number, type: number): void {
  w.int(xid).int(type);
}

/** Precedes every reply and notification (jute `ReplyHeader`). */
export interface ReplyHeader {
  xid: number;
  zxid: bigint;
  err: number;
}

export function readReplyHeader(r: JuteReader): ReplyHeader {
  const xid = r.int();
  const zxid = r.long();
  const err = r.int();
  return { xid, zxid, err };
}

/** A watch notification, sent with xid -1 (jute `WatcherEvent`). */
export interface WatcherEvent {
  type: number;
  state: number;
  path: string;
}

export function readWatcherEvent(r: JuteReader): WatcherEvent {
  const type = r.int();
  const state = r.int();
  const path = r.ustring();
  return { type, state, path };
}

/** Credentials for a scheme, sent with xid -4 (jute `AuthPacket`; `type` is always 0). */
export interface AuthPacket {
  type: number;
  scheme: string;
  auth: Buffer;
}

export function writeAuthPacket(w: JuteWriter, p: AuthPacket): void {
  w.int(p.type).ustring(p.scheme).buffer(p.auth);
}
