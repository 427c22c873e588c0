import { NoNodeError, NodeExistsError, type ZooKeeperClient } from '../../index';
import { retried } from '../support/retried';

/** How often a create is made again when a container parent is reaped between its creation and the node's. */
const REAPED_PARENT_TRIES = 10;

/**
 * Creates a persistent node under container parents unless it exists:
 * idempotent, so a create whose reply was lost is simply made again (it then
 * answers NodeExists). A parent the server reaps just after making it
 * (NoNode) is made again.
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
