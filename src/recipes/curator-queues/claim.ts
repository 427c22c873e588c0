import { BadVersionError, NoNodeError, RolledBackError, joinPath } from '../../index';
import { OutcomeUnknownError } from '../errors';
import { commitProven } from '../kernel/proof';
import { retried } from '../kernel/retry';
import { isSameNode, readOrNull } from '../kernel/znodes';
import { receiptsOf } from '../queues/producer';
import type { QueueCore } from './core';
import { parseItems } from './item-format';
import { lockItem } from './item-lock';
import { TakenNode } from './taken-node';

/**
 * Takes the item node `name` for this consumer, as Curator's consumer does: with a lock path, by locking it
 * (processWithLockSafety); without, by deleting it (processNormally). `null` when another consumer has it or it is
 * gone, and when it holds no item: a node that is not in Curator's item format ("Corrupted queue item") or holds an
 * empty batch is removed unread, as Curator removes it.
 */
export function takeNode(core: QueueCore, name: string, ahead?: ReadAhead): Promise<TakenNode | null> {
  return core.lockPath === null ? removeNode(core, name, ahead) : lockNode(core, core.lockPath, name);
}

/** A node's read, made ahead of its take (`null`: it was gone). */
type Read = { data: Buffer; stat: { version: number; czxid: bigint } } | null;

/**
 * One consumer's read-ahead (without a lock path): while it deletes a node, the next candidate's read is on the wire
 * already, so a drain costs about one round trip a node rather than two. An item node's bytes never change and its
 * name is never used again, so a read made ahead is as good as one made just before the delete (whose version it
 * gives). One slot: a read not used by the next take is dropped.
 */
export class ReadAhead {
  private slot: { name: string; read: Promise<Read> } | null = null;

  constructor(private readonly core: QueueCore) {}

  /** Starts reading `name` (unless it is being read already). */
  start(name: string): void {
    if (this.slot?.name === name) return;
    const read = readNode(this.core, name);
    read.catch(() => undefined);
    this.slot = { name, read };
  }

  /** The read of `name`: the one made ahead, or a new one. */
  take(name: string): Promise<Read> {
    const slot = this.slot;
    this.slot = null;
    return slot?.name === name ? slot.read : readNode(this.core, name);
  }
}

async function readNode(core: Pick<QueueCore, 'zk' | 'dir'>, name: string): Promise<Read> {
  try {
    return await retried(core.zk.get(joinPath(core.dir, name)));
  } catch (err) {
    if (err instanceof NoNodeError) return null;
    throw err;
  }
}

/**
 * With a lock path: the lock `<lockPath>/<name>` and a read of the item sent together (the server answers a
 * session's requests in order, so the read sees the lock made): one round trip. Locked by another: `null`, the
 * read's answer unused. Gone meanwhile (acked by another before our lock): our lock is removed.
 */
async function lockNode(core: QueueCore, lockPath: string, name: string): Promise<TakenNode | null> {
  const { zk, dir, id } = core;
  const path = joinPath(dir, name);
  const locking = lockItem(zk, joinPath(lockPath, name), lockPath, id);
  const reading = readOrNull(zk, path);
  reading.catch(() => undefined);
  const lock = await locking;
  if (lock === null) return null;
  let found: Awaited<typeof reading>;
  try {
    found = await reading;
  } catch (err) {
    await lock.release().catch(() => undefined);
    throw err;
  }
  if (found === null) {
    await lock.release();
    return null;
  }
  const items = parseItems(found.data);
  if (items === null || items.length === 0) {
    await lock.removeWith([path]).catch(() => undefined);
    return null;
  }
  return new TakenNode(core, name, found.data, items, found.stat.czxid, lock);
}

/** Without a lock path: the node removed ({@link removeProven}), then handed out (at most once). */
async function removeNode(core: QueueCore, name: string, ahead?: ReadAhead): Promise<TakenNode | null> {
  const removed = await removeProven(core, name, ahead?.take(name));
  if (removed === null) return null;
  const items = parseItems(removed.data);
  if (items === null || items.length === 0) return null;
  return new TakenNode(core, name, removed.data, items, removed.czxid, null);
}

/**
 * Reads the node `<dir>/<name>`, then deletes the version read; its data and czxid when this consumer's delete
 * removed it, `null` when another's did (or may have). A persistent node has no owner, so the delete goes in one
 * transaction with a receipt (kernel/proof, beside the queue path): one whose reply was lost is proven ours or not
 * (then sent again); only when the session ended before that could be known is the node taken as another's — it may
 * be lost then, never handed out twice.
 */
export async function removeProven(
  core: Pick<QueueCore, 'zk' | 'dir'>,
  name: string,
  readAhead?: Promise<Read>,
): Promise<{ data: Buffer; czxid: bigint } | null> {
  const { zk, dir } = core;
  const path = joinPath(dir, name);
  const read = await (readAhead ?? readNode(core, name));
  if (read === null) return null;
  try {
    const removed = await commitProven(zk, receiptsOf(dir), (tx) => tx.delete(path, read.stat.version), {
      stillMeant: () => isSameNode(zk, path, read.stat.czxid),
    });
    // Gone, or another node under its name, before our delete could be sent again: not ours.
    if (!removed) return null;
  } catch (err) {
    if (err instanceof RolledBackError && (err.cause instanceof NoNodeError || err.cause instanceof BadVersionError)) return null;
    if (err instanceof OutcomeUnknownError) return null;
    throw err;
  }
  return { data: read.data, czxid: read.stat.czxid };
}
