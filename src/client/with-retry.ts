import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import { RetryFailedError } from '../errors/client-errors';
import { ConnectionLossError, OperationTimeoutError, SessionExpiredError } from '../errors/server-errors';
import { Backoff, resolveRetryPolicy, type ResolvedRetryPolicy, type RetryPolicy } from '../session/retry-policy';

/** Errors a retry can mend (KazooRetry.RETRY_EXCEPTIONS, and EXPIRED_EXCEPTIONS when asked). */
export function isRetryable(err: unknown, policy: Pick<ResolvedRetryPolicy, 'retryOnExpired'>): boolean {
  if (err instanceof ConnectionLossError || err instanceof OperationTimeoutError) return true;
  return policy.retryOnExpired && err instanceof SessionExpiredError;
}

/**
 * Re-subscribes its source — making the request again — when it fails with
 * ConnectionLossError or OperationTimeoutError (and SessionExpiredError with
 * `retryOnExpired`), as kazoo's KazooRetry does: `maxTries` retries (-1: no
 * limit) spaced by `delay` growing by `backoff` up to `maxDelay`, each wait
 * scaled by a random factor in [1 - maxJitter, 1 + maxJitter], and no wait
 * that would end past `deadline` ms after the first attempt. A request made
 * while the client is disconnected waits for the reconnection, so each retry
 * waits for the client to be connected again. When tries or time run out it
 * fails with RetryFailedError, whose `cause` is the last error.
 *
 * Defaults are KazooRetry's: one retry, 100 ms, doubling, ±40%, at most 60 s,
 * retrying on expiry. Mind that a write whose reply was lost may have been
 * applied: retry idempotent requests, versioned writes, or protected creates.
 *
 * @example
 * zk.get('/app/config').pipe(withRetry({ maxTries: 5, delay: 200 })).subscribe(...);
 */
export function withRetry<T>(policy?: RetryPolicy): MonoTypeOperatorFunction<T> {
  const resolved = resolveRetryPolicy(policy);
  return (source) =>
    new Observable<T>((subscriber) => {
      const backoff = new Backoff(resolved);
      let current: Subscription | null = null;
      let timer: ReturnType<typeof setTimeout> | undefined;

      const attempt = (): void => {
        timer = undefined;
        current = source.subscribe({
          next: (value) => subscriber.next(value),
          complete: () => subscriber.complete(),
          error: (err: unknown) => {
            if (!isRetryable(err, resolved)) {
              subscriber.error(err);
              return;
            }
            const wait = backoff.next();
            if (wait === null) subscriber.error(new RetryFailedError(err, backoff.attempts + 1));
            else timer = setTimeout(attempt, wait);
          },
        });
      };
      attempt();
      return () => {
        clearTimeout(timer);
        current?.unsubscribe();
      };
    });
}
