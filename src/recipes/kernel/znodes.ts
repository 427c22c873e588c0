import { catchError, firstValueFrom, lastValueFrom, of, throwError, type Observable } from 'rxjs';
import {
  ClientClosedError,
  ConnectionLossError,
  NoNodeError,
  NodeExistsError,
  OperationTimeoutError,
  SessionExpiredError,
  withRetry,
  type RetryPolicy,
  type Stat,
  type ZooKeeperClient,
} from '../../index';
import { UNTIL_DONE, retried } from './retry';
import { abortable } from './wait';

/** The recipes' znode helpers: the few reads and writes every family makes, each with the rule it always needs. */

/** Turns a NoNodeError into `value`; any other error goes on. */
function orOnNoNode<T, V>(value: V): (source: Observable<T>) => Observable<T | V> {
  return catchError((err: unknown) => (err instanceof NoNodeError ? of(value) : throwError(() => err)));
}

/**
 * A node's data and stat, or `null` when it does not exist; retried by `policy` (default {@link UNTIL_DONE}), and
 * abandoned when `signal` aborts (rejecting with its reason).
 */
export function readOrNull(
  zk: ZooKeeperClient,
  path: string,
  policy: RetryPolicy = UNTIL_DONE,
  signal?: AbortSignal,
): Promise<{ data: Buffer; stat: Stat } | null> {
  return firstValueFrom(zk.get(path).pipe(withRetry(policy), orOnNoNode(null), abortable(signal)));
}

/**
 * Whether `path` is still the node whose czxid is `czxid`: not gone, and not another made since under the same name
 * (a container reaped once empty and made again counts its sequential names from 0 again). Retried until answered.
 */
export async function isSameNode(zk: ZooKeeperClient, path: string, czxid: bigint): Promise<boolean> {
  const stat = await retried(zk.exists(path));
  return stat !== null && stat.czxid === czxid;
}

/** A node's children, or `[]` when it does not exist; retried and abandoned as {@link readOrNull}. */
export function childrenOrEmpty(zk: ZooKeeperClient, path: string, policy: RetryPolicy = UNTIL_DONE, signal?: AbortSignal): Promise<string[]> {
  return firstValueFrom(zk.getChildren(path).pipe(withRetry(policy), orOnNoNode([] as string[]), abortable(signal)));
}

/** How often a create is made again when a container parent is reaped between its creation and the node's. */
const REAPED_PARENT_TRIES = 10;

/**
 * Creates a persistent node under container parents unless it exists: idempotent, so a create whose reply was lost
 * is simply made again (it then answers NodeExists). A parent the server reaps just after making it (NoNode) is made
 * again. Retried across dropped connections and expiries.
 */
export async function createPersistent(zk: ZooKeeperClient, path: string, data: Buffer | null): Promise<void> {
  for (let tries = 1; ; tries++) {
    try {
      await retried(zk.create(path, data, { makePath: true, containerParents: true }));
      return;
    } catch (err) {
      if (err instanceof NodeExistsError) return;
      if (!(err instanceof NoNodeError) || tries >= REAPED_PARENT_TRIES) throw err;
    }
  }
}

/**
 * Deletes a node, retried across dropped connections and expiries until it is gone (Curator's
 * `delete().guaranteed()`): a node already gone is done. So is a closed client, for an ephemeral node (closing the
 * session deleted it); a `persistent` one outlives the close, which is then the caller's error. `version` guards a
 * node that may have been replaced. Safe only for a node whose name no one else takes: a delete sent again on a later
 * session could remove another's node at that path (a LockingQueue's entry locks are deleted by proof of ownership
 * instead).
 */
export async function removeNode(zk: ZooKeeperClient, path: string, opts: { version?: number; persistent?: boolean } = {}): Promise<void> {
  const done = (err: unknown): boolean => err instanceof NoNodeError || (err instanceof ClientClosedError && opts.persistent !== true);
  // The common case first, the request awaited as it is (no operator chain: a lock's release is on every cycle's
  // path); only an error a retry mends goes on to the retried form below, which sends it again at once.
  try {
    await zk.delete(path, { version: opts.version ?? -1 });
    return;
  } catch (err) {
    if (done(err)) return;
    // What UNTIL_DONE retries (withRetry's retryable errors, expiries included); anything else is the caller's.
    if (!(err instanceof ConnectionLossError || err instanceof OperationTimeoutError || err instanceof SessionExpiredError)) throw err;
  }
  await lastValueFrom(
    zk.delete(path, { version: opts.version ?? -1 }).pipe(
      withRetry(UNTIL_DONE),
      catchError((err: unknown) => (done(err) ? of(undefined) : throwError(() => err))),
    ),
    { defaultValue: undefined },
  );
}
