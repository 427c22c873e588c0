import type { Observer, Unsubscribable } from 'rxjs';
import { errorForCode } from '../errors/server-errors';
import type { JuteReader } from '../jute/reader';
import type { Operation, OperationContext } from './operation';
import type { WatchRegistration } from './watch-registry';

/** Who waits for a reply: an rxjs Subscriber, whose `closed` tells that it left. */
export type ReplySubscriber<T> = Observer<T> & { readonly closed?: boolean };

/** What a pending request needs of the session that owns it. */
export interface RequestOwner {
  /** Records a watch the server has set for a request that succeeded. */
  registerWatch(registration: WatchRegistration, err: number): void;
}

/**
 * One request from subscription to reply.
 *
 * A subscriber that leaves before the reply is seen through its `closed`
 * flag; the request is its teardown (`Unsubscribable`) only when it holds a
 * timer to clear (SessionManager.request). Either way the request keeps its
 * place in the in-flight FIFO: ZooKeeper still answers it, in order, and the
 * answer is discarded.
 */
export class PendingRequest<Req = unknown, Res = unknown> implements Unsubscribable {
  /** Assigned when sent; 0 while waiting. */
  xid = 0;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(
    readonly op: Operation<Req, Res>,
    readonly args: Req,
    public subscriber: ReplySubscriber<Res> | null,
    /** The caller's path (without chroot), named in errors. */
    readonly path: string | undefined,
    /** The watch to record if the server accepts the request. */
    readonly watch: WatchRegistration | null,
  ) {}

  /** Whether the caller still wants the reply. */
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
    this.clearTimer();
  }

  /**
   * Completes the request from its reply (`r` positioned after the reply
   * header). A malformed body throws a ProtocolError after failing the request.
   */
  settle(err: number, r: JuteReader, ctx: OperationContext, owner: RequestOwner): void {
    let outcome: { value: Res } | undefined;
    try {
      if (err === 0) outcome = { value: this.op.read(r, this.args, ctx) };
      else outcome = this.op.readError?.(err, r, this.args, ctx);
    } catch (decodeError) {
      this.fail(decodeError);
      throw decodeError;
    }
    if (this.watch !== null && this.wanted) owner.registerWatch(this.watch, err);
    if (outcome === undefined) this.fail(errorForCode(err, this.path));
    else this.resolve(outcome.value);
  }

  resolve(value: Res): void {
    const subscriber = this.subscriber;
    if (subscriber === null) return;
    this.subscriber = null;
    this.clearTimer();
    if (subscriber.closed === true) return;
    subscriber.next(value);
    subscriber.complete();
  }

  fail(error: unknown): void {
    const subscriber = this.subscriber;
    if (subscriber === null) return;
    this.subscriber = null;
    this.clearTimer();
    if (subscriber.closed === true) return;
    subscriber.error(error);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
