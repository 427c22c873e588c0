import { filter, firstValueFrom, lastValueFrom, type Observable } from 'rxjs';
import { isConnected, withRetry, type RetryPolicy, type ZooKeeperClient } from '../../index';
import { abortable } from './wait';

/**
 * The recipes' named retry policies: every request a recipe retries uses one of these three, by name.
 *
 * A recipe's idempotent requests (reads, creates and deletes it can recognise again) retry for ever, across dropped
 * connections AND expiries (a request made while disconnected waits for the next connection), so that a recipe's
 * wait goes on across them; only what no reconnect mends (a closed client, NoAuth, …) reaches the caller.
 */
export const UNTIL_DONE: RetryPolicy = { maxTries: -1, delay: 50, maxDelay: 1_000, retryOnExpired: true };

/**
 * A read whose answer is worth something only on the session it started on (the receipt of a lost write, a record
 * read under a lock): retried across dropped connections, never across an expiry, which the caller handles.
 */
export const SAME_SESSION: RetryPolicy = { maxTries: -1, delay: 50, maxDelay: 1_000, retryOnExpired: false };

/**
 * A one-shot query a caller is waiting on (curator-x-discovery's queryForNames, queryForInstances): it rides out a
 * short drop of the connection, then gives up with the client's error rather than waiting without bound.
 */
export const BRIEF: RetryPolicy = { maxTries: 5, delay: 100, maxDelay: 1_000 };

/**
 * The one value of a request, retried by `policy` (default {@link UNTIL_DONE}); with `signal`, abandoned (the request
 * unsubscribed, its reply discarded) once it aborts, rejecting with its reason.
 */
export function retried<T>(request: Observable<T>, policy: RetryPolicy = UNTIL_DONE, signal?: AbortSignal): Promise<T> {
  return firstValueFrom(request.pipe(withRetry(policy), abortable(signal)));
}

/** A request that answers nothing (void), retried by `policy` (default {@link UNTIL_DONE}); abandoned as {@link retried}. */
export async function retriedDone(request: Observable<unknown>, policy: RetryPolicy = UNTIL_DONE, signal?: AbortSignal): Promise<void> {
  await lastValueFrom(request.pipe(withRetry(policy), abortable(signal)), { defaultValue: undefined });
}

/**
 * Resolves once the client is connected again (or closed, or refused: the next request then fails with the
 * reason), so that a request refused as expired is sent again on the new session rather than in a busy loop.
 */
export async function untilConnected(zk: ZooKeeperClient): Promise<void> {
  await firstValueFrom(zk.state$.pipe(filter((s) => isConnected(s) || s === 'CLOSED' || s === 'AUTH_FAILED')));
}
