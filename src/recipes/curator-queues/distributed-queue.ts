import type { Observable } from 'rxjs';
import type { Data, ZooKeeperClient } from '../../index';
import type { QueueEntry } from '../queues/queue-entry';
import { toBuffer } from '../kernel/arguments';
import { CuratorQueueBase, checkItems, type CuratorQueueOptions } from './queue-base';
import { ITEM_PREFIX } from './layout';

/**
 * Curator's DistributedQueue on its own znodes: each `put` is a PERSISTENT_SEQUENTIAL `<path>/queue-<seq>` holding
 * the item in Curator's item format (ItemSerializer: version, then the item after its marker), each `putMulti` one
 * node holding the whole batch. A Curator 5 `DistributedQueue` (QueueBuilder.buildQueue, its QueueSerializer's bytes
 * being the items) on the same path consumes what rxzk puts, and rxzk consumes what it puts, in the same order (the
 * names as strings: FIFO).
 *
 * Delivery, as Curator's:
 * - without `lockPath`, at most once: a consumer deletes a node before handing its items out (whoever's delete lands
 *   has it); a consumer that dies with items in hand loses them.
 * - with `lockPath`, at least once: a consumer locks the node (`<lockPath>/<node name>`, ephemeral) and it leaves the
 *   queue when its last item is acked (node and lock in one transaction); `release()` of any item of it hands the
 *   whole node back to the END of the queue (Curator's REQUEUE), and so does the end of the consumer's session.
 *
 * The queue path and the lock path are PERSISTENT nodes (their parents containers), as Curator's `start()` makes
 * them. Puts and takes whose reply was lost are settled by a receipt made beside the queue path (in its parent), never
 * under it: Curator's consumers would list it as a foreign node.
 *
 * @example
 * const jobs = new DistributedQueue(zk, '/queues/jobs', { lockPath: '/queues/jobs-locks' });
 * await jobs.put(JSON.stringify({ report: 'daily' }));
 * jobs.take$().pipe(concatMap(async (entry) => {
 *   await run(JSON.parse(entry.data.toString()), { signal: entry.signal });
 *   await entry.ack();
 * })).subscribe();
 */
export class DistributedQueue extends CuratorQueueBase {
  /**
   * A queue at `path` (chroot-relative), with Curator's lock path if given; checked here, nothing is sent until a
   * method is called. An unknown option key is refused.
   *
   * @example
   * const queue = new DistributedQueue(zk, '/queues/curator');
   */
  constructor(zk: ZooKeeperClient, path: string, opts?: CuratorQueueOptions) {
    super(zk, path, opts, 'plain', 'DistributedQueue');
  }

  /**
   * Puts an item (a Buffer, a Uint8Array, or a string as UTF-8): one node `queue-<seq>`. Resolves once it is
   * queued, exactly once: across dropped connections and expiries, and a put whose reply was lost is proven made or
   * made again (kernel/proof); when the session ended before that could be known it rejects with
   * OutcomeUnknownError (queued once or not at all).
   *
   * @example
   * await queue.put('resize:42.png');
   */
  async put(item: Data): Promise<void> {
    await this.putItems(ITEM_PREFIX, [toBuffer(item, 'item')]);
  }

  /**
   * Puts the items as one node, as Curator's `putMulti` writes a batch: consumers take the node whole and hand its
   * items out in order. An empty array puts nothing.
   *
   * @example
   * await queue.putMulti(['a', 'b', 'c']);
   */
  async putMulti(items: Data[]): Promise<void> {
    const checked = checkItems(items, 'putMulti');
    if (checked.length === 0) return;
    await this.putItems(ITEM_PREFIX, checked);
  }

  /**
   * Cold: consumes while subscribed, in the queue's order, one entry in hand at a time: the next is emitted once
   * this one is acked or released (or, with a lock path, its lock is lost). Without `lockPath`, ack and release
   * only let the next one come (the item was removed before it was emitted); with it, see the class. Unsubscribing
   * stops taking; what was not emitted yet goes back to the queue. Completes when the client closes.
   *
   * @example
   * queue.take$().pipe(concatMap(async (entry) => { await handle(entry.data); await entry.ack(); })).subscribe();
   */
  take$(): Observable<QueueEntry> {
    return this.consume();
  }
}
