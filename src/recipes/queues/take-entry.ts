import { firstValueFrom } from 'rxjs';
import { ConnectionLossError, NoNodeError, SessionExpiredError } from '../../index';
import type { Claim } from './consume-loop';
import { orderEntries } from './entry-name';
import { putEntry, type EntryDir } from './producer';
import { retried, untilConnected } from '../support/retried';

/**
 * A Queue's take (at most once): the first entry, in order, that this
 * consumer deletes. Whoever's delete lands first has it; one that finds the
 * entry gone (NoNode) moves on to the next candidate without reading the
 * list again.
 *
 * A delete sent on a connection that then drops may or may not have been
 * applied, and once the entry is gone nothing tells whose delete it was (a
 * persistent node has no owner). The entry is then taken as another
 * consumer's: it may be lost, never given twice — a Queue is at most once;
 * a LockingQueue is the at-least-once one.
 */
export async function takeFirst(target: EntryDir, candidates: readonly string[]): Promise<Claim<Buffer> | null> {
  for (const entry of orderEntries(candidates)) {
    const path = `${target.dir}/${entry.name}`;
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
  const { zk } = target;
  let read: { data: Buffer; stat: { version: number } };
  try {
    read = await retried(zk.get(path));
  } catch (err) {
    if (err instanceof NoNodeError) return null;
    throw err;
  }
  for (;;) {
    try {
      await firstValueFrom(zk.delete(path, { version: read.stat.version }));
      return read.data;
    } catch (err) {
      if (err instanceof NoNodeError) return null;
      // Never applied: queued while the session ended, or refused by the server as expired. Send it again.
      if (err instanceof SessionExpiredError) {
        await untilConnected(zk);
        continue;
      }
      if (err instanceof ConnectionLossError) {
        // Applied or not? Still there means not: delete it again. Gone: whoever's it was, not provably ours.
        if ((await retried(zk.exists(path))) !== null) continue;
        return null;
      }
      throw err;
    }
  }
}
