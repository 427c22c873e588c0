import { combineLatest, map, type Observable } from 'rxjs';
import { InvalidArgumentError, joinPath, type ZooKeeperClient } from '../../index';
import { retried } from '../kernel/retry';
import { checkClient, optionsObject, recipePath, toBuffer } from '../kernel/arguments';
import type { StartConsumer } from '../kernel/take-once';
import { takeStream } from '../kernel/take-stream';
import type { QueueEntry } from '../queues/queue-entry';
import { ReadAhead, removeProven, takeNode } from './claim';
import { newQueueId, preparePaths, putNode, type QueueCore } from './core';
import { serializeItems } from './item-format';
import { lockItem } from './item-lock';
import { orderNodes, type QueueKind } from './layout';
import { nodeConsumer, type ConsumerSpec } from './node-listing';
import type { TakenNode } from './taken-node';

/** Options of a Curator queue (QueueBuilder's, as far as they touch the znodes). */
export interface CuratorQueueOptions {
  /**
   * Curator's `QueueBuilder.lockPath`: a consumer locks the node it processes with an ephemeral
   * `<lockPath>/<node name>`, and the node leaves the queue only when acked: at least once (a consumer that releases
   * an entry, or whose session ends, hands the node back). Without it an item is removed before it is handed out: at
   * most once. Every consumer of the queue, rxzk's and Curator's, must use the same lock path.
   */
  lockPath?: string;
}

/** The keys of {@link CuratorQueueOptions}. */
const OPTIONS: Record<keyof CuratorQueueOptions, true> = { lockPath: true };

/** The items of a putMulti, checked (an array of data). */
export function checkItems(items: unknown, what: string): Buffer[] {
  if (!Array.isArray(items)) throw new InvalidArgumentError(`${what} needs an array of items`);
  return items.map((item: unknown, i) => toBuffer(item, `item ${i}`));
}

/**
 * What DistributedQueue and its relatives share: the queue path and lock path, Curator's item format, and a
 * consumer as an Observable of entries.
 */
export abstract class CuratorQueueBase {
  /** @internal */
  protected readonly core: QueueCore;

  protected constructor(zk: ZooKeeperClient, path: string, opts: CuratorQueueOptions | undefined, kind: QueueKind, what: string) {
    checkClient(zk, what);
    const dir = recipePath(path);
    const { lockPath } = optionsObject(opts, what, OPTIONS);
    let locks: string | null = null;
    if (lockPath !== undefined) {
      locks = recipePath(lockPath);
      if (locks === dir) throw new InvalidArgumentError(`${what} lockPath must not be the queue path (its lock nodes would be listed as items)`);
    }
    this.core = { zk, dir, lockPath: locks, kind, id: newQueueId() };
  }

  /** The queue path (chroot-relative). */
  get path(): string {
    return this.core.dir;
  }

  /** The lock path, or `null` without one. */
  get lockPath(): string | null {
    return this.core.lockPath;
  }

  /** Puts one node named `name` (before the server's counter) holding `items`, in Curator's item format. */
  protected async putItems(name: string, items: readonly Buffer[]): Promise<void> {
    await putNode(this.core, name, serializeItems(items));
  }

  /**
   * Cold: takes nodes one at a time while subscribed, in the queue's order, and emits their items one at a time:
   * the next once the one emitted is acked or released (or its lock lost). See the class for what ack and release
   * do. Unsubscribing stops taking: a node being taken just then goes back, and the items of a node not yet emitted
   * go back (as a node of their own, at the end of the queue) once the entry in hand is settled; the entry already
   * emitted stays the subscriber's to ack or release. Completes when the client closes.
   */
  protected consume(): Observable<QueueEntry> {
    const core = this.core;
    // A spec per subscription: each consumer reads ahead for itself.
    const start: StartConsumer<TakenNode> = (deliver, idle) => nodeConsumer(consumerSpec(core))(deliver, idle);
    return takeStream<TakenNode, QueueEntry>(start, (node, emit, stopped) => node.deliver(emit, stopped));
  }

  /** Ids' removal (DistributedIdQueue.remove): takes each node in turn and removes it unread; how many were removed. */
  protected async removeNodes(names: readonly string[]): Promise<number> {
    let count = 0;
    for (const name of names) {
      const node = await takeNodeForRemoval(this.core, name);
      if (node) count++;
    }
    return count;
  }
}

/** What a consumer of the queue reads and how it takes: Curator's order, and a lock or a delete per node. */
function consumerSpec(core: QueueCore): ConsumerSpec<TakenNode> {
  const ahead = new ReadAhead(core);
  return {
    prepare: () => preparePaths(core),
    listing$: listing(core),
    order: (names) => orderNodes(core.kind, names),
    reorders: core.kind === 'priority' || core.kind === 'delay',
    take: async (name, following) => {
      const taking = takeNode(core, name, ahead);
      // Without a lock path, the next candidate is read while this one is deleted.
      if (following !== undefined && core.lockPath === null) ahead.start(following);
      const node = await taking;
      return node === null ? null : { value: node, undo: () => node.undo(), left: () => node.left() };
    },
  };
}

/**
 * The names a consumer may try, from the client's shared children watches (one server watch per path however many
 * consumers): the queue path's children, less — with a lock path — those locked now (Curator's consumers skip a
 * locked node when their lock's create answers NodeExists; reading the locks saves that round trip, and a lock's
 * removal is a change worth trying again for).
 */
function listing(core: QueueCore): Observable<readonly string[]> {
  const { zk, dir, lockPath } = core;
  const items$ = zk.watchChildren$(dir).pipe(map((names) => names ?? []));
  if (lockPath === null) return items$;
  return combineLatest([items$, zk.watchChildren$(lockPath)]).pipe(
    map(([names, locks]) => {
      if (locks === null || locks.length === 0) return names;
      const locked = new Set(locks);
      return names.filter((n) => !locked.has(n));
    }),
  );
}

/**
 * DistributedQueue.tryRemove: with a lock path, lock the node, then delete it and the lock together (one a consumer
 * holds is not removed); without, a proven delete. Whether this call removed it.
 */
async function takeNodeForRemoval(core: QueueCore, name: string): Promise<boolean> {
  if (core.lockPath === null) return (await removeProven(core, name)) !== null;
  const lock = await lockItem(core.zk, joinPath(core.lockPath, name), core.lockPath, core.id);
  if (lock === null) return false;
  const path = joinPath(core.dir, name);
  if ((await retried(core.zk.exists(path))) === null) {
    await lock.release();
    return false;
  }
  await lock.removeWith([path]);
  return true;
}
