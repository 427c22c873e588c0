import type { ConnectionOptions } from 'node:tls';
import { BehaviorSubject, Observable, type Subscriber, type Subscription } from 'rxjs';
import { AuthFailedError, ConnectionLossError, SessionExpiredError } from '../errors/server-errors';
import { ClientClosedError, ClientNotStartedError, RequestTooLargeError, TimeoutError } from '../errors/client-errors';
import { ErrorCode } from '../jute/error-codes';
import { OpCode, SpecialXid } from '../jute/op-codes';
import { writeAuthPacket, writeRequestHeaderFields, type ConnectResponse } from '../jute/records/session';
import { clientPathOrNull } from '../common/path';
import { Connection } from '../transport/connection';
import { formatEndpoint } from '../transport/connect-string';
import type { Endpoint } from '../transport/endpoint';
import { openSocket } from '../transport/socket-connector';
import { isPermanentTlsError } from '../transport/tls-errors';
import { ConnectionState, isConnected, type Session } from './connection-state';
import { CredentialStore, type Credential } from './credentials';
import { afterHandshake, sendConnectRequest } from './handshake';
import { HostProvider } from './host-provider';
import { Keepalive } from './keepalive';
import type { Logger } from './logger';
import type { Operation, OperationContext } from './operation';
import { PendingRequest, type ReplySubscriber, type RequestOwner } from './pending-request';
import { correlateReplies, type CorrelationState, type ServerPush } from './reply-correlation';
import { RequestQueue } from './request-queue';
import { Backoff, type ResolvedRetryPolicy } from './retry-policy';
import { eventTypeName } from './watched-event';
import { WatchRegistry, type WatchRegistration } from './watch-registry';
import { restoreWatches } from './watch-restore';
import { ReadWriteProbe } from './read-write-probe';
import { ReconnectPacing } from './reconnect-pacing';
import { ZxidTracker } from './zxid-tracker';
import { createSaslMechanism, type SaslConfig } from './sasl/mechanism-factory';
import { SASL, saslExchange } from './sasl/sasl-exchange';

/** Everything the session needs, already validated and defaulted by the client. */
export interface SessionConfig {
  endpoints: readonly Endpoint[];
  randomizeHosts: boolean;
  /** The chroot prefix ('' for none), stripped from paths the server returns. */
  chroot: string;
  sessionTimeout: number;
  readOnly: boolean;
  sessionId?: bigint;
  sessionPassword?: Buffer;
  auth: readonly { scheme: string; auth: Buffer }[];
  /** SASL on every connection, before anything else. */
  sasl?: SaslConfig;
  tls?: boolean | ConnectionOptions;
  reconnect: ResolvedRetryPolicy;
  requestTimeout?: number;
  /** Largest request frame sent. */
  maxFrameSize: number;
  /** Largest reply frame accepted. */
  maxReplySize: number;
  logger: Logger;
}

const CLOSE_SESSION: Operation<null, null> = {
  type: OpCode.closeSession,
  write: () => undefined,
  read: () => null,
};

/** How long close() waits for the server to confirm closeSession when no read timeout is known yet. */
const CLOSE_REPLY_TIMEOUT = 2_000;

/**
 * The protocol handler of one client: it owns the connection, the session,
 * the requests and the state (nats.js' ProtocolHandler plays this part).
 *
 * - Connecting: servers in turn (HostProvider), backoff with jitter after a
 *   full pass, a handshake resuming the session id and password.
 * - Requests: sent at once when connected, else queued. Requests sent but
 *   unanswered when a connection drops fail with ConnectionLossError (never
 *   replayed in silence); queued ones wait for the next connection.
 * - On every new connection, before any queued request: the credentials, then
 *   the watches to restore.
 * - State in a BehaviorSubject: CONNECTING, CONNECTED(_READ_ONLY), SUSPENDED,
 *   EXPIRED (then a new session by itself), AUTH_FAILED, CLOSED.
 */
export class SessionManager implements RequestOwner {
  readonly state$ = new BehaviorSubject<ConnectionState>(ConnectionState.CONNECTING);
  readonly session$ = new BehaviorSubject<Session | null>(null);
  readonly watches: WatchRegistry;
  /** The last reason a connection attempt failed, for start() to report. */
  lastConnectError: unknown = null;
  /** Why the client last stopped: ClientClosedError after close(), else what made it give up. */
  closeReason: Error | null = null;

  private readonly hosts: HostProvider;
  private readonly backoff: Backoff;
  private readonly waiting = new RequestQueue<PendingRequest>();
  private readonly correlation: CorrelationState;
  private readonly credentials = new CredentialStore();
  private readonly context: OperationContext;
  private readonly pacing = new ReconnectPacing();

  /** Whether start() was ever called: before it, requests fail with ClientNotStartedError. */
  private everStarted = false;
  private running = false;
  /** The close() in progress (waiting for closeSession's reply), which a start() waits for. */
  private closingDone: Promise<void> | null = null;
  private conn: Connection | null = null;
  private connSubscription: Subscription | null = null;
  private attempt: Subscription | null = null;
  private attemptTimer: ReturnType<typeof setTimeout> | undefined;
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  private keepalive: Keepalive | null = null;
  /** `performance.now()` when the last connection that finished its handshake last received bytes (while there is none now). */
  private receivedBefore: number | null = null;
  private saslSubscription: Subscription | null = null;
  /** True once the handshake (and any authentication) is done: requests go straight out. */
  private ready = false;
  private xid = 0;
  private sessionId: bigint;
  private password: Buffer;
  private negotiatedTimeout = 0;
  /** Consecutive connection attempts refused for a TLS reason no retry mends. */
  private tlsRefusals = 0;
  /**
   * Whether the session was issued (or last accepted) by a read-write server.
   * A session a read-only server made is local to that server: it is not
   * offered to others, the next server makes a new one (ClientCnxn's
   * seenRwServerBefore, reset whenever a read-only server makes a session, so
   * that moving back to a read-write server is not reported as an expiry).
   */
  private sessionFromReadWrite: boolean;
  private readWriteProbe: ReadWriteProbe | null = null;

  constructor(private readonly config: SessionConfig) {
    this.context = { chroot: config.chroot };
    this.hosts = new HostProvider(config.endpoints, config.randomizeHosts);
    this.backoff = new Backoff(config.reconnect);
    this.correlation = { inFlight: new RequestQueue(), context: this.context, lastZxid: new ZxidTracker(), owner: this };
    this.watches = new WatchRegistry((serverPath) => clientPathOrNull(config.chroot, serverPath));
    this.sessionId = config.sessionId ?? 0n;
    this.sessionFromReadWrite = config.sessionId !== undefined;
    this.password = config.sessionPassword ?? Buffer.alloc(16);
    this.credentials.reset(config.auth);
  }

  get state(): ConnectionState {
    return this.state$.value;
  }

  get session(): Session | null {
    return this.session$.value;
  }

  /** 'host:port' of the server of the current connection, once its handshake is done. */
  get server(): string | null {
    return this.ready && this.conn ? this.conn.server : null;
  }

  /**
   * `performance.now()` when bytes last came from a server: the current connection's once its handshake is done,
   * else the last such connection's (so a silence goes on counting across a reconnect); null before the first.
   */
  get lastReceived(): number | null {
    return this.keepalive !== null && this.conn !== null ? this.conn.lastReceived : this.receivedBefore;
  }

  /** Whether start() was ever called (the long-lived observables wait for it; requests fail without it). */
  get hasStarted(): boolean {
    return this.everStarted;
  }

  /** The close() in progress, if any: start() waits for it rather than lose to it. */
  get closeInProgress(): Promise<void> | null {
    return this.closingDone;
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
    this.closeReason = null;
    this.lastConnectError = null;
    this.tlsRefusals = 0;
    this.backoff.reset();
    this.pacing.reset();
    this.setState(ConnectionState.CONNECTING);
    this.connectNext(false);
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
    this.xid = 0;
    this.correlation.lastZxid.reset();
    this.credentials.reset(this.config.auth);
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
    this.stopConnecting();
    const conn = this.conn;
    if (conn && this.ready) await this.sendCloseSession(conn);
    this.shutdown(null);
  }

  /** The error for a request made while closed: ClientClosedError, naming what stopped the client if it was not close(). */
  private closedError(): ClientClosedError {
    const reason = this.closeReason;
    if (reason === null) return new ClientClosedError();
    return new ClientClosedError(`the client is closed: it gave up connecting (${reason.message})`, { cause: reason });
  }

  /**
   * Stops everything at once, failing queued requests: with ClientClosedError
   * after close() (`error` null: no Error is built when nothing waits), or with
   * what made connecting give up (a failed start(), a refused TLS configuration).
   */
  shutdown(error: Error | null): void {
    this.closeReason = error;
    this.running = false;
    this.stopConnecting();
    this.dropConnection();
    const waiting = this.waiting.drain();
    if (waiting.length > 0) {
      const failure = error ?? new ClientClosedError();
      for (const request of waiting) request.fail(failure);
    }
    this.watches.clear();
    this.sessionId = 0n;
    this.password = Buffer.alloc(16);
    if (this.session$.value !== null) this.session$.next(null);
    if (this.state !== ConnectionState.AUTH_FAILED || error === null) this.setState(ConnectionState.CLOSED);
  }

  /**
   * Sends (or queues) a request; the returned PendingRequest is the
   * subscription's teardown.
   */
  request<Req, Res>(
    op: Operation<Req, Res>,
    args: Req,
    subscriber: ReplySubscriber<Res>,
    path: string | undefined,
    watch: WatchRegistration | null = null,
  ): PendingRequest<Req, Res> | undefined {
    const request = new PendingRequest<Req, Res>(op, args, subscriber, path, watch);
    this.submit(request as PendingRequest);
    // The teardown only where there is a timer to clear: rxjs allocates an array of
    // finalizers per subscription for a teardown, and the subscriber's `closed` flag
    // already tells the request that its caller left.
    return request.timer === undefined ? undefined : request;
  }

  /** Why a request cannot be sent now (never started, closing or closed, credentials refused), or null. */
  private refusal(): Error | null {
    if (!this.everStarted) return new ClientNotStartedError();
    if (this.closingDone !== null || (!this.running && this.state === ConnectionState.CLOSED)) return this.closedError();
    if (this.state === ConnectionState.AUTH_FAILED) return new AuthFailedError(undefined, 'authentication failed: the client no longer connects');
    return null;
  }

  private submit(request: PendingRequest): void {
    const refusal = this.refusal();
    if (refusal !== null) {
      request.fail(refusal);
      return;
    }
    if (request.watch !== null) {
      request.tracker = this.watches;
      this.watches.settingStarted(request);
    }
    const timeout = this.config.requestTimeout;
    if (timeout !== undefined) {
      request.timer = setTimeout(() => request.fail(new TimeoutError('request', timeout)), timeout);
    }
    if (this.ready && this.conn) this.send(this.conn, request);
    else this.waiting.push(request);
  }

  registerWatch(registration: WatchRegistration, err: number): void {
    this.watches.register(registration, err);
  }

  private nextXid(): number {
    this.xid = this.xid >= 0x7fffffff ? 1 : this.xid + 1;
    return this.xid;
  }

  private send(conn: Connection, request: PendingRequest): void {
    const w = conn.writer;
    const start = w.beginFrame();
    request.xid = this.nextXid();
    writeRequestHeaderFields(w, request.xid, request.op.type);
    try {
      request.op.write(w, request.args);
    } catch (err) {
      w.truncate(start);
      request.fail(err);
      return;
    }
    const length = w.endFrame(start);
    if (length > this.config.maxFrameSize) {
      w.truncate(start);
      request.fail(new RequestTooLargeError(length, this.config.maxFrameSize));
      return;
    }
    this.correlation.inFlight.push(request);
    conn.flushSoon();
  }

  private flushWaiting(conn: Connection): void {
    for (let request = this.waiting.shift(); request !== undefined; request = this.waiting.shift()) {
      if (request.wanted) this.send(conn, request);
    }
  }

  // ---- authentication -------------------------------------------------------

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
    const credential = this.credentials.add(scheme, auth, false);
    if (credential.confirmed) {
      subscriber.next();
      subscriber.complete();
      return () => undefined;
    }
    credential.waiters.push(subscriber);
    const alreadySent = credential.waiters.length > 1;
    if (this.ready && this.conn && !alreadySent) this.sendAuth(this.conn, credential);
    return () => {
      const i = credential.waiters.indexOf(subscriber);
      if (i >= 0) credential.waiters.splice(i, 1);
    };
  }

  private sendAuth(conn: Connection, credential: Credential): void {
    const w = conn.writer;
    const start = w.beginFrame();
    writeRequestHeaderFields(w, SpecialXid.auth, OpCode.auth);
    writeAuthPacket(w, { type: 0, scheme: credential.scheme, auth: credential.auth });
    w.endFrame(start);
    this.credentials.sent(credential);
    conn.flushSoon();
  }

  private onAuthReply(err: number): void {
    const credential = this.credentials.answered();
    if (credential === undefined) return;
    const waiters = credential.waiters.splice(0);
    if (err === ErrorCode.OK) {
      credential.confirmed = true;
      for (const s of waiters) {
        s.next();
        s.complete();
      }
      return;
    }
    const error = new AuthFailedError(undefined, `authentication failed for scheme '${credential.scheme}'`);
    for (const s of waiters) s.error(error);
    if (credential.confirmed) {
      // Credentials the session was given (or had accepted) are refused now: no reconnection can mend that.
      this.config.logger.error(`rxzk: ${error.message}; giving up`);
      this.lastConnectError = error;
      this.setState(ConnectionState.AUTH_FAILED);
      this.shutdown(error);
    } else {
      // A new credential from addAuth: the caller hears of it; the server drops this connection and we reconnect without it.
      this.credentials.forget(credential);
    }
  }

  // ---- connecting -----------------------------------------------------------

  /**
   * Connects to the next server: at once, or after the backoff once every
   * server has been tried in vain, and never sooner than `pause` (see ReconnectPacing).
   */
  private connectNext(immediate: boolean, pause = 0): void {
    if (!this.running) return;
    const { endpoint, passComplete } = this.hosts.next();
    const backoff = passComplete && !immediate ? (this.backoff.next() ?? this.config.reconnect.maxDelay) : 0;
    const wait = Math.max(backoff, pause);
    // No timer without a wait: setTimeout(…, 0) costs a millisecond on every connect (the socket work is asynchronous anyway).
    if (wait === 0) {
      this.connectTo(endpoint);
      return;
    }
    this.attemptTimer = setTimeout(() => {
      this.attemptTimer = undefined;
      this.connectTo(endpoint);
    }, wait);
  }

  /** The Java client's per-host connect timeout: the session timeout shared among the hosts. */
  private get connectTimeout(): number {
    const timeout = this.negotiatedTimeout > 0 ? this.negotiatedTimeout : this.config.sessionTimeout;
    return Math.max(1, Math.floor(timeout / this.hosts.size));
  }

  private connectTo(endpoint: Endpoint): void {
    const timeout = this.connectTimeout;
    this.config.logger.debug(`rxzk: connecting to ${formatEndpoint(endpoint)}`);
    this.attempt = openSocket(endpoint, { tls: this.config.tls, timeout }).subscribe({
      next: (socket) => {
        this.attempt = null;
        this.onSocket(new Connection(socket, formatEndpoint(endpoint), this.config.maxReplySize), timeout);
      },
      error: (err: unknown) => {
        this.attempt = null;
        this.lastConnectError = err;
        this.config.logger.debug(`rxzk: ${err instanceof Error ? err.message : String(err)}`);
        if (this.refusedByTls(err)) return;
        this.connectNext(false);
      },
    });
  }

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
      this.onConnectionEnd(conn, new ConnectionLossError(undefined, `${conn.server}: no handshake reply within ${timeout} ms`));
    }, timeout);
    this.connSubscription = conn.frames$
      .pipe(
        afterHandshake((response) => this.onConnectResponse(conn, response)),
        correlateReplies(this.correlation),
      )
      .subscribe({
        next: (push) => this.onPush(push),
        error: (err: unknown) => this.onConnectionEnd(conn, err),
        complete: () => this.onConnectionEnd(conn, null),
      });
  }

  private onConnectResponse(conn: Connection, response: ConnectResponse): void {
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.pacing.handshake();
    if (response.timeOut <= 0) {
      this.onExpired();
      return;
    }
    const resumed = this.sessionFromReadWrite && this.sessionId !== 0n && this.sessionId === response.sessionId;
    this.sessionId = response.sessionId;
    this.password = response.passwd;
    this.negotiatedTimeout = response.timeOut;
    this.hosts.connected();
    this.backoff.reset();
    this.tlsRefusals = 0;
    this.lastConnectError = null;
    this.keepalive = new Keepalive(
      {
        get lastReceived() {
          return conn.lastReceived;
        },
        get lastSent() {
          return conn.lastSent;
        },
        sendPing: () => this.sendPing(conn),
        onReadTimeout: (idle) =>
          this.onConnectionEnd(conn, new ConnectionLossError(undefined, `${conn.server}: nothing received for ${idle} ms`)),
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
    this.becomeReady(conn, response.readOnly);
  }

  /**
   * Handshake done. With SASL, its exchange comes first, alone on the
   * connection (the Java client holds every other request back meanwhile);
   * a refusal is AUTH_FAILED, with no reconnection.
   */
  private becomeReady(conn: Connection, readOnly: boolean): void {
    const sasl = this.config.sasl;
    if (sasl === undefined) {
      this.finishReady(conn, readOnly);
      return;
    }
    const mechanism = createSaslMechanism(sasl, conn);
    this.saslSubscription = saslExchange(mechanism, (token) =>
      new Observable<Buffer>((subscriber) => {
        const request = new PendingRequest(SASL, { token }, subscriber, undefined, null);
        this.send(conn, request as PendingRequest);
        return request;
      }),
    ).subscribe({
      complete: () => {
        this.saslSubscription = null;
        this.config.logger.info(`rxzk: SASL ${mechanism.mechanism} authentication of '${mechanism.identity}' succeeded`);
        this.finishReady(conn, readOnly);
      },
      error: (err: unknown) => {
        this.saslSubscription = null;
        if (conn !== this.conn) return;
        if (err instanceof ConnectionLossError) return; // the connection ended; onConnectionEnd reconnects
        const error = err instanceof AuthFailedError ? err : new AuthFailedError(undefined, `SASL authentication failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        this.config.logger.error(`rxzk: ${error.message}; giving up`);
        this.lastConnectError = error;
        this.setState(ConnectionState.AUTH_FAILED);
        this.shutdown(error);
      },
    });
  }

  /** Ready: credentials, then watches, then the queued requests — all before anything new. */
  private finishReady(conn: Connection, readOnly: boolean): void {
    for (const credential of this.credentials.all) this.sendAuth(conn, credential);
    restoreWatches(conn, this.watches, this.correlation.lastZxid.value);
    this.ready = true;
    this.flushWaiting(conn);
    conn.flush();
    this.session$.next({ id: this.sessionId, password: this.password, timeout: this.negotiatedTimeout, readOnly });
    this.setState(readOnly ? ConnectionState.CONNECTED_READ_ONLY : ConnectionState.CONNECTED);
  }

  /** Connected read-only: keep looking for a read-write server, and move there once one answers. */
  private startReadWriteProbe(conn: Connection): void {
    const others = this.hosts.endpoints.filter((e) => formatEndpoint(e) !== conn.server);
    this.readWriteProbe = new ReadWriteProbe(others, { tls: this.config.tls, timeout: this.connectTimeout }, (endpoint) => {
      if (conn !== this.conn) return;
      this.config.logger.info(`rxzk: ${formatEndpoint(endpoint)} is read-write; leaving read-only ${conn.server}`);
      this.dropConnection();
      this.setState(ConnectionState.SUSPENDED);
      this.connectTo(endpoint);
    });
    this.readWriteProbe.start();
  }

  private sendPing(conn: Connection): void {
    const w = conn.writer;
    const start = w.beginFrame();
    writeRequestHeaderFields(w, SpecialXid.ping, OpCode.ping);
    w.endFrame(start);
    conn.flush();
  }

  private onPush(push: ServerPush): void {
    if (push.kind === 'auth') {
      this.onAuthReply(push.err);
      return;
    }
    const type = eventTypeName(push.event.type);
    if (type === undefined || type === 'None') return;
    this.watches.dispatch(type, push.event.path);
  }

  /** The server says the session is gone: tell everyone, then make a new one. */
  private onExpired(): void {
    this.config.logger.warn(`rxzk: session 0x${this.sessionId.toString(16)} expired`);
    this.sessionId = 0n;
    this.password = Buffer.alloc(16);
    this.negotiatedTimeout = 0;
    this.dropConnection();
    this.session$.next(null);
    this.setState(ConnectionState.EXPIRED);
    const error = new SessionExpiredError();
    for (const request of this.waiting.drain()) request.fail(error);
    this.watches.expireOneShot();
    if (!this.running) return;
    // A server answered: this is no outage, so the backoff starts over (but a server that answers every
    // handshake with an expiry is not reconnected to in a tight loop: ReconnectPacing).
    this.hosts.connected();
    this.backoff.reset();
    this.setState(ConnectionState.CONNECTING);
    this.connectNext(true, this.pacing.ended());
  }

  /** A connection ended (closed, reset, malformed frame, silent server). */
  private onConnectionEnd(conn: Connection, err: unknown): void {
    if (conn !== this.conn) return;
    const wasReady = this.ready;
    // Under TLS 1.3 a server refusing our certificate says so only after our side of the handshake is done.
    const beforeConnectResponse = this.handshakeTimer !== undefined;
    if (err) this.config.logger.info(`rxzk: connection to ${conn.server} lost: ${err instanceof Error ? err.message : String(err)}`);
    this.lastConnectError = err ?? new ConnectionLossError(undefined, `${conn.server}: connection closed`);
    this.dropConnection();
    const pause = this.pacing.ended();
    if (!this.running) return;
    if (beforeConnectResponse && this.refusedByTls(err)) return;
    if (wasReady || this.state === ConnectionState.CONNECTED || this.state === ConnectionState.CONNECTED_READ_ONLY) {
      this.setState(ConnectionState.SUSPENDED);
    }
    this.connectNext(false, pause);
  }

  /**
   * Counts a refusal no retry mends (see tls-errors); once every server in a
   * row has refused, gives up with that error instead of spinning. True when it gave up.
   */
  private refusedByTls(err: unknown): boolean {
    this.tlsRefusals = isPermanentTlsError(err) ? this.tlsRefusals + 1 : 0;
    if (this.tlsRefusals < this.hosts.size) return false;
    this.config.logger.error(`rxzk: TLS refused by every server (${err instanceof Error ? err.message : String(err)}); giving up`);
    this.shutdown(err instanceof Error ? err : new Error(String(err)));
    return true;
  }

  /** Tears the current connection down; requests it carried fail with ConnectionLossError. */
  private dropConnection(): void {
    const conn = this.conn;
    if (conn !== null && this.keepalive !== null) this.receivedBefore = conn.lastReceived;
    this.conn = null;
    this.ready = false;
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.keepalive?.stop();
    this.keepalive = null;
    this.readWriteProbe?.stop();
    this.readWriteProbe = null;
    this.saslSubscription?.unsubscribe();
    this.saslSubscription = null;
    this.connSubscription?.unsubscribe();
    this.connSubscription = null;
    this.credentials.connectionLost();
    if (conn) {
      conn.destroy();
      const inFlight = this.correlation.inFlight.drain();
      for (const request of inFlight) request.fail(new ConnectionLossError(request.path));
    }
  }

  private stopConnecting(): void {
    clearTimeout(this.attemptTimer);
    this.attemptTimer = undefined;
    this.attempt?.unsubscribe();
    this.attempt = null;
  }

  private sendCloseSession(conn: Connection): Promise<void> {
    return new Promise<void>((resolve) => {
      // The reply comes after those of every request sent before it: wait as long as a live connection may be silent.
      const timer = setTimeout(resolve, this.keepalive?.readTimeout ?? CLOSE_REPLY_TIMEOUT);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const request = new PendingRequest<null, null>(
        CLOSE_SESSION,
        null,
        { next: () => undefined, error: done, complete: done },
        undefined,
        null,
      );
      this.send(conn, request as PendingRequest);
    });
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
