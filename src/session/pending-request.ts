import type { Observer, Unsubscribable } from 'rxjs';
import { errorForCode } from '../errors/server-errors';
import type { JuteReader } from '../jute/reader';
import type { JuteWriter } from '../jute/writer';
import type { Operation, OperationContext } from './operation';
import { malformedReply } from './malformed-reply';
import type { RequestProbe } from './operation-reporter';
import { rethrowOutside } from './user-code';
import type { WatchBeingSet, WatchRegistration, WatchRegistry } from './watch-registry';

/** Who waits for a reply: an rxjs Subscriber, whose `closed` tells that it left. */
export type ReplySubscriber<T> = Observer<T> & { readonly closed?: boolean };

/**
 * A request as the outbox, its queues and the reply correlation see it: not
 * generic, so requests of every operation share one queue without a cast.
 */
export interface QueuedRequest extends WatchBeingSet {
  /** Assigned when sent; 0 while waiting. */
  xid: number;
  /** The op code in the request header. */
  readonly type: number;
  /** The caller's path (without chroot), named in errors. */
  readonly path: string | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The registry tracking the watch this request sets, until the request ends (watch requests only). */
  watchRegistry: WatchRegistry | null;
  /** The request's argument record (a multi's: its ops), for its operation record. */
  readonly args: unknown;
  /** Its measurements while someone listens to the operation stream (OperationReporter); null otherwise. */
  probe: RequestProbe | null;
  /** Encodes the request body (after the header). */
  writeBody(w: JuteWriter): void;
  /** Completes the request from its reply (see PendingRequest.settle). */
  settle(err: number, r: JuteReader, ctx: OperationContext, owner: RequestOwner): void;
  /** Fails the request (its caller hears of it unless it left). */
  fail(error: unknown): void;
}

/** What a pending request needs of the session that owns it. */
export interface RequestOwner {
  /** Records a watch the server has set for a request that succeeded. */
  registerWatch(registration: WatchRegistration, err: number): void;
}

/**
 * One request from submission to reply: what it sends, the watch it may set,
 * its timer, and the decoding of its reply. Delivery is the subclass's: to an
 * rxjs Subscriber (SubscriberRequest), or straight to the callbacks of `then`
 * (PromiseRequest, promise-request.ts: what `await` gets, without a
 * Subscriber, a SafeSubscriber or a promise adapter per request).
 *
 * Whatever the caller, the request keeps its place in the in-flight FIFO once
 * sent: ZooKeeper answers it, in order, and an answer nobody wants any more
 * is discarded.
 */
export abstract class PendingRequest<Req, Res> implements QueuedRequest {
  /** Assigned when sent; 0 while waiting. */
  xid = 0;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The registry tracking the watch this request sets, until the request ends (watch requests only). */
  watchRegistry: WatchRegistry | null = null;
  /** Its measurements while someone listens to the operation stream; null otherwise (nothing measured). */
  probe: RequestProbe | null = null;

  constructor(
    readonly op: Operation<Req, Res>,
    readonly args: Req,
    /** The caller's path (without chroot), named in errors. */
    readonly path: string | undefined,
    /** The watch to record if the server accepts the request. */
    readonly watch: WatchRegistration | null,
  ) {}

  get type(): number {
    return this.op.type;
  }

  writeBody(w: JuteWriter): void {
    this.op.write(w, this.args);
  }

  /** Whether the caller still wants the reply. */
  abstract get wanted(): boolean;

  /** Delivers the value (once; later calls do nothing). */
  abstract resolve(value: Res): void;

  /** Delivers the error (once; later calls do nothing). */
  abstract fail(error: unknown): void;

  /**
   * Completes the request from its reply (`r` positioned after the reply
   * header). Decoding and delivery are kept apart: a malformed body throws a
   * ProtocolError (after failing the request), while whatever the caller's
   * code throws on delivery is re-thrown on a later tick, so it is never taken
   * for bad bytes from the server and never fails the other requests in flight.
   */
  settle(err: number, r: JuteReader, ctx: OperationContext, owner: RequestOwner): void {
    let value: Res | undefined;
    let failure: Error | null = null;
    try {
      if (err === 0) {
        value = this.op.read(r, this.args, ctx);
        // A reply that says OK may still fail the request (a rolled-back transaction answers OK).
        if (this.op.failure !== undefined) failure = this.op.failure(value, this.args, ctx);
      } else {
        const outcome = this.op.readError?.(err, r, this.args, ctx);
        if (outcome !== undefined) value = outcome.value;
        else failure = errorForCode(err, this.path);
      }
    } catch (decodeError) {
      const error = malformedReply(decodeError);
      this.fail(error);
      throw error;
    }
    if (this.probe !== null) this.report(failure === null, failure);
    try {
      if (this.watch !== null && this.wanted) owner.registerWatch(this.watch, err);
      if (failure === null) this.resolve(value as Res);
      else this.fail(failure);
    } catch (userError) {
      rethrowOutside(userError);
    }
  }

  /**
   * Ends the request's record (while someone listens to the operation stream): once, by whichever ends it first —
   * its reply, its failure, or its caller leaving before it was sent.
   */
  protected report(ok: boolean, error: unknown): void {
    const probe = this.probe;
    if (probe === null) return;
    this.probe = null;
    probe.complete(ok, error === null || error instanceof Error ? error : new Error(String(error)));
  }

  /** The request is over for its caller: its timer and its place among the watches being set go. */
  protected ended(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.watchRegistry !== null) {
      this.watchRegistry.settingEnded(this);
      this.watchRegistry = null;
    }
  }
}

/**
 * A request whose caller is an rxjs Subscriber (a `subscribe()`, or an
 * operator). A subscriber that leaves before the reply is seen through its
 * `closed` flag; the request is its teardown (`Unsubscribable`) only when it
 * holds a timer to clear (RequestObservable).
 */
export class SubscriberRequest<Req, Res> extends PendingRequest<Req, Res> implements Unsubscribable {
  constructor(
    op: Operation<Req, Res>,
    args: Req,
    public subscriber: ReplySubscriber<Res> | null,
    path: string | undefined,
    watch: WatchRegistration | null,
  ) {
    super(op, args, path, watch);
  }

  get wanted(): boolean {
    const subscriber = this.subscriber;
    return subscriber !== null && subscriber.closed !== true;
  }

  /**
   * Teardown: the caller no longer wants the reply. A request not sent yet
   * stays queued and is skipped when the queue is flushed (O(1) here).
   */
  unsubscribe(): void {
    if (this.subscriber === null) return;
    this.subscriber = null;
    this.ended();
    // Left before it was sent: it never will be (the outbox skips it), so its record ends now. Once sent, its reply ends it.
    if (this.xid === 0) this.report(false, null);
  }

  resolve(value: Res): void {
    if (this.probe !== null) this.report(true, null);
    const subscriber = this.subscriber;
    if (subscriber === null) return;
    this.subscriber = null;
    this.ended();
    if (subscriber.closed === true) return;
    subscriber.next(value);
    subscriber.complete();
  }

  fail(error: unknown): void {
    if (this.probe !== null) this.report(false, error);
    const subscriber = this.subscriber;
    if (subscriber === null) return;
    this.subscriber = null;
    this.ended();
    if (subscriber.closed === true) return;
    subscriber.error(error);
  }
}
