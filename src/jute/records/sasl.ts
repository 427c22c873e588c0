import type { JuteReader } from '../reader';
import type { JuteWriter } from '../writer';

// SASL tokens travel in op 102 (`sasl`). The client sends GetSASLRequest and reads
// SetSASLResponse (ZooKeeperSaslClient). zookeeper.jute also declares SetSASLRequest, which no client sends
// (spec/jute/server-codec.ts keeps it for the round-trip specs).

/** A SASL token from the client (jute `GetSASLRequest`). */
export interface GetSASLRequest {
  token: Uint8Array;
}

export function writeGetSASLRequest(w: JuteWriter, v: GetSASLRequest): void {
  w.buffer(v.token);
}

/** The server's SASL challenge (jute `SetSASLResponse`); a null token reads as empty. */
export interface SetSASLResponse {
  token: Buffer;
}

export function readSetSASLResponse(r: JuteReader): SetSASLResponse {
  return { token: r.buffer() };
}
