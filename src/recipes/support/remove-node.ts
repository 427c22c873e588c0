import { catchError, lastValueFrom, of, throwError, type Observable } from 'rxjs';
import { ClientClosedError, NoNodeError, withRetry, type ZooKeeperClient } from '../../index';

/**
 * Deletes a node, retried across dropped connections and expiries until it
 * is gone (Curator's `delete().guaranteed()`): a node already gone is done,
 * and so is a closed client (closing the session deleted its ephemerals).
 * `version` guards a node that may have been replaced.
 */
export function removeNode(zk: ZooKeeperClient, path: string, version = -1): Observable<void> {
  return zk.delete(path, { version }).pipe(
    withRetry({ maxTries: -1, delay: 100, maxDelay: 2_000, retryOnExpired: true }),
    catchError((err: unknown) => (err instanceof NoNodeError || err instanceof ClientClosedError ? of(undefined) : throwError(() => err))),
  );
}

/** {@link removeNode} as a promise. */
export function removeNodeNow(zk: ZooKeeperClient, path: string, version = -1): Promise<void> {
  return lastValueFrom(removeNode(zk, path, version), { defaultValue: undefined });
}
