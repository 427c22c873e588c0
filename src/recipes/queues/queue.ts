import type { Observable } from 'rxjs';
import type { Data, ZooKeeperClient } from '../../index';
import type { OutcomeUnknownError } from '../errors';
import { checkClient, recipePath } from '../kernel/arguments';
import type { WaitOptions } from '../kernel/wait';
import { ConsumeLoop, UNBOUND_TAKE } from '../kernel/consume-loop';
import { Listing } from './listing';
import { checkQueueOptions, countEntries, putEntries, putEntry, type EntryDir, type QueueOptions } from './producer';
import { takeFirst } from './take-entry';
import { takeOnce, type StartConsumer } from '../kernel/take-once';
import { takeStream } from '../kernel/take-stream';
import { QueueReports } from './report';

/**
 * A distributed queue on kazoo's Queue layout: each entry is a
 * PERSISTENT_SEQUENTIAL `<path>/entry-PPP-<seq>` holding the item, PPP its
 * priority (0–999, lower first; kazoo's default 100), taken in order of
 * priority then of the server's counter. `<path>` is a container node
 * (see {@link QueueOptions.parents}). A kazoo 2.8 `Queue` on the same path
 * puts and gets the same entries.
 *
 * At most once: an entry is taken by deleting it, and whoever's delete lands
 * first has it; an entry whose taker crashes is lost (use
 * {@link LockingQueue} for at least once). The consumers, takes and gets of
 * one client share one listing of `<path>` (listing.ts): listed once, then
 * kept by one persistent recursive watch whose events name each entry put or
 * taken, so a drain never lists the queue again (linear, where a list per take
 * is quadratic), and an entry of higher priority put meanwhile is taken first.
 *
 * Puts and takes whose reply is lost are settled by a receipt: an ephemeral
 * `rxzk-receipt-<uuid>` made in the same transaction beside `<path>` (in its
 * parent, for a moment: a kazoo consumer would take a child of `<path>` as an
 * item), deleted right after.
 *
 * @example
 * const mail = new Queue(zk, '/queues/mail');
 * await mail.put(JSON.stringify({ to: 'ops@example.com' }), { priority: 10 });
 * const next = await mail.take({ timeout: 30_000 });
 */
export class Queue {
  private readonly target: EntryDir;
  private readonly reports: QueueReports;

  /**
   * A queue at `path` (chroot-relative; checked here, nothing is sent until a method is called).
   *
   * @example
   * const mail = new Queue(zk, '/queues/mail');
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
    opts?: QueueOptions,
  ) {
    checkClient(zk, 'Queue');
    this.target = { zk, dir: recipePath(path), ...checkQueueOptions(opts, 'Queue') };
    this.reports = new QueueReports(zk, 'Queue', this.target.dir);
  }

  /**
   * Puts an item (a Buffer, a Uint8Array, or a string as UTF-8) with a
   * priority from 0 to 999 (default 100; lower is taken first).
   *
   * Resolves once the item is queued, exactly once: a put goes on across
   * dropped connections and expiries (one that met an expiry is made on the
   * new session), and one whose reply was lost is confirmed by its receipt
   * (an ephemeral `rxzk-receipt-<uuid>` made in the same transaction in
   * the queue node's parent (never under the queue node: a kazoo consumer takes every child as an item), deleted right after, in the client's next queue transaction or in the background) or sent again when the receipt proves it
   * was not made. When the session ended before the receipt could be read it
   * rejects with {@link OutcomeUnknownError}: the item was queued once or not
   * at all (never twice); put it again only if a duplicate is acceptable.
   *
   * @example
   * await queue.put('resize:42.png');
   * await queue.put(Buffer.from([1, 2, 3]), { priority: 0 }); // before everything at 100
   */
  async put(data: Data, opts?: { priority?: number }): Promise<void> {
    await putEntry(this.target, data, opts);
    this.reports.put(1);
  }

  /**
   * Puts every item, with one priority, in one transaction: all are queued
   * (in this order) or none is.
   * A lost reply is settled as for {@link Queue.put}: all queued once, or none
   * (OutcomeUnknownError when that cannot be proven any more).
   *
   * @example
   * await queue.putAll(['a', 'b', 'c'], { priority: 50 });
   */
  async putAll(items: Data[], opts?: { priority?: number }): Promise<void> {
    await putEntries(this.target, items, opts);
    this.reports.put(items.length);
  }

  /**
   * Takes the first entry if there is one, without waiting; `null` when the
   * queue is empty (as the server has it when called: an entry another client
   * put just before is got). A loop of `get()` lists the queue once: the
   * client's listing is kept a few seconds after each call for the next one,
   * and the first entry is the first of that listing as the server's events
   * have kept it — an entry another client put is there once its event has
   * come (before the reply to any request this client sends after the put),
   * where `take()` first makes sure it has every change made before the call
   * (one more round trip). One round trip per entry (kazoo's `Queue.get`: two).
   *
   * @example
   * const item = await queue.get();
   * if (item !== null) handle(item);
   */
  async get(): Promise<Buffer | null> {
    // The client's listing of the queue, kept for the call and a while after it (a loop of get() lists once). On a
    // client that is not running it fails at once with the client's error (ClientNotStartedError, ClientClosedError).
    const listing = Listing.of(this.zk, this.target.dir);
    const release = listing.hold();
    let fenced = false;
    try {
      for (;;) {
        await listing.whenReady();
        const seen = listing.version;
        const claim = await takeFirst(this.target, listing, UNBOUND_TAKE);
        if (claim !== null) {
          this.reports.taken();
          return claim.value;
        }
        if (listing.ready && listing.size === 0) {
          // Empty as this client knows it: empty on the server too, once every change made before now has come.
          if (fenced) return null;
          await listing.fence();
          fenced = true;
          continue;
        }
        // Every entry left is being taken by another consumer of this client: the next change says how that went.
        if (listing.version === seen) await listing.nextChange();
      }
    } finally {
      release();
    }
  }

  /**
   * Waits for an entry and takes it. `timeout` (ms) bounds the wait and
   * rejects with LockTimeoutError (`0`: tries once); `signal` aborts it with
   * its reason. A take that gave up consumes nothing later: an entry it was
   * deleting at that instant is put back (at its priority, behind the others).
   * The wait goes on across dropped connections and expiries. A delete whose
   * reply was lost gives its entry when its receipt proves it was this take's;
   * when that can no longer be known (the session ended first) the entry is
   * taken as another consumer's and the wait goes on: at most once.
   *
   * @example
   * const job = await queue.take({ timeout: 60_000 });
   */
  take(opts?: WaitOptions): Promise<Buffer> {
    return this.reports.take(opts, () => takeOnce(this.zk, this.consumer(), opts, 'take'));
  }

  /**
   * Cold: takes entries one at a time, in order, while subscribed, and
   * emits each. Unsubscribing stops taking (an entry being deleted just then
   * is put back). Completes when the client closes.
   *
   * @example
   * const subscription = queue.take$().pipe(concatMap((item) => send(item))).subscribe();
   */
  take$(): Observable<Buffer> {
    return takeStream<Buffer, Buffer>(this.consumer(), (item, emit) => {
      this.reports.taken();
      emit(item);
    });
  }

  /**
   * The number of entries (kazoo's `len(queue)`).
   *
   * @example
   * if ((await queue.length()) > 1000) console.warn('queue backing up');
   */
  length(): Promise<number> {
    return countEntries(this.zk, this.target.dir);
  }

  private consumer(): StartConsumer<Buffer> {
    const { zk, dir } = this.target;
    return (deliver, idle) => {
      // The client's listing of the queue (one server watch per path however many wait), from the consumer's start.
      const listing = Listing.of(zk, dir);
      return new ConsumeLoop(listing.changes$, (context) => takeFirst(this.target, listing, context), deliver, idle, { fence: () => listing.fence(), eager: true });
    };
  }
}
