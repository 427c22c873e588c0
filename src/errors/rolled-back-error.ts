import type { OpResult } from './op-result';
import { ZooKeeperError } from './zookeeper-error';

/**
 * A transaction op that was not applied because another op of the same
 * transaction failed (kazoo's RolledBackError, code 0).
 *
 * `commit()` fails with one of these carrying every op's outcome in `results`
 * (its result, the error that failed it, or a RolledBackError) and the index of
 * the op that failed in `failedIndex`; `cause` is that op's error.
 *
 * @example
 * zk.transaction().create('/a', '').delete('/missing').commit().subscribe({
 *   error: (e) => { if (e instanceof RolledBackError) console.log(e.failedIndex, e.cause); }, // 1 NoNodeError; '/a' was not created
 * });
 */
export class RolledBackError extends ZooKeeperError {
  /** Per op: its result, the error that failed it, or a RolledBackError (in a failed commit, every op but the failed one). */
  readonly results: readonly (OpResult | ZooKeeperError)[];
  /** The index (in the order the ops were added) of the op that failed the transaction; -1 when this error is one op's own outcome. */
  readonly failedIndex: number;

  /**
   * The client creates these when a transaction fails; user code inspects them.
   *
   * @param path the node of the op that was rolled back
   * @param options `results` and `failedIndex` of a failed commit, its `cause`, a `message` replacing `'ROLLEDBACK for <path>'`
   */
  constructor(path?: string, options?: { results?: readonly (OpResult | ZooKeeperError)[]; failedIndex?: number; cause?: unknown; message?: string }) {
    const message = options?.message ?? (path === undefined ? 'ROLLEDBACK' : `ROLLEDBACK for ${path}`);
    super(0, path, message, { cause: options?.cause, codeName: 'ROLLEDBACK' });
    this.results = options?.results ?? [];
    this.failedIndex = options?.failedIndex ?? -1;
  }
}
