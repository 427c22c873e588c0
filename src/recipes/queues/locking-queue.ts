import { randomUUID } from 'node:crypto';
import { filter, merge, type Observable } from 'rxjs';
import { joinPath, type Data, type ZooKeeperClient } from '../../index';
import type { OutcomeUnknownError } from '../errors';
import { checkClient, recipePath } from '../kernel/arguments';
import type { WaitOptions } from '../kernel/wait';
import { ConsumeLoop } from '../kernel/consume-loop';
import { Listing } from './listing';
import { checkQueueOptions, countEntries, putEntries, putEntry, type EntryDir, type QueueOptions } from './producer';
import { lockFirst, settled, type LockingLayout, type QueueEntry } from './queue-entry';
import { takeOnce, type StartConsumer } from '../kernel/take-once';
import { takeStream } from '../kernel/take-stream';
import { QueueReports } from './report';

/**
 * A distributed queue whose entries are locked while processed, on kazoo's
 * LockingQueue layout: entries are PERSISTENT_SEQUENTIAL
 * `<path>/entries/entry-PPP-<seq>` (priority 0–999, lower first, then FIFO);
 * a consumer locks one with an ephemeral `<path>/taken/<entry name>` holding
 * its queue object's 32-hex id, then acks it (entry and lock deleted in one
 * transaction) or releases it (lock deleted). A consumer whose session ends
 * loses its locks with it, and the entries go to others: at least once.
 * A kazoo 2.8 `LockingQueue` on the same path shares the entries and honours
 * the locks, and back. `<path>`, `entries` and `taken` are container nodes
 * (see {@link QueueOptions.parents}).
 *
 * What a waiting consumer watches, and why (kazoo#175: kazoo registers a new
 * watcher on both lists at every check and never drops them, and every
 * consumer races for the same first entry): the children of `entries` (a new
 * entry) and of `taken` (a release, or a holder's session ending, hands one
 * back) — each through the client's shared listing of the node (listing.ts:
 * listed once, then kept by a persistent recursive watch whose events name the
 * entry created or deleted), so one server watch per node per client however
 * many consumers wait, dropped a few seconds after the last one stops; nothing
 * per entry, and no list read again per take. Consumers of one client skip the
 * entry another of them is locking; one that finds an entry locked tries the
 * next one at once.
 *
 * @example
 * const jobs = new LockingQueue(zk, '/queues/jobs');
 * await jobs.put(JSON.stringify({ report: 'daily' }));
 * const entry = await jobs.take({ timeout: 30_000 });
 * await build(JSON.parse(entry.data.toString()));
 * await entry.ack();
 */
export class LockingQueue {
  private readonly layout: LockingLayout;
  private readonly target: EntryDir;
  private readonly reports: QueueReports;

  /**
   * A locking queue at `path`, its entries under `<path>/entries` and their locks under `<path>/taken`
   * (kazoo's layout; checked here, nothing is sent until a method is called).
   *
   * @example
   * const jobs = new LockingQueue(zk, '/queues/jobs');
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
    opts?: QueueOptions,
  ) {
    checkClient(zk, 'LockingQueue');
    const base = recipePath(path);
    const { container } = checkQueueOptions(opts, 'LockingQueue');
    this.layout = {
      zk,
      entries: joinPath(base, 'entries'),
      taken: joinPath(base, 'taken'),
      container,
      id: Buffer.from(randomUUID().replace(/-/g, ''), 'ascii'),
      mine: new Set(),
    };
    this.target = { zk, dir: this.layout.entries, container };
    this.reports = new QueueReports(zk, 'LockingQueue', base);
  }

  /** This queue object's id: the data of the locks it makes (as kazoo's LockingQueue.id). */
  get id(): string {
    return this.layout.id.toString('ascii');
  }

  /**
   * Puts an item with a priority from 0 to 999 (default 100; lower first).
   *
   * Resolves once the item is queued, exactly once: a put goes on across
   * dropped connections and expiries (one that met an expiry is made on the
   * new session), and one whose reply was lost is confirmed by its receipt
   * (an ephemeral `rxzk-receipt-<uuid>` made in the same transaction in
   * `<path>` (beside `entries` and `taken`, which kazoo lists), deleted right after, in the client's next queue transaction or in the background) or sent again when the receipt proves it
   * was not made. When the session ended before the receipt could be read it
   * rejects with {@link OutcomeUnknownError}: the item was queued once or not
   * at all (never twice); put it again only if a duplicate is acceptable.
   *
   * @example
   * await jobs.put('rebuild-index', { priority: 5 });
   */
  async put(data: Data, opts?: { priority?: number }): Promise<void> {
    await putEntry(this.target, data, opts);
    this.reports.put(1);
  }

  /**
   * Puts every item, with one priority, in one transaction (all or none).
   * A lost reply is settled as for {@link LockingQueue.put}: all queued once,
   * or none (OutcomeUnknownError when that cannot be proven any more).
   *
   * @example
   * await jobs.putAll(['a', 'b', 'c']);
   */
  async putAll(items: Data[], opts?: { priority?: number }): Promise<void> {
    await putEntries(this.target, items, opts);
    this.reports.put(items.length);
  }

  /**
   * Waits for an entry no one holds and locks it. `timeout` (ms) bounds the
   * wait (LockTimeoutError; `0` tries once), `signal` aborts it with its
   * reason; a take that gave up holds nothing (a lock it was making just then
   * is removed). The wait goes on across dropped connections and expiries.
   *
   * @example
   * const entry = await jobs.take({ timeout: 10_000 });
   * await entry.ack();
   */
  take(opts?: WaitOptions): Promise<QueueEntry> {
    return this.reports.take(opts, () => takeOnce(this.zk, this.consumer(), opts, 'take'));
  }

  /**
   * Cold: locks entries one at a time while subscribed, in order, and emits
   * each; the next is taken once the previous one is acked, released, or its
   * lock lost. Unsubscribing stops taking; an entry already emitted stays
   * the subscriber's to ack or release. Completes when the client closes.
   *
   * @example
   * jobs.take$().pipe(concatMap(async (entry) => { await run(entry.data); await entry.ack(); })).subscribe();
   */
  take$(): Observable<QueueEntry> {
    return takeStream<QueueEntry, QueueEntry>(this.consumer(), (entry, emit) => {
      this.reports.taken();
      emit(entry);
      return settled(entry);
    });
  }

  /**
   * The number of entries, locked ones included (kazoo's `len`).
   *
   * @example
   * console.log(`${await jobs.length()} jobs waiting or running`);
   */
  length(): Promise<number> {
    return countEntries(this.zk, this.layout.entries);
  }

  private consumer(): StartConsumer<QueueEntry> {
    const { zk, entries, taken } = this.layout;
    return (deliver, idle) => {
      // The client's listings of both nodes (one server watch each per client, however many wait; see the class comment).
      const lists = { entries: Listing.of(zk, entries), taken: Listing.of(zk, taken) };
      // A change counts once both are known (a take that tries once decides on both lists, never on one alone).
      const changes$ = merge(lists.entries.changes$, lists.taken.changes$).pipe(filter(() => lists.entries.ready && lists.taken.ready));
      // One read fences both listings (their events come on the same session); a lock can be handed back, so the
      // first lock's own reply fences them when there is one (lockFirst checks then).
      const fence = async (): Promise<void> => {
        await lists.entries.fence();
        await lists.taken.whenReady();
      };
      return new ConsumeLoop(changes$, (context) => lockFirst(this.layout, lists, context), deliver, idle, { fence, eager: false });
    };
  }
}
