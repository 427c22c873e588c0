import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import { RetryFailedError, TimeoutError } from '../errors/client-errors';
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
 * scaled by a random factor in [1 - maxJitter, 1 + maxJitter]. A request made
 * while the client is disconnected waits for the reconnection, so each retry
 * waits for the client to be connected again. When tries run out it fails
 * with RetryFailedError, whose `cause` is the last error.
 *
 * `deadline` bounds the whole run, the try in progress included: once it has
 * passed since the subscription, that try is unsubscribed (a request still
 * queued for a connection is never sent) and the result fails with
 * RetryFailedError — its cause the last try's error, or a TimeoutError of
 * kind 'deadline' when no try had failed yet.
 *
 * Defaults are KazooRetry's: one retry, 100 ms, doubling, ±40%, at most 60 s,
 * retrying on expiry. Mind that a write whose reply was lost may have been
 * applied: retry idempotent requests, versioned writes, or protected creates.
 * A policy with a wrong type or an out-of-range value throws InvalidArgumentError here.
 *
 * @example
 * zk.get('/app/config').pipe(withRetry({ maxTries: 5, delay: 200, deadline: 3000 })).subscribe(...);
 */
export function withRetry<T>(policy?: RetryPolicy): MonoTypeOperatorFunction<T> {
  const resolved = resolveRetryPolicy(policy, undefined, 'withRetry policy');
  return (source) =>
    new Observable<T>((subscriber) => {
      const backoff = new Backoff(resolved);
      let current: Subscription | null = null;
      let retryTimer: ReturnType<typeof setTimeout> | undefined;
      let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
      let tries = 0;
      let lastError: unknown = undefined;

      const giveUp = (error: RetryFailedError): void => {
        clearTimeout(deadlineTimer);
        subscriber.error(error);
      };
      const attempt = (): void => {
        retryTimer = undefined;
        tries++;
        current = source.subscribe({
          next: (value) => subscriber.next(value),
          complete: () => subscriber.complete(),
          error: (err: unknown) => {
            if (!isRetryable(err, resolved)) {
              subscriber.error(err);
              return;
            }
            lastError = err;
            const wait = backoff.next();
            if (wait === null) giveUp(new RetryFailedError(err, tries));
            else retryTimer = setTimeout(attempt, wait);
          },
        });
      };
      const { deadline } = resolved;
      if (deadline !== undefined) {
        deadlineTimer = setTimeout(() => {
          clearTimeout(retryTimer);
          current?.unsubscribe();
          const cause = lastError ?? new TimeoutError('deadline', deadline, `no result within the retry deadline of ${deadline} ms`);
          subscriber.error(new RetryFailedError(cause, tries));
        }, deadline);
      }
      attempt();
      return () => {
        clearTimeout(retryTimer);
        clearTimeout(deadlineTimer);
        current?.unsubscribe();
      };
    });
}
