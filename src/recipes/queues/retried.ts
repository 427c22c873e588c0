import { filter, firstValueFrom, type Observable } from 'rxjs';
import { isConnected, withRetry, type ZooKeeperClient } from '../../index';

/**
 * An idempotent request (a read, a delete guarded by a version) as a promise,
 * sent again across dropped connections and expiries until it is answered:
 * a queue's wait goes on across them. A closed client ends it (ClientClosedError).
 */
export function retried<T>(source: Observable<T>): Promise<T> {
  return firstValueFrom(source.pipe(withRetry({ maxTries: -1, delay: 50, maxDelay: 1_000, retryOnExpired: true })));
}

/**
 * Resolves once the client is connected again (or closed: the next request
 * then fails with ClientClosedError), so that a request refused as expired is
 * sent again on the new session rather than in a busy loop.
 */
export async function untilConnected(zk: ZooKeeperClient): Promise<void> {
  await firstValueFrom(zk.state$.pipe(filter((s) => isConnected(s) || s === 'CLOSED' || s === 'AUTH_FAILED')));
}
