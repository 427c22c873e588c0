import { catchError, firstValueFrom, of, throwError } from 'rxjs';
import { PATIENT_RETRY } from '../support/retried';
import {
  ConnectionLossError,
  NoNodeError,
  OperationTimeoutError,
  SessionExpiredError,
  TimeoutError,
  withRetry,
  type Stat,
  type ZooKeeperClient,
} from '../../index';

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

/**
 * Errors after which a write may or may not have been applied: the request was sent, its reply never
 * came (ZooKeeper's ConnectionLoss contract; likewise a session that expired meanwhile or a request timeout).
 */
export function isLostReply(err: unknown): boolean {
  return (
    err instanceof ConnectionLossError ||
    err instanceof OperationTimeoutError ||
    err instanceof SessionExpiredError ||
    (err instanceof TimeoutError && err.kind === 'request')
  );
}
