import { ConnectionLossError } from '../errors/server-errors';
import { TimeoutError } from '../errors/client-errors';
import { OpCode, SpecialXid } from '../jute/op-codes';
import { writeAuthPacket } from '../jute/records/session';
import type { JuteWriter } from '../jute/writer';
import type { Connection } from '../transport/connection';
import type { Operation } from './operation';
import type { OperationReporter } from './operation-reporter';
import { SubscriberRequest, type QueuedRequest } from './pending-request';
import { RequestQueue } from './request-queue';
import type { SessionConfig } from './session-config';
import { writeRequestFrame } from './request-frame';
import type { WatchRegistry } from './watch-registry';

/** What the outbox needs of the session's configuration: the bound on each request, the largest frame sent. */
export type OutboxConfig = Pick<SessionConfig, 'requestTimeout' | 'maxFrameSize'>;

/** How the outbox talks back to the session. */
export interface OutboxEvents {
  /** Why a request cannot be sent now (never started, closing or closed, credentials refused), or null. */
  refusal(): Error | null;
}

const CLOSE_SESSION: Operation<null, null> = {
  type: OpCode.closeSession,
  write: () => undefined,
  read: () => null,
};

/**
 * The session's outgoing requests: numbered (xid) and framed here
 * (request-frame.ts), sent at once while a connection is ready, else kept
 * waiting in order for the next one; once sent, in flight until their reply
 * (reply-correlation.ts shifts them off `inFlight`). Requests in flight when a
 * connection ends fail with ConnectionLossError — never replayed in silence —
 * while waiting ones go out on the next connection.
 */
export class Outbox {
  /** Requests sent and not yet answered, oldest first. */
  readonly inFlight = new RequestQueue<QueuedRequest>();
  private readonly waiting = new RequestQueue<QueuedRequest>();
  private xid = 0;
  /** The connection requests go straight out on: set once its handshake (and any SASL) is done. */
  private ready: Connection | null = null;

  constructor(
    private readonly config: OutboxConfig,
    private readonly watches: WatchRegistry,
    private readonly events: OutboxEvents,
    /** The operation stream: asked once per request whether anyone listens. */
    private readonly reporter: OperationReporter,
  ) {}

  /** The ready connection, or null while there is none (requests then wait). */
  get connection(): Connection | null {
    return this.ready;
  }

  /**
   * Sends a request now if a connection is ready, else queues it; fails it at
   * once when the session refuses requests (not started, closed, AUTH_FAILED).
   * With a request timeout, arms its timer. While anyone listens to the operation
   * stream, the request gets its probe here, in the caller's subscribe or await.
   */
  submit(request: QueuedRequest): void {
    if (this.reporter.listening) this.reporter.begin(request);
    const refusal = this.events.refusal();
    if (refusal !== null) {
      request.fail(refusal);
      return;
    }
    if (request.watch !== null) {
      request.watchRegistry = this.watches;
      this.watches.settingStarted(request);
    }
    const timeout = this.config.requestTimeout;
    if (timeout !== undefined) {
      request.timer = setTimeout(() => request.fail(new TimeoutError('request', timeout)), timeout);
    }
    if (this.ready !== null) this.send(this.ready, request);
    else {
      this.waiting.push(request);
      if (request.probe !== null) request.probe.waiting();
    }
  }

  private nextXid(): number {
    this.xid = this.xid >= 0x7fffffff ? 1 : this.xid + 1;
    return this.xid;
  }

  /** Numbers, frames and sends a request on `conn` now (also before it is ready: SASL tokens, closeSession). */
  send(conn: Connection, request: QueuedRequest): void {
    request.xid = this.nextXid();
    let length: number;
    try {
      length = writeRequestFrame(conn.writer, request.xid, request.type, writeRequestBody, request, this.config.maxFrameSize);
    } catch (err) {
      request.fail(err);
      return;
    }
    // The frame's length prefix counts: bytes on the wire (before TLS).
    if (request.probe !== null) request.probe.sent(length + 4, conn.server);
    this.inFlight.push(request);
    conn.flushSoon();
  }

  /** An auth packet (xid -4; its answer comes as a push, in the order sent). */
  sendAuth(conn: Connection, scheme: string, auth: Buffer): void {
    writeRequestFrame(conn.writer, SpecialXid.auth, OpCode.auth, writeAuthPacket, { type: 0, scheme, auth });
    conn.flushSoon();
  }

  /** A ping (xid -2), written at once: the keepalive sends it when nothing else went out. */
  ping(conn: Connection): void {
    writeRequestFrame(conn.writer, SpecialXid.ping, OpCode.ping, writeNothing, null);
    conn.flush();
  }

  /** `conn` is ready: what waited goes out now, in order, and new requests go straight out. */
  open(conn: Connection): void {
    this.ready = conn;
    for (let request = this.waiting.shift(); request !== undefined; request = this.waiting.shift()) {
      if (request.wanted) this.send(conn, request);
    }
  }

  /** The connection is no longer ready: requests wait from now on. */
  disconnect(): void {
    this.ready = null;
  }

  /** The connection ended: the requests it carried fail with ConnectionLossError. */
  failInFlight(): void {
    for (const request of this.inFlight.drain()) request.fail(new ConnectionLossError(request.path));
  }

  /** Fails every waiting request with `error()` (made only when one waits). */
  failWaiting(error: () => Error): void {
    const waiting = this.waiting.drain();
    if (waiting.length === 0) return;
    const failure = error();
    for (const request of waiting) request.fail(failure);
  }

  /** A new session numbers its requests from 1 again. */
  resetXid(): void {
    this.xid = 0;
  }

  /**
   * Sends closeSession and resolves on its reply (which follows every reply
   * before it), or after `timeout` ms.
   */
  closeSession(conn: Connection, timeout: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeout);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const request = new SubscriberRequest<null, null>(CLOSE_SESSION, null, { next: () => undefined, error: done, complete: done }, undefined, null);
      this.send(conn, request);
    });
  }
}

function writeNothing(): void {}

function writeRequestBody(w: JuteWriter, request: QueuedRequest): void {
  request.writeBody(w);
}
