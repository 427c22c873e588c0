import type { Observable } from 'rxjs';
import type { Data, ZooKeeperClient } from '../../index';
import type { QueueEntry } from '../queues/queue-entry';
import { toBuffer } from '../kernel/arguments';
import { CuratorQueueBase, checkItems, type CuratorQueueOptions } from './queue-base';
import { checkPriority, priorityName } from './layout';

/**
 * Curator's DistributedPriorityQueue on its own znodes: the priority (a Java int, lower first) is encoded in the
 * node's name, `queue-1%08X<seq>` for one ≥ 0 and `queue-0%08X<seq>` for a negative one, so that the names sort as
 * the priorities do, FIFO within one. A Curator 5 `DistributedPriorityQueue` on the same path shares the items both
 * ways. Every new listing is sorted again (a higher-priority item put meanwhile is taken next), which is why Curator
 * warns that a priority queue performs worse: each change makes every consumer read the whole list again.
 * Delivery and `lockPath` as {@link DistributedQueue}'s; an item handed back keeps its priority (Curator 5.4's own
 * requeue drops it).
 *
 * @example
 * const work = new DistributedPriorityQueue(zk, '/queues/work');
 * await work.put('rebuild-index', 10);
 * await work.put('page-oncall', -5); // taken first
 */
export class DistributedPriorityQueue extends CuratorQueueBase {
  /**
   * A priority queue at `path`, with Curator's lock path if given (nothing is sent until a method is called).
   *
   * @example
   * const work = new DistributedPriorityQueue(zk, '/queues/work', { lockPath: '/queues/work-locks' });
   */
  constructor(zk: ZooKeeperClient, path: string, opts?: CuratorQueueOptions) {
    super(zk, path, opts, 'priority', 'DistributedPriorityQueue');
  }

  /**
   * Puts an item with a priority (an integer from -2^31 to 2^31-1; lower is taken first). Exactly once, as
   * {@link DistributedQueue.put}.
   *
   * @example
   * await work.put('rebuild-index', 10);
   */
  async put(item: Data, priority: number): Promise<void> {
    const bytes = toBuffer(item, 'item');
    await this.putItems(priorityName(checkPriority(priority)), [bytes]);
  }

  /**
   * Puts the items as one node with one priority (Curator's `putMulti(items, priority)`). An empty array puts nothing.
   *
   * @example
   * await work.putMulti(['a', 'b'], 0);
   */
  async putMulti(items: Data[], priority: number): Promise<void> {
    const checked = checkItems(items, 'putMulti');
    const name = priorityName(checkPriority(priority));
    if (checked.length === 0) return;
    await this.putItems(name, checked);
  }

  /**
   * Cold: consumes in priority order (lower first, FIFO within one), one entry in hand at a time, as
   * {@link DistributedQueue.take$}.
   *
   * @example
   * work.take$().pipe(concatMap(async (entry) => { await handle(entry.data); await entry.ack(); })).subscribe();
   */
  take$(): Observable<QueueEntry> {
    return this.consume();
  }
}
