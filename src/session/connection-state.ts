/**
 * The client's view of its connection and session (README, "State and session").
 * - CONNECTING: no session yet (also after EXPIRED, while a new session is made).
 * - CONNECTED / CONNECTED_READ_ONLY: a session, on a read-write or read-only server.
 * - SUSPENDED: the connection dropped; the session may be alive; reconnecting.
 * - EXPIRED: the session is gone (a server said so, or none was heard for the session timeout); a new one is made next, unless closed.
 * - AUTH_FAILED: the server refused the client's credentials; no reconnection.
 * - CLOSED: after close(); every later operation fails with ClientClosedError.
 *
 * @example
 * zk.state$.pipe(filter((s) => s === ConnectionState.EXPIRED)).subscribe(() => console.warn('session lost: ephemerals are gone'));
 */
export const ConnectionState = {
  /** No session yet: before the first connect, and after EXPIRED while a new session is made. */
  CONNECTING: 'CONNECTING',
  /** A session, on a read-write server: requests are sent at once. */
  CONNECTED: 'CONNECTED',
  /** A session on a read-only server (with `readOnly: true`): reads work, writes fail with NotReadOnlyCallError. */
  CONNECTED_READ_ONLY: 'CONNECTED_READ_ONLY',
  /** The connection dropped; the session may still be alive (until its timeout); requests wait, the client reconnects. */
  SUSPENDED: 'SUSPENDED',
  /**
   * The session is gone, and with it its ephemeral nodes and watches; a new session is made next, unless closed.
   * Declared by a server, or by the client once no server has been heard for the negotiated session timeout
   * (`clientSideExpiry`, the default).
   */
  EXPIRED: 'EXPIRED',
  /** The server refused the credentials (SASL, or `auth` it had accepted before); no reconnection: `close()` and fix them. */
  AUTH_FAILED: 'AUTH_FAILED',
  /** After `close()`: every later operation fails with ClientClosedError, until `start()` again. */
  CLOSED: 'CLOSED',
} as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/**
 * True in the states where requests go to a server at once: CONNECTED and CONNECTED_READ_ONLY.
 *
 * @param state a connection state, e.g. `zk.state` or a value of `zk.state$`
 * @example
 * zk.state$.pipe(map(isConnected), distinctUntilChanged()).subscribe((up) => console.log(up ? 'up' : 'down'));
 * isConnected(zk.state); // true once start() has resolved
 */
export function isConnected(state: ConnectionState): boolean {
  return state === 'CONNECTED' || state === 'CONNECTED_READ_ONLY';
}

/**
 * A ZooKeeper session as the client holds it.
 *
 * @example
 * const { id, password } = zk.session!;
 * const again = createClient({ hosts, sessionId: id, sessionPassword: password }); // resumes the same session
 */
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
