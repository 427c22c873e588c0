import { BadVersionError, NoNodeError, RolledBackError, joinPath } from '../../index';
import { OutcomeUnknownError } from '../errors';
import { commitProven } from '../kernel/proof';
import { UNBOUND_TAKE, type Claim, type TakeContext } from './consume-loop';
import { orderEntries } from './entry-name';
import { putEntry, receiptsOf, type EntryDir } from './producer';
import { retried } from '../kernel/retry';

/**
 * A Queue's take (at most once): the first entry, in order, that this
 * consumer deletes. Whoever's delete lands first has it; one that finds the
 * entry gone (NoNode) moves on to the next candidate without reading the
 * list again.
 *
 * A persistent entry has no owner, so once it is gone nothing in it tells
 * whose delete it was: the delete goes in one transaction with a receipt
 * ({@link commitProven}, beside the queue's node), which proves a delete
 * whose reply was lost to be ours (the entry is then given) or not (sent
 * again). Only when the session ended before the receipt could be read is
 * the entry taken as another consumer's: it may be lost, never given twice —
 * a Queue is at most once; a LockingQueue is the at-least-once one. A
 * candidate that left the list since the attempt began is skipped, and once
 * `stopped` no further one is tried.
 */
export async function takeFirst(target: EntryDir, candidates: readonly string[], { stopped, listed }: TakeContext = UNBOUND_TAKE): Promise<Claim<Buffer> | null> {
  for (const entry of orderEntries(candidates)) {
    if (stopped.aborted) return null;
    if (!listed(entry.name)) continue;
    const path = joinPath(target.dir, entry.name);
    const taken = await deleteEntry(target, path);
    if (taken === null) continue;
    return {
      value: taken,
      // Handed back when its taker left before it could be given: a new entry of the same priority (behind the others).
      undo: () => putEntry(target, taken, { priority: entry.priority }),
    };
  }
  return null;
}

/** The entry's data if this consumer's delete removed it; `null` when it was gone first (or may have been). */
async function deleteEntry(target: EntryDir, path: string): Promise<Buffer | null> {
  const { zk, dir } = target;
  let read: { data: Buffer; stat: { version: number } };
  try {
    read = await retried(zk.get(path));
  } catch (err) {
    if (err instanceof NoNodeError) return null;
    throw err;
  }
  try {
    await commitProven(zk, receiptsOf(dir), (tx) => tx.delete(path, read.stat.version));
    return read.data;
  } catch (err) {
    // Taken first by another consumer (or replaced since the read): not ours.
    if (err instanceof RolledBackError && (err.cause instanceof NoNodeError || err.cause instanceof BadVersionError)) return null;
    // Ours or another's, nothing can tell any more: never given, so never given twice.
    if (err instanceof OutcomeUnknownError) return null;
    throw err;
  }
}
