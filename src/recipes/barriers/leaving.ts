import { basename, joinPath, type ZooKeeperClient } from '../../index';
import { LockTimeoutError } from '../errors';
import { Followed } from '../kernel/follow';
import { raced, type Bounds } from '../kernel/wait';
import { childrenOrEmpty, removeNode } from '../kernel/znodes';
import { READY, membersOf } from './entrance';

/**
 * One leave of a double barrier, on Curator's DistributedDoubleBarrier
 * protocol (internalLeave), so that Curator members and rxzk members leave
 * one barrier together. The members (`ready` excluded) are sorted by name:
 *
 * - none left: done;
 * - this member alone: it deletes its node, done;
 * - this member lowest: it waits for the highest to go;
 * - otherwise it deletes its node (once) and waits for the lowest to go;
 *
 * and looks again after each wake-up. A node that vanished (an expiry) makes
 * this member one who has left: it goes on waiting for the others (Curator
 * gives up there, or throws "Our path is missing"). At the end `ready` is
 * deleted, as Curator does, so that the next round waits again.
 */
export async function leave(zk: ZooKeeperClient, path: string, node: string, { signal, once }: Bounds): Promise<void> {
  const own = basename(node);
  let ownIn = true;
  for (;;) {
    const members = membersOf(await raced(childrenOrEmpty(zk, path), signal)).sort();
    if (members.length === 0) break;
    const index = members.indexOf(own);
    if (index < 0) ownIn = false;
    if (index === 0 && members.length === 1) {
      await raced(removeNode(zk, node), signal);
      break;
    }
    let awaited: string;
    if (index === 0) awaited = members[members.length - 1];
    else {
      awaited = members[0];
      if (ownIn) {
        await raced(removeNode(zk, node), signal);
        ownIn = false;
      }
    }
    if (once) throw new LockTimeoutError(0, `${path}: others are still in the barrier: tried once`);
    await untilGone(zk, joinPath(path, awaited), signal);
  }
  await removeReady(zk, path);
}

/** Deletes `<path>/ready` (gone already: done), retried across dropped connections. */
export async function removeReady(zk: ZooKeeperClient, path: string): Promise<void> {
  await removeNode(zk, joinPath(path, READY), { persistent: true });
}

/** Waits for a node to be gone (at once if it is), across dropped connections. */
async function untilGone(zk: ZooKeeperClient, path: string, signal: AbortSignal): Promise<void> {
  const node = new Followed(zk.exists$(path));
  try {
    await node.first((stat) => stat === null, signal);
  } finally {
    node.close();
  }
}
