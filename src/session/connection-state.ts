/**
 * The client's view of its connection and session (README, "State and session").
 * - CONNECTING: no session yet (also after EXPIRED, while a new session is made).
 * - CONNECTED / CONNECTED_READ_ONLY: a session, on a read-write or read-only server.
 * - SUSPENDED: the connection dropped; the session may be alive; reconnecting.
 * - EXPIRED: the session is gone; a new one is made next, unless closed.
 * - AUTH_FAILED: the server refused the client's credentials; no reconnection.
 * - CLOSED: after close(); every later operation fails with ClientClosedError.
 */
export const ConnectionState = {
  CONNECTING: 'CONNECTING',
  CONNECTED: 'CONNECTED',
  CONNECTED_READ_ONLY: 'CONNECTED_READ_ONLY',
  SUSPENDED: 'SUSPENDED',
  EXPIRED: 'EXPIRED',
  AUTH_FAILED: 'AUTH_FAILED',
  CLOSED: 'CLOSED',
} as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** True in the states where requests go to a server at once. */
export function isConnected(state: ConnectionState): boolean {
  return state === 'CONNECTED' || state === 'CONNECTED_READ_ONLY';
}

/** A ZooKeeper session as the client holds it. */
export interface Session {
  /** The server-assigned session id (also every ephemeral node's `ephemeralOwner`). */
  id: bigint;
  /** The session's password, for resuming it on another connection. */
  password: Buffer;
  /** The negotiated session timeout in ms. */
  timeout: number;
  /** True while connected to a read-only server. */
  readOnly: boolean;
}
