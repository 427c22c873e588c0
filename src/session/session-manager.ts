// The session's state machine and its connection events. The three jobs around it live beside it and talk
// back through small event interfaces (as Keepalive and ReadWriteProbe do): connector.ts finds a server,
// outbox.ts numbers, frames, sends and queues the requests, authentication.ts runs SASL and replays the
// credentials. What stays here: start/close/shutdown, the handshake's outcome (session id, password,
// timeout, read-only), keepalive and read-write probing of the live connection, pushes, expiry and loss.
import { BehaviorSubject, Subject, type Subscriber, type Subscription } from 'rxjs';
import { AuthFailedError, ConnectionLossError, SessionExpiredError } from '../errors/server-errors';
import { ClientClosedError, ClientNotStartedError, ProtocolError } from '../errors/client-errors';
import type { ConnectResponse } from '../jute/records/session';
import { CONFIG_NODE, clientPathOrNull } from '../common/path';
import type { Connection } from '../transport/connection';
import { formatEndpoint, type Endpoint } from '../transport/connect-string';
import { Authentication } from './authentication';
import { ConnectionState, isConnected, type Session } from './connection-state';
import type { ConnectionEvent, DisconnectReason } from './connection-event';
import { Connector } from './connector';
import { afterHandshake, sendConnectRequest } from './handshake';
import { Keepalive } from './keepalive';
import type { OperationContext } from './operation';
import { OperationReporter } from './operation-reporter';
import { Outbox } from './outbox';
import type { QueuedRequest } from './pending-request';
import { correlateReplies, type CorrelationState, type ServerPush } from './reply-correlation';
import { ReadWriteProbe } from './read-write-probe';
import type { SessionConfig } from './session-config';
import { SilenceDeadline } from './silence-deadline';
import { eventTypeName } from './watched-event';
import { WatchRegistry } from './watch-registry';
import { restoreWatches } from './watch-restore';
import { ZxidTracker } from './zxid-tracker';

/** How long close() waits for the server to confirm closeSession when no read timeout is known yet. */
const CLOSE_REPLY_TIMEOUT = 2_000;

/**
 * The protocol handler of one client: it owns the connection, the session,
 * the requests and the state (nats.js' ProtocolHandler plays this part).
 *
 * - Connecting: servers in turn, backoff with jitter after a full pass
 *   (Connector), a handshake resuming the session id and password.
 * - Requests: sent at once when connected, else queued (Outbox). Requests
 *   sent but unanswered when a connection drops fail with ConnectionLossError
 *   (never replayed in silence); queued ones wait for the next connection.
 * - On every new connection, before any queued request: SASL, the
 *   credentials (Authentication), then the watches to restore.
 * - State in a BehaviorSubject: CONNECTING, CONNECTED(_READ_ONLY), SUSPENDED,
 *   EXPIRED (then a new session by itself), AUTH_FAILED, CLOSED.
 * - EXPIRED is declared by a server (a handshake answered with timeout 0) or,
 *   with `clientSideExpiry`, by the client itself once no server has been heard
 *   for the negotiated session timeout (SilenceDeadline): two code paths,
 *   `onExpiredByServer` and `declareExpiredByClient`, that end in `sessionExpired`.
 */
export class SessionManager {
  readonly state$ = new BehaviorSubject<ConnectionState>(ConnectionState.CONNECTING);
  readonly session$ = new BehaviorSubject<Session | null>(null);
  readonly watches: WatchRegistry;
  /** Connection events (issue 22): hot, no replay; built only while observed. */
  readonly connectionEvents$ = new Subject<ConnectionEvent>();
  /** The operation stream's listeners (issue 22). */
  readonly operations = new OperationReporter(() => (this.sessionId === 0n ? null : this.sessionId));

  private readonly connector: Connector;
  private readonly outbox: Outbox;
  private readonly auth: Authentication;
  private readonly correlation: CorrelationState;
  private readonly context: OperationContext;

  /**
   * `performance.now()` when bytes last came from a server: the current connection's once its handshake is done,
   * else the last such connection's (so a silence goes on counting across a reconnect); null before the first.
   */
  get lastReceived(): number | null {
    return this.keepalive !== null && this.conn !== null ? this.conn.lastReceived : this.receivedBefore;
  }

  /** Whether start() was ever called: before it, requests fail with ClientNotStartedError. */
  private everStarted = false;
  private running = false;
  /** Why the client last stopped: null after close(), else what made it give up. */
  private stopReason: Error | null = null;
  /** The close() in progress (waiting for closeSession's reply), which a start() waits for. */
  private closingDone: Promise<void> | null = null;
  private conn: Connection | null = null;
  private connSubscription: Subscription | null = null;
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  private keepalive: Keepalive | null = null;
  /** `performance.now()` when the last connection that finished its handshake last received bytes (while there is none now). */
  private receivedBefore: number | null = null;
  private sessionId: bigint;
  private password: Buffer;
  private negotiatedTimeout = 0;
  /**
   * Whether the session was issued (or last accepted) by a read-write server.
   * A session a read-only server made is local to that server: it is not
   * offered to others, the next server makes a new one (ClientCnxn's
   * seenRwServerBefore, reset whenever a read-only server makes a session, so
   * that moving back to a read-write server is not reported as an expiry).
   */
  private sessionFromReadWrite: boolean;
  private readWriteProbe: ReadWriteProbe | null = null;
  /** With `clientSideExpiry`: armed while the session has no connection, fires once no server was heard for its timeout. */
  private readonly silence = new SilenceDeadline(this, (silence) => this.declareExpiredByClient(silence));

  constructor(private readonly config: SessionConfig) {
    this.context = { chroot: config.chroot };
    // The configuration node is outside any chroot, and its watch (followEnsemble's) must still be heard.
    this.watches = new WatchRegistry((serverPath) => clientPathOrNull(config.chroot, serverPath) ?? (serverPath === CONFIG_NODE ? serverPath : null));
    const session = this;
    this.connector = new Connector(config, {
      get negotiatedTimeout() {
        return session.negotiatedTimeout;
      },
      onSocket: (conn, timeout) => this.onSocket(conn, timeout),
      onGiveUp: (error) => this.shutdown(error),
      onAttempt: (server) => this.emit({ type: 'connecting', server }),
      onAttemptFailed: (server, error) => this.emit({ type: 'disconnected', server, reason: 'connect-failed', error: asError(error) }),
    });
    this.outbox = new Outbox(config, this.watches, { refusal: () => this.refusal() }, this.operations);
    this.auth = new Authentication(config, this.outbox, {
      isCurrent: (conn) => conn === this.conn,
      onRefused: (error) => this.onAuthRefused(error),
    });
    this.correlation = {
      inFlight: this.outbox.inFlight,
      context: this.context,
      lastZxid: new ZxidTracker(),
      owner: { registerWatch: (registration, err) => this.watches.register(registration, err) },
    };
    this.sessionId = config.sessionId ?? 0n;
    this.sessionFromReadWrite = config.sessionId !== undefined;
    this.password = config.sessionPassword ?? Buffer.alloc(16);
  }

  get state(): ConnectionState {
    return this.state$.value;
  }

  get session(): Session | null {
    return this.session$.value;
  }

  /** 'host:port' of the server of the current connection, once its handshake is done. */
  get server(): string | null {
    return this.outbox.connection?.server ?? null;
  }

  /** Whether start() was ever called (the long-lived observables wait for it; requests fail without it). */
  get hasStarted(): boolean {
    return this.everStarted;
  }

  /** The close() in progress, if any: start() waits for it rather than lose to it. */
  get closeInProgress(): Promise<void> | null {
    return this.closingDone;
  }

  /** The last reason a connection attempt (or authentication) failed, for start() to report; null once connected. */
  get lastConnectError(): unknown {
    return this.connector.lastError;
  }

  /** Why the client last stopped: null after close() (or while running), else what made it give up. */
  get closeReason(): Error | null {
    return this.stopReason;
  }

  /**
   * Starts connecting. True when this call started the client; false when it
   * was running already. After close() (or a start that gave up) it starts
   * afresh, as a new client would: a new session, no zxid seen, only the
   * configured credentials.
   */
  start(): boolean {
    if (this.running || this.closingDone !== null) return false;
    if (this.everStarted) this.forgetSession();
    this.everStarted = true;
    this.running = true;
    this.stopReason = null;
    this.connector.start();
    this.setState(ConnectionState.CONNECTING);
    this.connector.next(false);
    return true;
  }

  /**
   * What a closed client forgets before it starts again. The last zxid above
   * all: a server wiped and restarted at the same address is behind it, and
   * refuses every session offered with it ("has seen zxid … our last zxid is …").
   * The session given in the options is not offered again either: close() ended it.
   */
  private forgetSession(): void {
    this.receivedBefore = null;
    this.sessionId = 0n;
    this.password = Buffer.alloc(16);
    this.sessionFromReadWrite = false;
    this.negotiatedTimeout = 0;
    this.outbox.resetXid();
    this.correlation.lastZxid.reset();
    this.auth.reset();
  }

  /**
   * Closes the session: a closeSession request when connected (so ephemerals go
   * at once), then the socket. Queued requests fail with ClientClosedError.
   * Concurrent calls share one close.
   */
  close(): Promise<void> {
    if (this.closingDone !== null) return this.closingDone;
    if (!this.running && this.state === ConnectionState.CLOSED) return Promise.resolve();
    this.closingDone = this.closeNow().finally(() => {
      this.closingDone = null;
    });
    return this.closingDone;
  }

  private async closeNow(): Promise<void> {
    this.running = false;
    this.connector.stop();
    const conn = this.outbox.connection;
    // The reply comes after those of every request sent before it: wait as long as a live connection may be silent.
    if (conn !== null) await this.outbox.closeSession(conn, this.keepalive?.readTimeout ?? CLOSE_REPLY_TIMEOUT);
    this.shutdown(null);
  }

  /** The error for a request made while closed: ClientClosedError, naming what stopped the client if it was not close(). */
  private closedError(): ClientClosedError {
    const reason = this.stopReason;
    if (reason === null) return new ClientClosedError();
    return new ClientClosedError(`the client is closed: it gave up connecting (${reason.message})`, { cause: reason });
  }

  /**
   * Stops everything at once, failing queued requests: with ClientClosedError
   * after close() (`error` null: no Error is built when nothing waits), or with
   * what made connecting give up (a failed start(), a refused TLS configuration).
   */
  shutdown(error: Error | null): void {
    this.stopReason = error;
    this.running = false;
    this.connector.stop();
    this.silence.disarm();
    this.dropConnection();
    this.outbox.failWaiting(() => error ?? new ClientClosedError());
    this.watches.clear();
    this.sessionId = 0n;
    this.password = Buffer.alloc(16);
    if (this.session$.value !== null) this.session$.next(null);
    if (this.state !== ConnectionState.CLOSED && (this.state !== ConnectionState.AUTH_FAILED || error === null)) {
      this.setState(ConnectionState.CLOSED);
      this.emit({ type: 'closed' });
    }
  }

  /**
   * Sends a request (or queues it until a connection is ready); a request the
   * session refuses now (not started, closed, AUTH_FAILED) fails at once.
   */
  submit(request: QueuedRequest): void {
    this.outbox.submit(request);
  }

  /** Why a request cannot be sent now (never started, closing or closed, credentials refused), or null. */
  private refusal(): Error | null {
    if (!this.everStarted) return new ClientNotStartedError();
    if (this.closingDone !== null || (!this.running && this.state === ConnectionState.CLOSED)) return this.closedError();
    if (this.state === ConnectionState.AUTH_FAILED) return new AuthFailedError(undefined, 'authentication failed: the client no longer connects');
    return null;
  }

  /**
   * addAuth: the credential is kept for replay at once, and answered when the
   * server answers its auth packet (now, or on the next connection).
   */
  addAuth(scheme: string, auth: Buffer, subscriber: Subscriber<void>): () => void {
    // Like any request: refused before start() and once closed; kept (and sent on connecting) while disconnected.
    const refusal = this.refusal();
    if (refusal !== null) {
      subscriber.error(refusal);
      return () => undefined;
    }
    return this.auth.add(scheme, auth, subscriber);
  }

  /**
   * A new host list (`zk.updateHosts`, or the ensemble's configuration with `followEnsemble`): the session is
   * kept. When the Java client's rebalancing rule says this client should leave its server (it left the list, or
   * the list grew and the draw says so), the connection is dropped, as the Java client's updateServerList drops it,
   * and the next one goes where the rule says; requests in flight on it fail with ConnectionLossError. The same
   * servers in another order change nothing.
   */
  updateHosts(endpoints: readonly Endpoint[]): void {
    if (this.connector.hasHosts(endpoints)) return;
    const conn = this.conn;
    const move = this.connector.updateHosts(endpoints, conn !== null);
    this.config.logger.info(`rxzk: host list now ${endpoints.map(formatEndpoint).join(',')}${move && conn !== null ? `; leaving ${conn.server} to even the load` : ''}`);
    if (move && conn !== null) this.onConnectionEnd(conn, new ConnectionLossError(undefined, `${conn.server}: left to even the load over the new host list`), 'rebalanced');
  }

  /** Credentials or SASL refused for good: AUTH_FAILED, and the client stops (no reconnection changes them). */
  private onAuthRefused(error: AuthFailedError): void {
    const server = this.conn?.server;
    this.connector.failed(error);
    this.setState(ConnectionState.AUTH_FAILED);
    this.emit({ type: 'auth-failed', reason: error.message });
    this.shutdown(error);
    if (server !== undefined) this.emit({ type: 'disconnected', server, reason: 'auth-failed', error });
  }

  // ---- connection events ------------------------------------------------------

  private onSocket(conn: Connection, timeout: number): void {
    this.conn = conn;
    sendConnectRequest(conn, {
      lastZxidSeen: this.correlation.lastZxid.value,
      sessionTimeout: this.config.sessionTimeout,
      sessionId: this.sessionFromReadWrite ? this.sessionId : 0n,
      password: this.sessionFromReadWrite ? this.password : Buffer.alloc(16),
      readOnly: this.config.readOnly,
    });
    this.handshakeTimer = setTimeout(() => {
      this.handshakeTimer = undefined;
      this.onConnectionEnd(conn, new ConnectionLossError(undefined, `${conn.server}: no handshake reply within ${timeout} ms`), 'handshake-timeout');
    }, timeout);
    this.connSubscription = conn.frames$
      .pipe(
        afterHandshake((response) => this.onConnectResponse(conn, response)),
        correlateReplies(this.correlation),
      )
      .subscribe({
        next: (push) => this.onPush(push),
        error: (err: unknown) => this.onConnectionEnd(conn, err, err instanceof ProtocolError ? 'protocol-error' : 'socket-error'),
        complete: () => this.onConnectionEnd(conn, null, 'closed-by-server'),
      });
  }

  private onConnectResponse(conn: Connection, response: ConnectResponse): void {
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.connector.answered();
    // A server answered: it says whether the session lives, so the client's own deadline is moot.
    this.silence.disarm();
    if (response.timeOut <= 0) {
      this.onExpiredByServer();
      return;
    }
    const resumed = this.sessionFromReadWrite && this.sessionId !== 0n && this.sessionId === response.sessionId;
    this.sessionId = response.sessionId;
    this.password = response.passwd;
    this.negotiatedTimeout = response.timeOut;
    this.connector.connected();
    this.keepalive = new Keepalive(
      {
        receipts: conn.receipts,
        get lastSent() {
          return conn.lastSent;
        },
        sendPing: () => this.outbox.ping(conn),
        onReadTimeout: (idle) =>
          this.onConnectionEnd(conn, new ConnectionLossError(undefined, `${conn.server}: nothing received for ${idle} ms`), 'read-timeout'),
      },
      response.timeOut,
    );
    this.keepalive.start();
    if (!response.readOnly) this.sessionFromReadWrite = true;
    else {
      if (!resumed) this.sessionFromReadWrite = false;
      this.startReadWriteProbe(conn);
    }
    this.config.logger.info(
      `rxzk: ${resumed ? 'resumed' : 'opened'} session 0x${response.sessionId.toString(16)} on ${conn.server} (timeout ${response.timeOut} ms${response.readOnly ? ', read-only' : ''})`,
    );
    // With SASL, its exchange comes first, alone on the connection; a refusal is AUTH_FAILED, with no reconnection.
    this.auth.authenticate(conn, () => this.finishReady(conn, response.readOnly, !resumed));
  }

  /** Ready: credentials, then watches, then the queued requests — all before anything new. */
  private finishReady(conn: Connection, readOnly: boolean, newSession: boolean): void {
    this.auth.replay(conn);
    restoreWatches(conn, this.watches, this.correlation.lastZxid.value);
    this.outbox.open(conn);
    conn.flush();
    this.session$.next({ id: this.sessionId, password: this.password, timeout: this.negotiatedTimeout, readOnly });
    this.setState(readOnly ? ConnectionState.CONNECTED_READ_ONLY : ConnectionState.CONNECTED);
    this.emit({ type: 'connected', server: conn.server, sessionId: this.sessionId, timeout: this.negotiatedTimeout, readOnly, newSession });
  }

  /** Connected read-only: keep looking for a read-write server, and move there once one answers. */
  private startReadWriteProbe(conn: Connection): void {
    this.readWriteProbe = new ReadWriteProbe(this.connector.others(conn.server), { tls: this.config.tls, timeout: this.connector.connectTimeout }, (endpoint) => {
      if (conn !== this.conn) return;
      this.config.logger.info(`rxzk: ${formatEndpoint(endpoint)} is read-write; leaving read-only ${conn.server}`);
      this.dropConnection();
      this.setState(ConnectionState.SUSPENDED);
      this.emit({ type: 'disconnected', server: conn.server, reason: 'read-write-server-found', error: null });
      this.watchSilence();
      this.connector.connectTo(endpoint);
    });
    this.readWriteProbe.start();
  }

  private onPush(push: ServerPush): void {
    if (push.kind === 'auth') {
      this.auth.onReply(push.err);
      return;
    }
    const type = eventTypeName(push.event.type);
    if (type === undefined || type === 'None') return;
    this.watches.dispatch(type, push.event.path);
  }

  /** The server says the session is gone (a handshake answered with timeout 0): tell everyone, then make a new one. */
  private onExpiredByServer(): void {
    this.config.logger.warn(`rxzk: session 0x${this.sessionId.toString(16)} expired`);
    this.sessionExpired('server');
    if (!this.running) return;
    // A server answered: this is no outage, so the backoff starts over (but a server that answers every
    // handshake with an expiry is not reconnected to in a tight loop: ReconnectPacing).
    this.connector.expired();
    this.setState(ConnectionState.CONNECTING);
    this.connector.next(true, this.connector.ended());
  }

  /**
   * The one place the client declares its session expired (issue 21, `clientSideExpiry`; ZOOKEEPER-4508): no
   * server has been heard for the negotiated session timeout, so the ensemble has expired the session by now (or
   * is about to: it counts the same timeout from the last request it heard, rounded up to its tick). The session is
   * never offered again: a handshake in progress offering it is dropped and the next connection asks for a new
   * session. Unlike an expiry a server declares, the requests queued meanwhile are kept for the new session; the
   * watches are restored as after any expiry. What stays of the outage (the backoff) goes on.
   */
  private declareExpiredByClient(silence: number): void {
    if (!this.running || this.sessionId === 0n || this.keepalive !== null) return;
    const id = this.sessionId.toString(16);
    const reason = `session 0x${id} declared expired by the client: no server heard for ${Math.round(silence)} ms (the negotiated session timeout is ${this.negotiatedTimeout} ms)`;
    this.config.logger.warn(`rxzk: ${reason}; a new session is made next`);
    // For start() on a running client, whose timeout names the last failure.
    this.connector.failed(new SessionExpiredError(undefined, reason));
    const handshaking = this.conn !== null;
    this.sessionExpired('client');
    this.setState(ConnectionState.CONNECTING);
    // Else an attempt is in progress or planned already (the connector's), and it offers no session now.
    if (handshaking) this.connector.next(false);
  }

  /**
   * What every expiry does, whoever declared it: the session forgotten, EXPIRED, one-shot watches told. Requests
   * queued when a server says the session is gone fail with SessionExpiredError (they were made for it); after
   * the client's own declaration they wait for the new session.
   */
  private sessionExpired(declaredBy: 'server' | 'client'): void {
    this.silence.disarm();
    const expired = this.sessionId;
    const server = this.conn?.server;
    this.sessionId = 0n;
    this.password = Buffer.alloc(16);
    this.negotiatedTimeout = 0;
    this.dropConnection();
    this.session$.next(null);
    this.setState(ConnectionState.EXPIRED);
    this.emit({ type: 'expired', sessionId: expired, declaredBy });
    if (server !== undefined) this.emit({ type: 'disconnected', server, reason: 'session-expired', error: null });
    if (declaredBy === 'server') this.outbox.failWaiting(() => new SessionExpiredError());
    this.watches.expireOneShot();
  }

  /** A connection ended (closed, reset, malformed frame, silent server): `reason` says which, for connectionEvents$. */
  private onConnectionEnd(conn: Connection, err: unknown, reason: DisconnectReason): void {
    if (conn !== this.conn) return;
    const wasReady = this.outbox.connection !== null;
    // Under TLS 1.3 a server refusing our certificate says so only after our side of the handshake is done.
    const beforeConnectResponse = this.handshakeTimer !== undefined;
    if (err) this.config.logger.info(`rxzk: connection to ${conn.server} lost: ${err instanceof Error ? err.message : String(err)}`);
    this.connector.failed(err ?? new ConnectionLossError(undefined, `${conn.server}: connection closed`));
    this.dropConnection();
    const pause = this.connector.ended();
    if (!this.running) return;
    if (wasReady || this.state === ConnectionState.CONNECTED || this.state === ConnectionState.CONNECTED_READ_ONLY) {
      this.setState(ConnectionState.SUSPENDED);
    }
    this.emit({ type: 'disconnected', server: conn.server, reason, error: err === null || err === undefined ? null : asError(err) });
    if (beforeConnectResponse && this.connector.refusedByTls(err)) return;
    this.connector.next(false, pause);
    this.watchSilence();
  }

  /** The session has no connection now: with `clientSideExpiry`, its deadline runs (from the last bytes received). */
  private watchSilence(): void {
    if (this.config.clientSideExpiry && this.running && this.sessionId !== 0n && this.negotiatedTimeout > 0) {
      this.silence.arm(this.negotiatedTimeout);
    }
  }

  /** Tears the current connection down; requests it carried fail with ConnectionLossError. */
  private dropConnection(): void {
    const conn = this.conn;
    if (conn !== null && this.keepalive !== null) this.receivedBefore = conn.lastReceived;
    this.conn = null;
    this.outbox.disconnect();
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.keepalive?.stop();
    this.keepalive = null;
    this.readWriteProbe?.stop();
    this.readWriteProbe = null;
    this.auth.connectionLost();
    this.connSubscription?.unsubscribe();
    this.connSubscription = null;
    if (conn) {
      conn.destroy();
      this.outbox.failInFlight();
    }
  }

  /** Emits a connection event, only while someone listens (nothing is built otherwise but the event itself). */
  private emit(event: ConnectionEvent): void {
    if (this.connectionEvents$.observed) this.connectionEvents$.next(event);
  }

  private setState(state: ConnectionState): void {
    if (this.state$.value === state) return;
    this.config.logger.debug(`rxzk: state ${this.state$.value} -> ${state}`);
    this.state$.next(state);
  }

  /** True when requests would go to a server now. */
  get connected(): boolean {
    return isConnected(this.state);
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
