import type { JuteReader } from '../reader';
import type { JuteWriter } from '../writer';

// Records of reconfig and whoAmI.

/**
 * Body of `reconfig` (op 16) (jute `ReconfigRequest`); the reply is a `GetDataResponse`
 * holding the new configuration. Null and '' differ here: the server treats a
 * non-null `newMembers` as a non-incremental reconfig, so leave unused fields null.
 */
export interface ReconfigRequest {
  joiningServers: string | null;
  leavingServers: string | null;
  newMembers: string | null;
  /** The config version (a zxid) the change applies to; -1 for any. */
  curConfigId: bigint;
}

export function writeReconfigRequest(w: JuteWriter, v: ReconfigRequest): void {
  w.ustring(v.joiningServers).ustring(v.leavingServers).ustring(v.newMembers).long(v.curConfigId);
}

/**
 * One identity of the session (jute `org.apache.zookeeper.data.ClientInfo`),
 * e.g. `{ authScheme: 'ip', user: '127.0.0.1' }`.
 */
export interface ClientInfo {
  authScheme: string;
  user: string;
}

/** A ClientInfo is at least two string lengths on the wire. */
export const CLIENT_INFO_MIN_SIZE = 8;

export function readClientInfo(r: JuteReader): ClientInfo {
  const authScheme = r.ustring();
  const user = r.ustring();
  return { authScheme, user };
}

/** Reply to `whoAmI` (op 107, no request body) (jute `WhoAmIResponse`). */
export interface WhoAmIResponse {
  clientInfo: ClientInfo[];
}

export function readWhoAmIResponse(r: JuteReader): WhoAmIResponse {
  return { clientInfo: r.vector(readClientInfo, CLIENT_INFO_MIN_SIZE) };
}
