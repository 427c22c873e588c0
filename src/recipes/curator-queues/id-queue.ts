import type { Observable } from 'rxjs';
import { type Data, type ZooKeeperClient } from '../../index';
import type { QueueEntry } from '../queues/queue-entry';
import { toBuffer } from '../kernel/arguments';
import { childrenOrEmpty } from '../kernel/znodes';
import { CuratorQueueBase, type CuratorQueueOptions } from './queue-base';
import { checkId, idName, parseId } from './layout';

/**
 * Curator's DistributedIdQueue on its own znodes: each item carries an id in its node's name,
 * `queue-|<id>|<seq>` ('/' and '|' in the id written as '_', as Curator's fixId), taken FIFO, and every item of an
 * id can be removed before it is taken. A Curator 5 `DistributedIdQueue` on the same path shares the items and the
 * removals both ways. Delivery and `lockPath` as {@link DistributedQueue}'s; an item handed back keeps its id.
 *
 * @example
 * const orders = new DistributedIdQueue(zk, '/queues/orders');
 * await orders.put(JSON.stringify(order), order.id);
 * const removed = await orders.remove(cancelled.id); // it will not be processed
 */
export class DistributedIdQueue extends CuratorQueueBase {
  /**
   * An id queue at `path`, with Curator's lock path if given (nothing is sent until a method is called).
   *
   * @example
   * const orders = new DistributedIdQueue(zk, '/queues/orders');
   */
  constructor(zk: ZooKeeperClient, path: string, opts?: CuratorQueueOptions) {
    super(zk, path, opts, 'id', 'DistributedIdQueue');
  }

  /**
   * Puts an item under an id (a non-empty string). Exactly once, as {@link DistributedQueue.put}.
   *
   * @example
   * await orders.put('{"sku":"A1"}', 'order-1001');
   */
  async put(item: Data, id: string): Promise<void> {
    const bytes = toBuffer(item, 'item');
    await this.putItems(idName(checkId(id)), [bytes]);
  }

  /**
   * Removes every item of `id` still in the queue (DistributedIdQueue.remove) and resolves with how many this call
   * removed. With a lock path an item a consumer holds now is not removed (as Curator's: its lock is taken first).
   * The id is matched as it is written in the names ('/' and '|' as '_').
   *
   * @example
   * const n = await orders.remove('order-1001');
   */
  async remove(id: string): Promise<number> {
    const fixed = checkId(id);
    const names = await childrenOrEmpty(this.core.zk, this.core.dir);
    return this.removeNodes(names.filter((name) => name.startsWith('queue-') && parseId(name).id === fixed));
  }

  /**
   * Cold: consumes in the order of the puts (whatever their ids), one entry in hand at a time, as
   * {@link DistributedQueue.take$}.
   *
   * @example
   * orders.take$().pipe(concatMap(async (entry) => { await ship(entry.data); await entry.ack(); })).subscribe();
   */
  take$(): Observable<QueueEntry> {
    return this.consume();
  }
}
