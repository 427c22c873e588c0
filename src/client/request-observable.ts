import { Observable, type Subscriber, type TeardownLogic } from 'rxjs';
import type { Operation } from '../session/operation';
import type { SessionManager } from '../session/session-manager';
import type { WatchRegistration } from '../session/watch-registry';

/**
 * A cold Observable of one request: each subscription sends the request once
 * and gets its one reply. The request's data lives on the Observable and the
 * subscribe function is shared, so making one allocates no closure; the
 * in-flight request object is itself the subscription's teardown.
 */
export class RequestObservable<Req, Res> extends Observable<Res> {
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
}

function subscribeToRequest(this: RequestObservable<unknown, unknown>, subscriber: Subscriber<unknown>): TeardownLogic {
  return this.session.request(this.op, this.args, subscriber, this.path, this.watch);
}
