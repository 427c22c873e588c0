import { BadVersionError, NoNodeError, RolledBackError, joinPath, type ZooKeeperClient } from '../../index';
import { OutcomeUnknownError } from '../errors';
import { commitProven } from '../kernel/proof';
import { retried } from '../kernel/retry';
import { isSameNode } from '../kernel/znodes';
import type { Claim, TakeContext } from '../kernel/consume-loop';
import type { EntryData, Listing } from './listing';
import { carryOf, putEntry, receiptsOf, type EntryDir } from './producer';

/**
 * A Queue's take (at most once): the first entry, in order, that this
 * consumer deletes. Whoever's delete lands first has it; one that finds the
 * entry gone (NoNode) moves on to the next entry of the listing, which the
 * server's NodeDeleted has already updated — the queue is never listed again
 * for a take (see {@link Listing}). Each step takes the first entry the
 * listing gives at that moment, so an entry of higher priority put meanwhile
 * is taken before the lower ones.
 *
 * The entry's data is read before its delete, and the delete names the
 * version read, so the data given is the data deleted. The read of the next
 * entry goes out with this one's delete, in the same round trip: a drain
 * costs one round trip per entry (kazoo's `Queue.get`: two, and a list each
 * time it runs out). Only the data is read ahead: an entry is deleted only
 * when its taker asks for it, so nothing is taken that no one will get.
 *
 * A persistent entry has no owner, so once it is gone nothing in it tells
 * whose delete it was: the delete goes in one transaction with a receipt
 * ({@link commitProven}, beside the queue's node), which proves a delete
 * whose reply was lost to be ours (the entry is then given) or not (sent
 * again). Only when the session ended before the receipt could be read is
 * the entry taken as another consumer's: it may be lost, never given twice —
 * a Queue is at most once; a LockingQueue is the at-least-once one. Once
 * `stopped` no further entry is tried.
 */
export async function takeFirst(target: EntryDir, listing: Listing, { stopped }: TakeContext): Promise<Claim<Buffer> | null> {
  const tried = new Set<string>();
  const changed = new Set<string>();
  const skip = (name: string): boolean => tried.has(name);
  for (;;) {
    if (stopped.aborted || !listing.ready) return null;
    const entry = listing.first(skip);
    if (entry === null) return null;
    listing.claim(entry.name);
    let taken: Buffer | 'changed' | null;
    try {
      taken = await deleteEntry(target, listing, entry.name, skip);
    } finally {
      listing.unclaim(entry.name);
    }
    if (taken === 'changed' && !changed.has(entry.name)) {
      // Set since it was read: read again, once, rather than pass it over for a later one.
      changed.add(entry.name);
      continue;
    }
    tried.add(entry.name);
    if (taken === null || taken === 'changed') continue;
    const value = taken;
    return {
      value,
      // Handed back when its taker left before it could be given: a new entry of the same priority (behind the others).
      undo: () => putEntry(target, value, { priority: entry.priority }),
    };
  }
}

/** The entry's data if this consumer's delete removed it; `null` when it was gone first (or may have been); 'changed' when it was set since read. */
async function deleteEntry(target: EntryDir, listing: Listing, name: string, skip: (name: string) => boolean): Promise<Buffer | 'changed' | null> {
  const { zk, dir } = target;
  const path = joinPath(dir, name);
  let read = await listing.readAheadOf(name);
  if (read === undefined || read === null) {
    const reading = readEntry(zk, path);
    readNext(target, listing, name, skip);
    read = await reading;
    if (read === null) return null;
  }
  // The next entry's read first: its reply comes before the delete's, so the next take has it at once (and its
  // delete, which carries this one's receipt, goes out in the same turn).
  readNext(target, listing, name, skip);
  // The receipt's delete rides on the client's next queue write (a drain: one transaction per entry).
  const deleting = commitProven(zk, receiptsOf(dir), (tx) => tx.delete(path, read.version), {
    carry: carryOf(zk, dir),
    stillMeant: () => isSameNode(zk, path, read.czxid),
  });
  try {
    if (await deleting) return read.data;
    // Gone, or another node under its name, before our delete could be sent again: not ours.
    listing.forget(name);
    return null;
  } catch (err) {
    listing.forget(name);
    // Taken first by another consumer: not ours.
    if (err instanceof RolledBackError && err.cause instanceof NoNodeError) return null;
    if (err instanceof RolledBackError && err.cause instanceof BadVersionError) return 'changed';
    // Ours or another's, nothing can tell any more: never given, so never given twice.
    if (err instanceof OutcomeUnknownError) return null;
    throw err;
  }
}

/** The entry's data and version; `null` when it is gone. */
async function readEntry(zk: ZooKeeperClient, path: string): Promise<EntryData | null> {
  try {
    const { data, stat } = await retried(zk.get(path));
    return { data, version: stat.version, czxid: stat.czxid };
  } catch (err) {
    if (err instanceof NoNodeError) return null;
    throw err;
  }
}

/** Reads ahead the data of the entry after `name` (sent right behind this take's request), for the next take. */
function readNext(target: EntryDir, listing: Listing, name: string, skip: (name: string) => boolean): void {
  const next = listing.first((n) => n === name || skip(n));
  if (next === null || listing.readAheadOf(next.name) !== undefined) return;
  const reading = new Promise<EntryData | null>((resolve) => {
    target.zk.get(joinPath(target.dir, next.name)).subscribe({
      next: ({ data, stat }) => resolve({ data, version: stat.version, czxid: stat.czxid }),
      // Not read (gone, or the connection dropped): the take reads it itself.
      error: () => resolve(null),
    });
  });
  listing.remember(next.name, reading);
}
