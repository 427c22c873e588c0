import { Subject, catchError, firstValueFrom, of, takeUntil, throwError, type Observable } from 'rxjs';
import { NoNodeError, withRetry, type Stat, type ZooKeeperClient } from '../../index';

/** Retried across dropped connections and expiries without limit, as Curator's guaranteed operations are: a stop ends it. */
const PATIENT = { maxTries: -1, delay: 100, maxDelay: 2_000, retryOnExpired: true } as const;

/** Thrown by {@link Ops} once stopped: whatever was in flight was abandoned. */
export class Stopped extends Error {}

/**
 * One registration's requests: each retried until it lands, and all of them
 * abandoned at once by `stop()` (a request still queued for a connection is
 * never sent; one already sent is answered before anything sent later, as a
 * session's requests are).
 */
export class Ops {
  private readonly stops = new Subject<void>();
  private stopped = false;

  constructor(private readonly zk: ZooKeeperClient) {}

  stop(): void {
    this.stopped = true;
    this.stops.next();
  }

  /** The node's data and stat, or null when there is none. */
  read(path: string): Promise<{ data: Buffer; stat: Stat } | null> {
    return this.run(this.zk.get(path).pipe(catchError((err: unknown) => (err instanceof NoNodeError ? of(null) : throwError(() => err)))));
  }

  run<T>(request: Observable<T>): Promise<T> {
    if (this.stopped) return Promise.reject(new Stopped());
    return firstValueFrom(request.pipe(withRetry(PATIENT), takeUntil(this.stops))).catch((err: unknown) => {
      throw this.stopped ? new Stopped() : err;
    });
  }
}
