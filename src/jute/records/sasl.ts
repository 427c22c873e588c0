import type { JuteReader } from '../reader';
import type { JuteWriter } from '../writer';

// SASL tokens travel in op 102 (`sasl`). The client sends GetSASLRequest and reads
// SetSASLResponse (ZooKeeperSaslClient); SetSASLRequest is declared but unused by clients.

/** A SASL token from the client (jute `GetSASLRequest`). */
export interface GetSASLRequest {
  token: Uint8Array;
}

export function writeGetSASLRequest(w: JuteWriter, v: GetSASLRequest): void {
  w.buffer(v.token);
}

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

/** The server's SASL challenge (jute `SetSASLResponse`); a null token reads as empty. */
export interface SetSASLResponse {
  token: Buffer;
}

export function writeSetSASLResponse(w: JuteWriter, v: SetSASLResponse): void {
  w.buffer(v.token);
}

export function readSetSASLResponse(r: JuteReader): SetSASLResponse {
  return { token: r.buffer() };
}
