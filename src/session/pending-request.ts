import type { Observer, Unsubscribable } from 'rxjs';
import { errorForCode } from '../errors/server-errors';
import type { JuteReader } from '../jute/reader';
import type { Operation, OperationContext } from './operation';
import type { WatchRegistration } from './watch-registry';

/** What a pending request needs of the session that owns it. */
export interface RequestOwner {
  /** Records a watch the server has set for a request that succeeded. */
  registerWatch(registration: WatchRegistration, err: number): void;
}

/**
 * One request from subscription to reply.
 *
 * It is the teardown of the subscription that made it (`Unsubscribable`), so
 * a request allocates no closure. Unsubscribing before the reply drops the
 * subscriber but keeps the request's place in the in-flight FIFO: ZooKeeper
 * still answers it, in order, and the answer is discarded.
 */
export class PendingRequest<Req = unknown, Res = unknown> implements Unsubscribable {
  /** Assigned when sent; 0 while waiting. */
  xid = 0;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(
    readonly op: Operation<Req, Res>,
    readonly args: Req,
    public subscriber: Observer<Res> | null,
    /** The caller's path (without chroot), named in errors. */
    readonly path: string | undefined,
    /** The watch to record if the server accepts the request. */
    readonly watch: WatchRegistration | null,
  ) {}

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
    if (this.watch !== null && this.subscriber !== null) owner.registerWatch(this.watch, err);
    if (outcome === undefined) this.fail(errorForCode(err, this.path));
    else this.resolve(outcome.value);
  }

  resolve(value: Res): void {
    const subscriber = this.subscriber;
    if (subscriber === null) return;
    this.subscriber = null;
    this.clearTimer();
    subscriber.next(value);
    subscriber.complete();
  }

  fail(error: unknown): void {
    const subscriber = this.subscriber;
    if (subscriber === null) return;
    this.subscriber = null;
    this.clearTimer();
    subscriber.error(error);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
