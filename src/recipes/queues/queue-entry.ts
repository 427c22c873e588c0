import { firstValueFrom, lastValueFrom } from 'rxjs';
import { ConnectionLossError, NoNodeError, NodeExistsError, SessionExpiredError, joinPath, type Stat, type ZooKeeperClient } from '../../index';
import { LockLostError, type OutcomeUnknownError } from '../errors';
import type { Holding } from '../holding';
import { HeldNode } from '../kernel/held-node';
import { retried, untilConnected } from '../kernel/retry';
import { readOrNull } from '../kernel/znodes';
import type { Claim, TakeContext } from '../kernel/consume-loop';
import { compareEntries } from './entry-name';
import type { Listing } from './listing';

/**
 * A LockingQueue entry this consumer has locked. Process it, then `ack()`
 * (it leaves the queue) or `release()` (it goes back for another consumer,
 * at its place in the order). Should this consumer's session end first, the
 * lock goes with it and the entry is given to another: at least once.
 *
 * @example
 * const entry = await jobs.take();
 * try {
 *   await run(entry.data, { signal: entry.signal });
 *   await entry.ack();
 * } catch (err) {
 *   await entry.release().catch(() => undefined);
 * }
 */
export interface QueueEntry {
  /** The item, as it was put. */
  readonly data: Buffer;
  /** The entry's node name, `entry-PPP-<seq>`. */
  readonly name: string;
  /** The lock this consumer holds on it (`<path>/taken/<name>`): its state, and a signal aborted once it is lost or let go. */
  readonly lock: Holding;
  /** Aborted once the lock is lost (or the entry acked or released): the processing should stop. */
  readonly signal: AbortSignal;
  /**
   * Done with it: deletes the entry and its lock in one transaction.
   * LockLostError when the lock is no longer this consumer's (it never
   * touches another consumer's lock): the entry goes to another consumer.
   * A transaction whose reply was lost is settled by the lock itself back on
   * the same session (gone: acked; still there: sent again); when the session
   * ended first it rejects with {@link OutcomeUnknownError} (its `cause` the
   * lost reply's error): the entry was acked once, or it goes to another
   * consumer — processed again, at least once either way.
   *
   * @example
   * await entry.ack();
   */
  ack(): Promise<void>;
  /**
   * Hands it back unprocessed: deletes the lock, so that another consumer
   * (or this one) takes it. LockLostError when the lock was already gone.
   *
   * @example
   * await entry.release();
   */
  release(): Promise<void>;
  /**
   * True while the lock is still this session's, as the server says after a
   * sync (kazoo's `holds_lock`).
   *
   * @example
   * if (!(await entry.holdsLock())) return; // someone else has it now
   */
  holdsLock(): Promise<boolean>;
}

/** A LockingQueue's layout, and the id its locks hold as data. */
export interface LockingLayout {
  readonly zk: ZooKeeperClient;
  /** `<path>/entries` */
  readonly entries: string;
  /** `<path>/taken` */
  readonly taken: string;
  readonly container: boolean;
  /** This queue object's id, kazoo's `uuid4().hex` (the data of its lock nodes). */
  readonly id: Buffer;
  /** The entries this queue object is locking or holds: its own consumers skip them, so that one never mistakes another's lock for its own. */
  readonly mine: Set<string>;
}

class LockedEntry implements QueueEntry {
  /** The ack or release under way (each idempotent; the other one then rejects). */
  private finishing: { op: 'ack' | 'release'; done: Promise<void> } | null = null;

  constructor(
    readonly data: Buffer,
    readonly name: string,
    private readonly entryPath: string,
    readonly lock: HeldNode,
  ) {}

  get signal(): AbortSignal {
    return this.lock.signal;
  }

  ack(): Promise<void> {
    return this.finish('ack', () => this.lock.removeWith([this.entryPath]));
  }

  release(): Promise<void> {
    return this.finish('release', async () => {
      await this.lock.release();
      // LOST rather than released by us: the entry went back by itself (the session ended), or is another's.
      if (this.lock.state === 'LOST') throw new LockLostError(this.lock);
    });
  }

  holdsLock(): Promise<boolean> {
    return this.lock.holds();
  }

  private finish(op: 'ack' | 'release', run: () => Promise<void>): Promise<void> {
    if (this.finishing !== null) {
      return this.finishing.op === op ? this.finishing.done : Promise.reject(new LockLostError(this.lock, `${this.lock.node} was already ${this.finishing.op}ed`));
    }
    if (this.lock.state === 'LOST') return Promise.reject(new LockLostError(this.lock));
    const done = run();
    this.finishing = { op, done };
    return done;
  }
}

/** The listings a LockingQueue's consumer takes from: its entries, and their locks. */
export interface LockingLists {
  readonly entries: Listing;
  readonly taken: Listing;
}

/**
 * A LockingQueue's take (kazoo's `_take`): the first entry in order that no
 * one has locked, as the listings give it at each step; its lock
 * `taken/<name>` made (ephemeral, this queue's id as data) and the entry read
 * in one round trip (the read sent right behind the create, so it sees the
 * lock's effect: an entry acked before the lock is found gone, the lock then
 * removed). A lock that exists is another consumer's: on to the next entry,
 * without reading the lists again (the listings follow the server's events).
 * Once `stopped` no further entry is tried (issue 17: takes that ended 7–56 s
 * past their timeout going through a stale list).
 */
export async function lockFirst(layout: LockingLayout, lists: LockingLists, context: TakeContext): Promise<Claim<QueueEntry> | null> {
  const { entries, taken } = lists;
  const { stopped } = context;
  const tried = new Set<string>();
  const skip = (name: string): boolean => tried.has(name) || taken.has(name) || layout.mine.has(name);
  for (;;) {
    if (stopped.aborted || !entries.ready || !taken.ready) return null;
    const next = entries.first(skip);
    if (next === null) return null;
    const { name } = next;
    tried.add(name);
    layout.mine.add(name);
    entries.claim(name);
    let locked: { lock: HeldNode; data: Buffer | null } | null;
    try {
      locked = await lockAndRead(layout, name);
    } catch (err) {
      layout.mine.delete(name);
      throw err;
    } finally {
      entries.unclaim(name);
    }
    if (locked === null) {
      layout.mine.delete(name);
      continue;
    }
    const { lock } = locked;
    lock.state$.subscribe({ complete: () => layout.mine.delete(name) });
    if (!context.fenced()) {
      // The lock's reply fenced the listings: an entry released or put before this take began, and ahead of this
      // one, is in them now. Hand this one back and take that one (rare: another client's change just before).
      const ahead = entries.first((n) => n !== name && skip(n));
      if (ahead !== null && compareEntries(ahead, next) < 0) {
        await lock.release().catch(() => undefined);
        tried.delete(name);
        continue;
      }
    }
    const entryPath = joinPath(layout.entries, name);
    let data = locked.data;
    if (data === null) {
      try {
        data = (await retried(layout.zk.get(entryPath))).data;
      } catch (err) {
        await lock.release().catch(() => undefined);
        if (err instanceof NoNodeError) continue;
        throw err;
      }
    }
    const entry = new LockedEntry(data, name, entryPath, lock);
    // Handed back when its taker left before it could be given.
    return { value: entry, undo: () => entry.release().catch(() => undefined) };
  }
}

/**
 * This consumer's lock on `name` and the entry's data, read in the same round trip (`data: null` when the read
 * must be made again: the lock took more than its first create); `null` when another consumer has the lock, or the
 * entry was gone (acked) by the time the lock was made (the lock is then removed).
 */
async function lockAndRead(layout: LockingLayout, name: string): Promise<{ lock: HeldNode; data: Buffer | null } | null> {
  const { zk, entries, taken, id } = layout;
  const node = joinPath(taken, name);
  // One create request, no makePath: with makePath a missing `taken` (a container, reaped whenever empty) is made and
  // the create sent AGAIN, after the read below — which then predates the lock, and may give an entry another
  // consumer acked meanwhile (seen in the fault suite: an item acked twice). createLock makes the parent then.
  const creating = firstValueFrom(zk.createWithStat(node, id, { ephemeral: true }));
  // Behind the create on the session: read after the lock was made (when this one create made it).
  const reading = firstValueFrom(zk.get(joinPath(entries, name))).then(
    ({ data }) => data,
    (err: unknown) => (err instanceof NoNodeError ? ('gone' as const) : null),
  );
  const { lock, first } = await createLock(layout, node, creating);
  if (lock === null) return null;
  // The read went out behind the first create only: after a retry, it may predate the lock.
  const read = first ? await reading : null;
  if (read === 'gone') {
    await lock.release().catch(() => undefined);
    return null;
  }
  return { lock, data: read };
}

/** This consumer's lock `node` (the first create already sent), or `null` when another consumer has it; `first`: made by that first create. */
async function createLock(layout: LockingLayout, node: string, firstCreate: Promise<{ stat: Stat }>): Promise<{ lock: HeldNode | null; first: boolean }> {
  const { zk, id, container } = layout;
  for (let attempt = 0; ; attempt++) {
    try {
      const { stat } = attempt === 0 ? await firstCreate : await firstValueFrom(zk.createWithStat(node, id, { ephemeral: true, makePath: true, containerParents: container }));
      const lock = new HeldNode(zk, { node, czxid: stat.czxid, sessionId: stat.ephemeralOwner, sessionTimeout: zk.session?.timeout ?? 0 }, 'proven-owner');
      return { lock, first: attempt === 0 };
    } catch (err) {
      if (err instanceof NodeExistsError) return { lock: null, first: false };
      // The first create's parent `taken` was missing: the next attempt makes it (makePath), and the entry is read after.
      if (err instanceof NoNodeError && attempt === 0) continue;
      // Never applied (queued while the session ended, or refused as expired): make it on the new session.
      if (err instanceof SessionExpiredError) {
        await untilConnected(zk);
        continue;
      }
      if (!(err instanceof ConnectionLossError)) throw err;
      // Applied or not? The lock says whose it is: this session's, with this queue object's id (ZOOKEEPER-1262).
      const found = await readOrNull(zk, node);
      if (found === null) continue;
      const { data, stat } = found;
      if (stat.ephemeralOwner !== zk.session?.id || !data.equals(id)) return { lock: null, first: false };
      const lock = new HeldNode(zk, { node, czxid: stat.czxid, sessionId: stat.ephemeralOwner, sessionTimeout: zk.session.timeout }, 'proven-owner');
      return { lock, first: false };
    }
  }
}

/** Resolves once `settle`d: the lock was acked, released or lost. */
export function settled(entry: QueueEntry): Promise<void> {
  return lastValueFrom(entry.lock.state$, { defaultValue: undefined }).then(() => undefined);
}
