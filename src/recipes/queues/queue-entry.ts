import { firstValueFrom, lastValueFrom } from 'rxjs';
import { ConnectionLossError, NoNodeError, NodeExistsError, SessionExpiredError, joinPath, type ZooKeeperClient } from '../../index';
import { LockLostError, type OutcomeUnknownError } from '../errors';
import type { Holding } from '../holding';
import { HeldNode } from '../kernel/held-node';
import { retried, untilConnected } from '../kernel/retry';
import { readOrNull } from '../kernel/znodes';
import type { Claim, TakeContext } from './consume-loop';

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

/**
 * A LockingQueue's take (kazoo's `_take`): for each candidate in order, make
 * its lock `taken/<name>` (ephemeral, this queue's id as data); a lock that
 * exists is another consumer's: on to the next candidate, without reading
 * the lists again. With the lock made, the entry is read; if it was acked
 * meanwhile (gone) the lock is removed and the next candidate tried. A
 * candidate that left the lists since the attempt began (locked or acked by
 * another) is skipped, and once `stopped` no further one is tried: a list read
 * before a fault may hold hundreds of entries acked since, four round trips
 * each (issue 17: takes that ended 7–56 s past their timeout, consumers that
 * never recovered within 30 s of the faults' end).
 */
export async function lockFirst(layout: LockingLayout, candidates: readonly string[], { stopped, listed }: TakeContext): Promise<Claim<QueueEntry> | null> {
  for (const name of candidates) {
    if (stopped.aborted) return null;
    if (!listed(name)) continue;
    if (layout.mine.has(name)) continue;
    layout.mine.add(name);
    const lock = await createLock(layout, name).catch((err: unknown) => {
      layout.mine.delete(name);
      throw err;
    });
    if (lock === null) {
      layout.mine.delete(name);
      continue;
    }
    lock.state$.subscribe({ complete: () => layout.mine.delete(name) });
    const entryPath = joinPath(layout.entries, name);
    let data: Buffer;
    try {
      data = (await retried(layout.zk.get(entryPath))).data;
    } catch (err) {
      await lock.release().catch(() => undefined);
      if (err instanceof NoNodeError) continue;
      throw err;
    }
    const entry = new LockedEntry(data, name, entryPath, lock);
    // Handed back when its taker left before it could be given.
    return { value: entry, undo: () => entry.release().catch(() => undefined) };
  }
  return null;
}

/** This consumer's lock on `name`, or `null` when another consumer has it. */
async function createLock(layout: LockingLayout, name: string): Promise<HeldNode | null> {
  const { zk, taken, id, container } = layout;
  const node = joinPath(taken, name);
  for (;;) {
    try {
      const { stat } = await firstValueFrom(zk.createWithStat(node, id, { ephemeral: true, makePath: true, containerParents: container }));
      return new HeldNode(zk, { node, czxid: stat.czxid, sessionId: stat.ephemeralOwner, sessionTimeout: zk.session?.timeout ?? 0 }, 'proven-owner');
    } catch (err) {
      if (err instanceof NodeExistsError) return null;
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
      if (stat.ephemeralOwner !== zk.session?.id || !data.equals(id)) return null;
      return new HeldNode(zk, { node, czxid: stat.czxid, sessionId: stat.ephemeralOwner, sessionTimeout: zk.session.timeout }, 'proven-owner');
    }
  }
}

/** Resolves once `settle`d: the lock was acked, released or lost. */
export function settled(entry: QueueEntry): Promise<void> {
  return lastValueFrom(entry.lock.state$, { defaultValue: undefined }).then(() => undefined);
}
