import { filter, firstValueFrom, lastValueFrom, type Observable } from 'rxjs';
import { isConnected, withRetry, type RetryPolicy, type ZooKeeperClient } from '../../index';

/**
 * The retry of a recipe's idempotent requests (reads, creates and deletes it can recognise again): for ever,
 * across dropped connections and expiries (a request made while disconnected waits for the next connection),
 * so a recipe's wait goes on across them; only what no reconnect mends (a closed client, NoAuth, …) reaches
 * the caller.
 */
export const PATIENT_RETRY: RetryPolicy = { maxTries: -1, delay: 50, maxDelay: 1_000, retryOnExpired: true };

/**
 * The retry of a read whose answer is worth something only on the session it started on (the receipt of a lost
 * write, a record read under a lock): across dropped connections, never across an expiry, which the caller handles.
 */
export const SAME_SESSION_RETRY: RetryPolicy = { maxTries: -1, delay: 50, maxDelay: 1_000, retryOnExpired: false };

/** The one value of a request, retried by {@link PATIENT_RETRY}. */
export function retried<T>(request: Observable<T>): Promise<T> {
  return firstValueFrom(request.pipe(withRetry(PATIENT_RETRY)));
}

/** A request that answers nothing (void), retried by {@link PATIENT_RETRY}. */
export function retriedDone(request: Observable<unknown>): Promise<void> {
  return lastValueFrom(request.pipe(withRetry(PATIENT_RETRY)), { defaultValue: undefined }).then(() => undefined);
}

/**
 * Resolves once the client is connected again (or closed, or refused: the next request then fails with the
 * reason), so that a request refused as expired is sent again on the new session rather than in a busy loop.
 */
export async function untilConnected(zk: ZooKeeperClient): Promise<void> {
  await firstValueFrom(zk.state$.pipe(filter((s) => isConnected(s) || s === 'CLOSED' || s === 'AUTH_FAILED')));
}
