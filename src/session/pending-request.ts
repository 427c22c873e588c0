import type { Observer, Unsubscribable } from 'rxjs';
import { errorForCode } from '../errors/server-errors';
import type { JuteReader } from '../jute/reader';
import type { JuteWriter } from '../jute/writer';
import type { Operation, OperationContext } from './operation';
import { malformedReply } from './malformed-reply';
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
 * rxjs Subscriber (SubscriberRequest) or straight to a promise's resolve and
 * reject (PromiseRequest: what `await` gets, without a Subscriber, a
 * SafeSubscriber or a promise adapter per request).
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
    let ok = false;
    try {
      if (err === 0) {
        value = this.op.read(r, this.args, ctx);
        ok = true;
      } else {
        const outcome = this.op.readError?.(err, r, this.args, ctx);
        if (outcome !== undefined) {
          value = outcome.value;
          ok = true;
        }
      }
    } catch (decodeError) {
      const error = malformedReply(decodeError);
      this.fail(error);
      throw error;
    }
    try {
      if (this.watch !== null && this.wanted) owner.registerWatch(this.watch, err);
      if (ok) this.resolve(value as Res);
      else this.fail(errorForCode(err, this.path));
    } catch (userError) {
      rethrowOutside(userError);
    }
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
  }

  resolve(value: Res): void {
    const subscriber = this.subscriber;
    if (subscriber === null) return;
    this.subscriber = null;
    this.ended();
    if (subscriber.closed === true) return;
    subscriber.next(value);
    subscriber.complete();
  }

  fail(error: unknown): void {
    const subscriber = this.subscriber;
    if (subscriber === null) return;
    this.subscriber = null;
    this.ended();
    if (subscriber.closed === true) return;
    subscriber.error(error);
  }
}

/**
 * A request whose caller awaits it (`then`, which `await` calls with the
 * resolving functions of its own promise): the reply is handed to the `then`
 * callbacks directly — no Subscriber, no SafeSubscriber, no promise adapter.
 *
 * It is also the PromiseLike that `then` returns, made a real Promise only if
 * someone chains on it (an `await` never does), so an awaited request costs
 * one object. It keeps a promise's rules: the callbacks never run inside the
 * `then` call itself (a request refused at once delivers on a microtask); the
 * chained result is what the callbacks return or throw, and a rejection nobody
 * handles is reported as an unhandled rejection, as a Promise's would be.
 *
 * A promise cannot be abandoned, so the request is wanted until it settles.
 */
export class PromiseRequest<Req, Res, A, B> extends PendingRequest<Req, Res> implements PromiseLike<A | B> {
  /** SUBMITTING inside `then` (a failure then waits for a microtask), then WAITING, then DELIVERED. */
  private phase: typeof SUBMITTING | typeof WAITING | typeof DELIVERED = SUBMITTING;
  /** The chained result: PENDING until the callbacks ran, then what they gave (FULFILLED) or threw (REJECTED). */
  private outcome: typeof PENDING | typeof FULFILLED | typeof REJECTED = PENDING;
  private result: unknown = undefined;
  /** The Promise behind `then`, once someone chains on it (or a rejection must be reported). */
  private chain: Chain<A | B> | null = null;

  constructor(
    op: Operation<Req, Res>,
    args: Req,
    path: string | undefined,
    watch: WatchRegistration | null,
    private readonly onFulfilled: ((value: Res) => A | PromiseLike<A>) | null | undefined,
    private readonly onRejected: ((reason: unknown) => B | PromiseLike<B>) | null | undefined,
  ) {
    super(op, args, path, watch);
  }

  /** `then` has submitted it: from now on a failure is delivered at once. */
  submitted(): void {
    if (this.phase === SUBMITTING) this.phase = WAITING;
  }

  get wanted(): boolean {
    return this.phase !== DELIVERED;
  }

  resolve(value: Res): void {
    if (this.phase === DELIVERED) return;
    this.phase = DELIVERED;
    this.ended();
    const onFulfilled = this.onFulfilled;
    if (typeof onFulfilled !== 'function') this.conclude(FULFILLED, value);
    else this.run(onFulfilled, value);
  }

  fail(error: unknown): void {
    const submitting = this.phase === SUBMITTING;
    if (this.phase === DELIVERED) return;
    this.phase = DELIVERED;
    this.ended();
    if (submitting) queueMicrotask(() => this.rejectWith(error));
    else this.rejectWith(error);
  }

  private rejectWith(error: unknown): void {
    const onRejected = this.onRejected;
    if (typeof onRejected !== 'function') this.conclude(REJECTED, error);
    else this.run(onRejected, error);
  }

  private run<T>(callback: (argument: T) => unknown, argument: T): void {
    let result: unknown;
    try {
      result = callback(argument);
    } catch (err) {
      this.conclude(REJECTED, err);
      return;
    }
    this.conclude(FULFILLED, result);
  }

  private conclude(outcome: typeof FULFILLED | typeof REJECTED, result: unknown): void {
    this.outcome = outcome;
    this.result = result;
    const chain = this.chain;
    if (chain !== null) {
      if (outcome === FULFILLED) chain.resolve(result);
      else chain.reject(result);
    } else if (outcome === REJECTED || isThenable(result)) {
      // A rejection (or a thenable to adopt, which may reject) must reach someone or be reported: as a Promise.
      this.materialize();
    }
  }

  /** The chained result as a real Promise (made once). */
  private materialize(): Promise<A | B> {
    if (this.chain === null) this.chain = new Chain<A | B>(this.outcome, this.result);
    return this.chain.promise;
  }

  then<C = A | B, D = never>(
    onfulfilled?: ((value: A | B) => C | PromiseLike<C>) | null,
    onrejected?: ((reason: unknown) => D | PromiseLike<D>) | null,
  ): Promise<C | D> {
    return this.materialize().then(onfulfilled, onrejected);
  }
}

const SUBMITTING = 0;
const WAITING = 1;
const DELIVERED = 2;
const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;

/** A Promise and its resolving functions: made only when someone chains on an awaited request. */
class Chain<T> {
  readonly promise: Promise<T>;
  resolve: (value: unknown) => void = () => undefined;
  reject: (reason: unknown) => void = () => undefined;

  constructor(outcome: number, result: unknown) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve as (value: unknown) => void;
      this.reject = reject;
      if (outcome === FULFILLED) resolve(result as T);
      else if (outcome === REJECTED) reject(result);
    });
  }
}

function isThenable(value: unknown): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
