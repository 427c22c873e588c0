import { randomUUID } from 'node:crypto';
import { NoNodeError, RolledBackError, joinPath, type ZooKeeperClient } from '../../index';
import { commitProven } from '../kernel/proof';
import { createPersistent } from '../kernel/znodes';
import { receiptsOf } from '../queues/producer';
import type { QueueKind } from './layout';

/** What every Curator queue of one path shares: the client, the queue path, the lock path, the kind of names. */
export interface QueueCore {
  readonly zk: ZooKeeperClient;
  /** The queue path: PERSISTENT, as DistributedQueue.start makes it (its parents containers). */
  readonly dir: string;
  /** With a lock path (QueueBuilder.lockPath): its PERSISTENT node, under which a consumer locks the item it processes. */
  readonly lockPath: string | null;
  readonly kind: QueueKind;
  /** This queue object's id: the data of its lock nodes, by which a lock whose create reply was lost is known as its own. */
  readonly id: Buffer;
}

/** A new queue object's id (its locks' data). */
export function newQueueId(): Buffer {
  return Buffer.from(randomUUID(), 'ascii');
}

/**
 * Makes the queue path and the lock path, PERSISTENT under container parents, unless they exist: what Curator's
 * `DistributedQueue.start()` does (`create().creatingParentContainersIfNeeded().forPath(queuePath)`). Persistent,
 * not containers: a Curator consumer reads its queue path's children for as long as it runs and never makes it
 * again, so a queue path the server reaped would stall it for good.
 */
export async function preparePaths(core: QueueCore): Promise<void> {
  await createPersistent(core.zk, core.dir, null);
  if (core.lockPath !== null) await createPersistent(core.zk, core.lockPath, null);
}

/** How many times a put is made again when the queue path was missing (made, then deleted again meanwhile). */
const MISSING_PATH_RETRIES = 5;

/**
 * Puts one item node: a PERSISTENT_SEQUENTIAL `<dir>/<name>` holding `bytes`, as Curator's `internalPut` creates it.
 * Exactly once: the create goes in one transaction with a receipt (kernel/proof), so that one whose reply was lost
 * is proven made or made again. The receipt goes in the queue path's PARENT (queues/producer's receiptsOf), never
 * under the queue path, whose children Curator's consumers read as items. A missing queue path is made first.
 */
export async function putNode(core: QueueCore, name: string, bytes: Buffer): Promise<void> {
  const { zk, dir } = core;
  for (let attempt = 0; ; attempt++) {
    try {
      await commitProven(zk, receiptsOf(dir), (tx) => tx.create(joinPath(dir, name), bytes, { sequential: true }));
      return;
    } catch (err) {
      const missing = err instanceof RolledBackError && err.cause instanceof NoNodeError;
      if (!missing || attempt >= MISSING_PATH_RETRIES) throw err;
      await createPersistent(zk, dir, null);
    }
  }
}
