import { map } from 'rxjs';
import { NoNodeError, RolledBackError, joinPath, type Data, type ZooKeeperClient } from '../../index';
import { checkClient, recipePath, toBuffer } from '../kernel/arguments';
import { commitProven } from '../kernel/proof';
import { retried, retriedDone } from '../kernel/retry';
import { takeOnce } from '../kernel/take-once';
import type { WaitOptions } from '../kernel/wait';
import { childrenOrEmpty } from '../kernel/znodes';
import { receiptsOf } from '../queues/producer';
import { removeProven } from './claim';
import { nodeConsumer, type ConsumerSpec } from './node-listing';

/** SimpleDistributedQueue's node prefix (and ZooKeeper's own recipe's, org.apache.zookeeper.recipes.queue). */
const PREFIX = 'qn-';

/** How many times an offer is made again when the queue's container was reaped under it. */
const REAPED_RETRIES = 5;

/**
 * Curator's SimpleDistributedQueue (and ZooKeeper's own queue recipe) on its znodes: each item is a
 * PERSISTENT_SEQUENTIAL `<path>/qn-<seq>` holding the bytes as they are (no item format), taken in the order of the
 * names. The queue path is a container (Curator's EnsureContainers): the server reaps it once empty, and it is made
 * again by the next offer or take. A Curator 5 `SimpleDistributedQueue` on the same path shares the items both
 * ways. At most once: a take deletes the node (whoever's delete lands has it; a delete whose reply was lost is
 * settled by a receipt beside the queue path).
 *
 * @example
 * const inbox = new SimpleDistributedQueue(zk, '/queues/inbox');
 * await inbox.offer('hello');
 * const next = await inbox.take({ timeout: 5_000 });
 */
export class SimpleDistributedQueue {
  private readonly dir: string;

  /**
   * A queue at `path` (chroot-relative; checked here, nothing is sent until a method is called).
   *
   * @example
   * const inbox = new SimpleDistributedQueue(zk, '/queues/inbox');
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
  ) {
    checkClient(zk, 'SimpleDistributedQueue');
    this.dir = recipePath(path);
  }

  /**
   * Inserts an item at the tail (Curator's `offer`). Exactly once: a put whose reply was lost is proven made or
   * made again (OutcomeUnknownError when the session ended before that could be known: queued once or not at all).
   *
   * @example
   * await inbox.offer(Buffer.from([1, 2, 3]));
   */
  async offer(data: Data): Promise<void> {
    const bytes = toBuffer(data);
    for (let attempt = 0; ; attempt++) {
      try {
        await commitProven(this.zk, receiptsOf(this.dir), (tx) => tx.create(joinPath(this.dir, PREFIX), bytes, { sequential: true }));
        return;
      } catch (err) {
        const missing = err instanceof RolledBackError && err.cause instanceof NoNodeError;
        if (!missing || attempt >= REAPED_RETRIES) throw err;
        await this.ensure();
      }
    }
  }

  /**
   * Removes and returns the head of the queue, or `null` when it is empty (Curator's `poll()`). Never waits.
   *
   * @example
   * const item = await inbox.poll();
   */
  async poll(): Promise<Buffer | null> {
    for (const name of order(await childrenOrEmpty(this.zk, this.dir))) {
      const removed = await removeProven({ zk: this.zk, dir: this.dir }, name);
      if (removed !== null) return removed.data;
    }
    return null;
  }

  /**
   * Returns the head of the queue without removing it, or `null` when it is empty (Curator's `peek()`).
   *
   * @example
   * const head = await inbox.peek();
   */
  async peek(): Promise<Buffer | null> {
    for (const name of order(await childrenOrEmpty(this.zk, this.dir))) {
      try {
        return (await retried(this.zk.get(joinPath(this.dir, name)))).data;
      } catch (err) {
        if (!(err instanceof NoNodeError)) throw err;
      }
    }
    return null;
  }

  /**
   * Waits for an item and removes it (Curator's `take()`, and `poll(timeout)` with a bound): `timeout` (ms) rejects
   * with LockTimeoutError (`0`: the items there now are tried once), `signal` aborts it with its reason. A take that
   * gave up consumes nothing: an item it was removing at that instant is put back (at the tail). Waits on one
   * children watch of the queue path (shared by every waiter of the client), removed once the wait is over.
   *
   * @example
   * const item = await inbox.take({ timeout: 30_000, signal: AbortSignal.timeout(10_000) });
   */
  take(opts?: WaitOptions): Promise<Buffer> {
    const spec: ConsumerSpec<Buffer> = {
      prepare: () => this.ensure(),
      listing$: this.zk.watchChildren$(this.dir).pipe(map((names) => names ?? [])),
      order: (names) => order(names).map((name) => ({ name, readyAt: 0 })),
      reorders: false,
      take: async (name) => {
        const removed = await removeProven({ zk: this.zk, dir: this.dir }, name);
        // Taken as the wait ended (its bound, the signal: the loop was stopped): put back at the tail, consumed by no one.
        return removed === null ? null : { value: removed.data, undo: () => this.offer(removed.data) };
      },
    };
    return takeOnce(this.zk, nodeConsumer(spec), opts, 'take');
  }

  /** Curator's EnsureContainers: the queue path and its parents as containers. */
  private async ensure(): Promise<void> {
    await retriedDone(this.zk.ensurePath(this.dir, undefined, { container: true }));
  }
}

/** The `qn-` nodes in Curator's order: the names as strings (Collections.sort), foreign ones left out. */
function order(names: readonly string[]): string[] {
  return names.filter((n) => n.startsWith(PREFIX)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
