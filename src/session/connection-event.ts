/**
 * Why a connection, or an attempt at one, ended without `close()`: the `reason` of a `disconnected`
 * {@link ConnectionEvent}, a short stable word (metrics count by it; the details are in its `error`).
 * - `connect-failed`: the socket (or TLS) could not be opened, or not within the per-server connect timeout;
 * - `handshake-timeout`: the server did not answer the session handshake in time;
 * - `closed-by-server`: the server closed the connection (a server stopping, a session closed from elsewhere);
 * - `socket-error`: the socket failed (reset, broken pipe);
 * - `read-timeout`: nothing came from the server for two thirds of the session timeout (pings unanswered);
 * - `protocol-error`: the server sent bytes the client cannot take (a malformed frame, a reply out of order);
 * - `session-expired`: the session expired (the server answered the handshake with an expiry, or the client declared it: see the `expired` event);
 * - `read-write-server-found`: a read-only connection left for a read-write server;
 * - `rebalanced`: a new host list (`updateHosts`, `followEnsemble`) moved the client to even the load;
 * - `auth-failed`: SASL or credentials refused (the client stops).
 *
 * @example
 * zk.connectionEvents$.subscribe((e) => { if (e.type === 'disconnected' && e.reason === 'read-timeout') alarm(e.server); });
 */
export type DisconnectReason =
  | 'connect-failed'
  | 'handshake-timeout'
  | 'closed-by-server'
  | 'socket-error'
  | 'read-timeout'
  | 'protocol-error'
  | 'session-expired'
  | 'read-write-server-found'
  | 'rebalanced'
  | 'auth-failed';

/**
 * What happened to a client's connection and session, as `zk.connectionEvents$` emits it (issue 22; hot, no
 * replay, never completes: a closed client can be started again). Every attempt begins with `connecting`; every
 * attempt or connection that ends without `close()` ends with `disconnected`; `close()` ends with `closed`.
 *
 * @example
 * zk.connectionEvents$.subscribe((e) => {
 *   if (e.type === 'connected') log.info(`${e.newSession ? 'new' : 'resumed'} session 0x${e.sessionId.toString(16)} on ${e.server}`);
 *   if (e.type === 'disconnected') log.warn(`lost ${e.server}: ${e.reason}`);
 * });
 */
export type ConnectionEvent =
  | {
      /** An attempt to connect to `server` begins (a socket is opened). */
      type: 'connecting';
      /** `'host:port'` of the server tried. */
      server: string;
    }
  | {
      /** The session is usable on `server` (handshake, SASL and credentials done): the state is CONNECTED or CONNECTED_READ_ONLY. */
      type: 'connected';
      /** `'host:port'` of the server. */
      server: string;
      /** The session's id. */
      sessionId: bigint;
      /** The negotiated session timeout, in ms. */
      timeout: number;
      /** True on a read-only server. */
      readOnly: boolean;
      /** True when the server made a new session; false when the session was resumed. */
      newSession: boolean;
    }
  | {
      /** An attempt or a connection ended without `close()` (the client reconnects unless it stopped). */
      type: 'disconnected';
      /** `'host:port'` of the server. */
      server: string;
      /** Why, as a stable word. */
      reason: DisconnectReason;
      /** The failure behind it, when there is one (its message says more than `reason`). */
      error: Error | null;
    }
  | {
      /** The session is gone: its ephemerals and one-shot watches with it. A new session follows unless the client is closed. */
      type: 'expired';
      /** The expired session's id. */
      sessionId: bigint;
      /** `'server'`: a server answered the handshake with an expiry; `'client'`: the client declared it (no server heard for the session timeout). */
      declaredBy: 'server' | 'client';
    }
  | {
      /** SASL or the credentials were refused: state AUTH_FAILED, and the client no longer connects. */
      type: 'auth-failed';
      /** The refusal's message. */
      reason: string;
    }
  | {
      /** The client is closed (`close()`, or connecting gave up for good). */
      type: 'closed';
    };
