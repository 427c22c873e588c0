import { firstValueFrom, type Observable } from 'rxjs';
import { withRetry } from '../../index';

/**
 * An idempotent request (a read, a delete guarded by a version) as a promise,
 * sent again across dropped connections and expiries until it is answered:
 * a queue's wait goes on across them. A closed client ends it (ClientClosedError).
 */
export function retried<T>(source: Observable<T>): Promise<T> {
  return firstValueFrom(source.pipe(withRetry({ maxTries: -1, delay: 50, maxDelay: 1_000, retryOnExpired: true })));
}
