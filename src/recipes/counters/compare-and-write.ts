import { BadVersionError, NoNodeError, NodeExistsError, RolledBackError, parentOf, type ZooKeeperClient } from '../../index';
import { commitProven } from '../kernel/proof';
import { retriedDone } from '../kernel/retry';

/**
 * How a compare-and-set ended: written; the node moved on from the version read (BadVersion), or was
 * created by someone else first; or it is gone (NoNode: deleted since).
 */
export type WriteOutcome = 'APPLIED' | 'CHANGED' | 'MISSING';

/** How many times a create is made again when the server reaps its container parent between our making it and the create. */
const REAPED_PARENT_TRIES = 10;

/**
 * Writes `data` to `path` if the node is still at `version` (`null`: if it is still missing, creating it under
 * container parents; `-1`: whatever its version). A write whose reply was lost is confirmed only by its receipt
 * ({@link commitProven}: the receipts are children of the counter's own node, which no reader of kazoo's Counter,
 * Curator's SharedCount or DistributedAtomicLong lists): never because the node holds these bytes one version on —
 * another client adding the same delta from the same value writes exactly that (issue 17). A lost reply whose
 * session ended before it could be proven rejects with OutcomeUnknownError.
 */
export async function compareAndWrite(zk: ZooKeeperClient, path: string, data: Buffer, version: number | null): Promise<WriteOutcome> {
  for (let tries = 1; ; tries++) {
    try {
      await commitProven(zk, path, (tx) => (version === null ? tx.create(path, data) : tx.set(path, data, version)));
      return 'APPLIED';
    } catch (err) {
      const cause = err instanceof RolledBackError ? err.cause : err;
      if (cause instanceof BadVersionError || cause instanceof NodeExistsError) return 'CHANGED';
      if (!(cause instanceof NoNodeError)) throw err;
      if (version !== null) return 'MISSING';
      // A transaction cannot make parents: make them (containers, as Curator's and kazoo's counters' parents), then again.
      if (tries >= REAPED_PARENT_TRIES) throw err;
      await retriedDone(zk.ensurePath(parentOf(path), undefined, { container: true }));
    }
  }
}
