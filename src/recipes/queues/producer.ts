import { InvalidArgumentError, NoNodeError, RolledBackError, joinPath, parentOf, type Data, type ZooKeeperClient } from '../../index';
import { ReceiptCarry, commitProven } from '../kernel/proof';
import { optionsObject, toBuffer } from '../kernel/arguments';
import { retried, retriedDone } from '../kernel/retry';
import { checkPutOptions, entryPrefix } from './entry-name';

/**
 * How a queue makes the nodes above its entries:
 * - `'container'` (default): container nodes, which the server reaps once
 *   empty; the queue makes them again when it needs them.
 * - `'persistent'`: plain nodes, as kazoo's `ensure_path` makes them. Use it
 *   where long-lived kazoo 2.8 queue objects share the path: kazoo ensures
 *   its paths once per object (queue.py `ensured_path`) and fails with
 *   NoNodeError once the server has reaped a container under it.
 */
export type QueueParents = 'container' | 'persistent';

/** Options of a Queue or a LockingQueue. */
export interface QueueOptions {
  /** How the nodes above the entries are made (default `'container'`). */
  parents?: QueueParents;
}

/** The keys of {@link QueueOptions}. */
const QUEUE_OPTIONS: Record<keyof QueueOptions, true> = { parents: true };

/** Checks a queue's options as a JavaScript caller may give them. */
export function checkQueueOptions(opts: unknown, what: string): { container: boolean } {
  const { parents } = optionsObject(opts, what, QUEUE_OPTIONS);
  if (parents !== undefined && parents !== 'container' && parents !== 'persistent') {
    throw new InvalidArgumentError(`parents must be 'container' or 'persistent', not ${String(parents)}`);
  }
  return { container: parents !== 'persistent' };
}

/** Where a queue's entries go, and how its parents are made. */
export interface EntryDir {
  readonly zk: ZooKeeperClient;
  /** The node the entries are children of (a Queue's path, a LockingQueue's `<path>/entries`). */
  readonly dir: string;
  readonly container: boolean;
}

/** How many times a put is sent again when the server reaped the queue's node between our making it and the put. */
const REAPED_RETRIES = 5;

/**
 * Puts one entry: a PERSISTENT_SEQUENTIAL `entry-PPP-` under `dir`. See
 * {@link putEntries}: the same rules, for one item.
 */
export async function putEntry(target: EntryDir, data: unknown, opts: unknown): Promise<void> {
  const bytes = toBuffer(data);
  const { priority } = checkPutOptions(opts);
  await commitEntries(target, [bytes], priority);
}

/**
 * Puts every item in one transaction (kazoo's `put_all`): all of them are
 * entries, in order, or none is.
 */
export async function putEntries(target: EntryDir, items: unknown, opts: unknown): Promise<void> {
  if (!Array.isArray(items)) throw new InvalidArgumentError('putAll needs an array of items');
  const data = items.map((item: unknown, i) => toBuffer(item, `item ${i}`));
  const { priority } = checkPutOptions(opts);
  if (data.length === 0) return;
  await commitEntries(target, data, priority);
}

/**
 * Creates the entries in one transaction, with a receipt ({@link commitProven}), so that a put whose reply was lost
 * is found again rather than made twice or reported as made when it was not (issue 17): a sequential entry's
 * name cannot be found again, and kazoo's layout leaves no room for a marker in it. The receipt goes in the PARENT
 * of `dir` — beside a Queue's node, or in a LockingQueue's `<path>` beside `entries` and `taken` — never under
 * `dir`, whose every child a kazoo consumer takes as an item. A put that met an expiry is made on the new session.
 * The queue's node is made when the transaction finds it missing (again after the server reaped it), as containers
 * or persistent nodes as the queue's options say.
 */
async function commitEntries(target: EntryDir, data: readonly Buffer[], priority: number): Promise<void> {
  const { zk, dir, container } = target;
  const receipts = receiptsOf(dir);
  for (let attempt = 0; ; attempt++) {
    try {
      await commitProven(
        zk,
        receipts,
        (tx) => {
          for (const bytes of data) tx.create(joinPath(dir, entryPrefix(priority)), bytes, { sequential: true });
          return tx;
        },
        // The receipt's delete rides on the client's next queue write (a put loop: one transaction per put).
        { carry: carryOf(zk, dir) },
      );
      return;
    } catch (err) {
      const missing = err instanceof RolledBackError && err.cause instanceof NoNodeError;
      if (!missing || attempt >= REAPED_RETRIES) throw err;
      await retriedDone(zk.ensurePath(dir, undefined, { container }));
    }
  }
}

/**
 * Where the receipts of writes under `dir` go (kernel/proof): beside the queue node, in its parent, never under
 * `dir`, whose every child a kazoo consumer takes as an item. A queue at the root (of a chroot) has no parent: its
 * receipts go in the root itself, which rxzk's consumers read only for `entry-` names (a kazoo Queue at a root would
 * take them as items; kazoo's layout leaves no other place).
 */
export function receiptsOf(dir: string): string {
  return dir === '/' ? dir : parentOf(dir);
}

/**
 * How a queue write's receipt is deleted: carried by the client's next proven write of the same turn
 * ({@link ReceiptCarry}) — except at a root, whose receipts are among the entries' siblings and counted by
 * `length()` (numChildren): deleted at once there, so that a `length()` right after a put does not count it.
 */
export function carryOf(zk: ZooKeeperClient, dir: string): ReceiptCarry | undefined {
  return receiptsOf(dir) === dir ? undefined : ReceiptCarry.of(zk);
}

/** The number of children of `dir` (kazoo's `len(queue)`: the parent's numChildren), 0 when it is not there. */
export async function countEntries(zk: ZooKeeperClient, dir: string): Promise<number> {
  const stat = await retried(zk.exists(dir));
  return stat?.numChildren ?? 0;
}

export type { Data };
