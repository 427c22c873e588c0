import { firstValueFrom } from 'rxjs';
import { NoNodeError, NodeExistsError, SessionExpiredError, type ZooKeeperClient } from '../../index';
import { HeldNode } from '../kernel/held-node';
import { isLostReply } from '../kernel/proof';
import { untilConnected } from '../kernel/retry';
import { createPersistent, readOrNull } from '../kernel/znodes';

/**
 * This consumer's lock on an item, `<lockPath>/<item name>`: an EPHEMERAL node, as Curator's
 * `processWithLockSafety` makes it (Curator writes its default data there and never reads it; rxzk writes its queue
 * object's id). `null` when another consumer has it (NodeExists). A create whose reply was lost is settled by the
 * node itself: there, this session's and with this id, it is ours (ZOOKEEPER-1262); there otherwise, another's;
 * gone, made again. A create refused as expired is made on the new session. The lock is deleted only by proof of
 * ownership (`proven-owner`): every consumer that ever locks the item uses the same name.
 */
export async function lockItem(zk: ZooKeeperClient, node: string, lockPath: string, id: Buffer): Promise<HeldNode | null> {
  for (;;) {
    try {
      const { stat } = await firstValueFrom(zk.createWithStat(node, id, { ephemeral: true }));
      return held(zk, node, stat.czxid, stat.ephemeralOwner);
    } catch (err) {
      if (err instanceof NodeExistsError) return null;
      if (err instanceof SessionExpiredError) {
        await untilConnected(zk);
        continue;
      }
      // The lock path was deleted under the queue: made again, as Curator's start() made it.
      if (err instanceof NoNodeError) {
        await createPersistent(zk, lockPath, null);
        continue;
      }
      if (!isLostReply(err)) throw err;
      const found = await readOrNull(zk, node);
      if (found === null) continue;
      const { data, stat } = found;
      if (stat.ephemeralOwner !== zk.session?.id || !data.equals(id)) return null;
      return held(zk, node, stat.czxid, stat.ephemeralOwner);
    }
  }
}

function held(zk: ZooKeeperClient, node: string, czxid: bigint, sessionId: bigint): HeldNode {
  return new HeldNode(zk, { node, czxid, sessionId, sessionTimeout: zk.session?.timeout ?? 0 }, 'proven-owner');
}
