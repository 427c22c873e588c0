import { firstValueFrom, lastValueFrom } from 'rxjs';
import { InvalidArgumentError, NoNodeError, RolledBackError, type Data, type ZooKeeperClient } from '../../index';
import { toBuffer } from '../support/data';
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

/** Checks a queue's options as a JavaScript caller may give them. */
export function checkQueueOptions(opts: unknown): { container: boolean } {
  if (opts === undefined) return { container: true };
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new InvalidArgumentError('queue options must be an object');
  const { parents } = opts as { parents?: unknown };
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

/** How many times a transaction is sent again when the server reaped the parent between its creation and the commit. */
const REAPED_RETRIES = 5;

/**
 * Puts one entry: a PERSISTENT_SEQUENTIAL `entry-PPP-` under `dir`, its
 * parents made when missing (again after the server reaped them). A put
 * whose reply is lost with the connection rejects with ConnectionLossError
 * and is not sent again: the entry may be there (a sequential create cannot
 * be found again without a marker in its name, which kazoo's layout has not).
 */
export async function putEntry(target: EntryDir, data: unknown, opts: unknown): Promise<void> {
  const bytes = toBuffer(data);
  const { priority } = checkPutOptions(opts);
  await firstValueFrom(
    target.zk.create(`${target.dir}/${entryPrefix(priority)}`, bytes, { sequential: true, makePath: true, containerParents: target.container }),
  );
}

/**
 * Puts every item in one transaction (kazoo's `put_all`): all of them are
 * entries, in order, or none is. The parents are made first (inside a
 * transaction a create cannot make them); a commit that fails because the
 * server reaped a parent meanwhile is sent again.
 */
export async function putEntries(target: EntryDir, items: unknown, opts: unknown): Promise<void> {
  if (!Array.isArray(items)) throw new InvalidArgumentError('putAll needs an array of items');
  const data = items.map((item: unknown, i) => toBuffer(item, `item ${i}`));
  const { priority } = checkPutOptions(opts);
  if (data.length === 0) return;
  const { zk, dir, container } = target;
  for (let attempt = 0; ; attempt++) {
    await lastValueFrom(zk.ensurePath(dir, undefined, { container }), { defaultValue: undefined });
    const tx = zk.transaction();
    for (const bytes of data) tx.create(`${dir}/${entryPrefix(priority)}`, bytes, { sequential: true });
    try {
      await firstValueFrom(tx.commit());
      return;
    } catch (err) {
      const reaped = err instanceof RolledBackError && err.cause instanceof NoNodeError;
      if (!reaped || attempt >= REAPED_RETRIES) throw err;
    }
  }
}

/** The number of children of `dir` (kazoo's `len(queue)`: the parent's numChildren), 0 when it is not there. */
export async function countEntries(zk: ZooKeeperClient, dir: string): Promise<number> {
  const stat = await firstValueFrom(zk.exists(dir));
  return stat?.numChildren ?? 0;
}

export type { Data };
