import { catchError, firstValueFrom, of, throwError } from 'rxjs';
import { PATIENT_RETRY } from '../support/retried';
import { NoNodeError, withRetry, type Stat, type ZooKeeperClient } from '../../index';

/** A counter's reads go on across dropped connections and expiries: a read changes nothing, so retrying it is always safe. */
export const READ_RETRY = PATIENT_RETRY;

/** A node's data and stat, or null when it does not exist; retried across dropped connections. */
export function readNode(zk: ZooKeeperClient, path: string): Promise<{ data: Buffer; stat: Stat } | null> {
  return firstValueFrom(
    zk.get(path).pipe(
      withRetry(READ_RETRY),
      catchError((err: unknown) => (err instanceof NoNodeError ? of(null) : throwError(() => err))),
    ),
  );
}
