import { firstValueFrom, lastValueFrom, type Observable } from 'rxjs';
import { withRetry } from '../../index';

/**
 * A barrier's requests go on across dropped connections and expiries (a
 * request made while disconnected waits for the next connection); only what
 * no reconnect mends (a closed client, NoAuth, …) reaches the caller.
 */
const POLICY = { maxTries: -1, delay: 50, maxDelay: 1_000, retryOnExpired: true } as const;

/** The one value of a retried request. */
export function retriedValue<T>(request: Observable<T>): Promise<T> {
  return firstValueFrom(request.pipe(withRetry(POLICY)));
}

/** A retried request that answers nothing (void). */
export function retriedDone(request: Observable<unknown>): Promise<void> {
  return lastValueFrom(request.pipe(withRetry(POLICY)), { defaultValue: undefined }).then(() => undefined);
}
