import type { Observable } from 'rxjs';
import type { Data, ZooKeeperClient } from '../../index';
import type { QueueEntry } from '../queues/queue-entry';
import { toBuffer } from '../kernel/arguments';
import { CuratorQueueBase, checkItems, type CuratorQueueOptions } from './queue-base';
import { checkDelayUntil, delayName } from './layout';

/**
 * Curator's DistributedDelayQueue on its own znodes: the time an item may be handed out (ms since the epoch) is
 * encoded in the node's name, `queue-|%08X|<seq>` (hex), and consumers take the nodes in the order of those times,
 * none before its time (by the consumer's clock, as Curator's). A Curator 5 `DistributedDelayQueue` on the same path
 * shares the items both ways. A consumer waiting for the first item to come due sets one timer for that time, and
 * re-reads the list when it changes (an item put meanwhile may be due sooner). Delivery and `lockPath` as
 * {@link DistributedQueue}'s.
 *
 * @example
 * const reminders = new DistributedDelayQueue(zk, '/queues/reminders');
 * await reminders.put('renew-certificate', Date.now() + 60_000); // not handed out for a minute
 */
export class DistributedDelayQueue extends CuratorQueueBase {
  /**
   * A delay queue at `path`, with Curator's lock path if given (nothing is sent until a method is called).
   *
   * @example
   * const reminders = new DistributedDelayQueue(zk, '/queues/reminders');
   */
  constructor(zk: ZooKeeperClient, path: string, opts?: CuratorQueueOptions) {
    super(zk, path, opts, 'delay', 'DistributedDelayQueue');
  }

  /**
   * Puts an item not to be handed out before `delayUntil` (ms since the epoch, > 0; a time already past: at once,
   * before the items due later). Exactly once, as {@link DistributedQueue.put}.
   *
   * @example
   * await reminders.put('renew-certificate', Date.now() + 60_000);
   */
  async put(item: Data, delayUntil: number): Promise<void> {
    const bytes = toBuffer(item, 'item');
    await this.putItems(delayName(checkDelayUntil(delayUntil)), [bytes]);
  }

  /**
   * Puts the items as one node, due at one time (Curator's `putMulti(items, delayUntilEpoch)`). An empty array
   * puts nothing.
   *
   * @example
   * await reminders.putMulti(['a', 'b'], Date.now() + 5_000);
   */
  async putMulti(items: Data[], delayUntil: number): Promise<void> {
    const checked = checkItems(items, 'putMulti');
    const name = delayName(checkDelayUntil(delayUntil));
    if (checked.length === 0) return;
    await this.putItems(name, checked);
  }

  /**
   * Cold: consumes the items as they come due, earliest first, one entry in hand at a time, as
   * {@link DistributedQueue.take$}.
   *
   * @example
   * reminders.take$().subscribe(async (entry) => { await remind(entry.data); await entry.ack(); });
   */
  take$(): Observable<QueueEntry> {
    return this.consume();
  }
}
