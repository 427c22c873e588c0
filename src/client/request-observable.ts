import type { Observable, Subscriber, TeardownLogic } from 'rxjs';
import type { Operation } from '../session/operation';
import { SubscriberRequest } from '../session/pending-request';
import { PromiseRequest } from '../session/promise-request';
import type { SessionManager } from '../session/session-manager';
import type { WatchRegistration } from '../session/watch-registry';
import { Awaitable } from './awaitable';

/**
 * A cold Observable of one request: each subscription sends the request once
 * and gets its one reply. The request's data lives on the Observable and the
 * subscribe function is shared, so making one allocates no closure; the
 * in-flight request object is itself the subscription's teardown.
 *
 * Awaited (`then`), the reply goes straight to the `then` callbacks
 * (PromiseRequest, which is also what `then` returns): no Subscriber, no
 * SafeSubscriber, no firstValueFrom, no promise of its own unless chained on.
 */
export class RequestObservable<Req, Res> extends Awaitable<Res> {
  constructor(
    readonly session: SessionManager,
    readonly op: Operation<Req, Res>,
    readonly args: Req,
    /** The caller's path, for errors. */
    readonly path: string | undefined,
    readonly watch: WatchRegistration | null = null,
  ) {
    super(subscribeToRequest as (this: Observable<Res>, subscriber: Subscriber<Res>) => TeardownLogic);
  }

  override then<A = Res, B = never>(
    onfulfilled?: ((value: Res) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    const request = new PromiseRequest<Req, Res, A, B>(this.op, this.args, this.path, this.watch, onfulfilled, onrejected);
    this.session.submit(request);
    request.submitted();
    return request;
  }
}

function subscribeToRequest(this: RequestObservable<unknown, unknown>, subscriber: Subscriber<unknown>): TeardownLogic {
  const request = new SubscriberRequest(this.op, this.args, subscriber, this.path, this.watch);
  this.session.submit(request);
  // The teardown only where there is a timer to clear, or a record to end should the caller leave before the
  // request is sent (it waits for a connection: xid 0): rxjs allocates an array of finalizers per subscription for a
  // teardown, and the subscriber's `closed` flag already tells the request that its caller left.
  return request.timer === undefined && (request.probe === null || request.xid !== 0) ? undefined : request;
}
