import { Observable, type Subscriber, type Subscription } from 'rxjs';
import { ClientClosedError } from '../../index';
import { ConsumeLoop, type Claim, type TakeContext } from '../kernel/consume-loop';
import type { StartConsumer } from '../kernel/take-once';
import type { Candidate } from './layout';

/** A node a consumer took, and how to hand it back when its taker left before anything was handed out. */
export interface Taken<T> extends Claim<T> {
  /** Once delivered: whether the node is still in the queue for anyone to take (its lock was lost), this consumer included. */
  left?(): boolean;
}

/** What a consumer reads and how it takes. */
export interface ConsumerSpec<T> {
  /** Made before the first listing (the queue path, as Curator's start() makes it). */
  prepare(): Promise<void>;
  /** The names worth trying, now and after every change (a shared children watch: one server watch per path). */
  readonly listing$: Observable<readonly string[]>;
  /** The names in the order they are taken, with when each may be. */
  order(names: readonly string[]): Candidate[];
  /**
   * Whether a new listing may put a node before those still untried (priority, delay): then each listing is sorted
   * as it comes. Otherwise (FIFO: a new node always sorts last) the list read is worked through before the next one
   * is looked at — so a drain does not sort the whole list again after each item.
   */
  readonly reorders: boolean;
  /**
   * Takes the node: `null` when another consumer has it or it is gone. `following` is the candidate after it in the
   * order (due now), worth reading ahead while this one is taken.
   */
  take(name: string, following: string | undefined): Promise<Taken<T> | null>;
}

/**
 * A consumer of a Curator queue, on the recipes' one consumer loop (kernel/consume-loop): it takes nodes one at a time,
 * in the queue's order, and gives each to `deliver`, taking the next once what that returns has settled
 * (back-pressure); `stop()` hands back a node taken just then. What is Curator's is the {@link NodeListing} it
 * tries from.
 *
 * @example
 * const loop = nodeConsumer(spec)((node) => handle(node), () => undefined);
 * await loop.stop();
 */
export function nodeConsumer<T>(spec: ConsumerSpec<T>): StartConsumer<T> {
  return (deliver, idle) => {
    const listing = new NodeListing(spec);
    return new ConsumeLoop(listing.changes$, (context) => listing.takeFirst(context), deliver, idle);
  };
}

/**
 * One consumer's view of a Curator queue's nodes: the candidates its loop tries, and when they changed. `changes$`
 * (subscribed once, by the loop) makes the queue path first (`prepare`), then follows the listing, and counts as a
 * change each listing and the time the first node not yet due (a delay queue's) comes due — the only timer it sets,
 * cleared when unsubscribed. It ends with the listing (the client closed) and fails with it or with `prepare`. Each
 * node is tried once per listing: one that another consumer has is tried again only after the listing changed.
 */
export class NodeListing<T> {
  /** The loop's subscriber, while subscribed. */
  private subscriber: Subscriber<void> | null = null;
  private listing: Subscription | null = null;
  private latest: readonly string[] | null = null;
  private changed = false;
  /** The latest listing is the first since follow(): a read again, perhaps of an unchanged list (a shared watch may replay it). */
  private firstRead = false;
  private wake: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private list: Candidate[] = [];
  private at = 0;
  /** Names this consumer took: never tried again, though a listing read before their delete still shows them. */
  private readonly taken = new Set<string>();
  /** The node taken last, until the next attempt (the loop makes it once that node was delivered). */
  private last: { name: string; got: Taken<T> } | null = null;
  /**
   * Names tried in vain (another consumer's, or gone): tried again after a change of the listing (a lock released
   * shows as one), but not after a listing merely read again unchanged — a FIFO consumer reads it again after each
   * pass, and a shared watch may replay it: the same vain pass must not start again, round trip after round trip.
   */
  private readonly tried = new Set<string>();
  private listed = new Set<string>();
  /** See the class. */
  readonly changes$: Observable<void>;

  constructor(private readonly spec: ConsumerSpec<T>) {
    this.changes$ = new Observable<void>((subscriber) => {
      this.subscriber = subscriber;
      spec.prepare().then(
        () => this.follow(),
        (err: unknown) => ended(subscriber, err),
      );
      return () => {
        this.subscriber = null;
        this.unfollow();
        this.disarm();
        this.notify();
      };
    });
  }

  /**
   * The loop's attempt: tries the nodes in the queue's order until one is taken (`null`: none could be, none is due
   * yet, or it stopped). A FIFO consumer that has worked through the list it read reads it again first.
   */
  async takeFirst({ stopped }: TakeContext): Promise<Taken<T> | null> {
    this.disarm();
    // Delivered, and its lock lost meanwhile (the session ended): the node is there to take again, by this consumer too.
    if (this.last?.got.left?.() === true) this.taken.delete(this.last.name);
    this.last = null;
    for (;;) {
      if (stopped.aborted || this.subscriber === null) return null;
      this.refresh();
      const now = Date.now();
      const { next, following, dueAt } = this.pick(now);
      if (next === undefined) {
        if (this.listing === null) {
          this.follow();
          await this.firstListing(stopped);
          continue;
        }
        this.arm(dueAt);
        return null;
      }
      const got = await this.spec.take(next, following);
      if (got === null) {
        this.tried.add(next);
        continue;
      }
      this.taken.add(next);
      this.last = { name: next, got };
      return got;
    }
  }

  /** Sorts the latest listing in, when there is one and the list read is worked through (or a listing may reorder). */
  private refresh(): void {
    const names = this.latest;
    if (!this.changed || names === null || (!this.spec.reorders && this.at < this.list.length)) return;
    this.changed = false;
    this.list = this.spec.order(names).filter((c) => !this.taken.has(c.name));
    this.at = 0;
    const now = new Set(names);
    if (!this.firstRead || now.size !== this.listed.size || names.some((n) => !this.listed.has(n))) this.tried.clear();
    this.listed = now;
    // A name missing from a listing is gone for good (sequential names are never used again).
    for (const name of this.taken) if (!now.has(name)) this.taken.delete(name);
    // FIFO: nothing put meanwhile can come before what this list holds; read again once it is worked through.
    if (!this.spec.reorders && this.list.some((c) => !this.tried.has(c.name))) this.unfollow();
  }

  /** The first node to try and the one after it (due at `now`), or when the first not yet due comes due. */
  private pick(now: number): { next?: string; following?: string; dueAt: number } {
    const skip = (name: string): boolean => this.taken.has(name) || this.tried.has(name);
    for (let i = this.at; i < this.list.length; i++) {
      const c = this.list[i];
      if (skip(c.name)) {
        if (i === this.at) this.at++;
        continue;
      }
      // In a delay queue's order, the first not yet due means none after it is.
      if (c.readyAt > now) return { dueAt: c.readyAt };
      for (let j = i + 1; j < this.list.length; j++) {
        const after = this.list[j];
        if (after.readyAt > now) break;
        if (!skip(after.name)) return { next: c.name, following: after.name, dueAt: Infinity };
      }
      return { next: c.name, dueAt: Infinity };
    }
    return { dueAt: Infinity };
  }

  /** Follows the listing (its first value is a fresh read), unless it already does or is unsubscribed. */
  private follow(): void {
    const subscriber = this.subscriber;
    if (this.listing !== null || subscriber === null) return;
    this.latest = null;
    this.changed = false;
    let first = true;
    const listing = this.spec.listing$.subscribe({
      next: (names) => {
        this.latest = names;
        this.changed = true;
        this.firstRead = first;
        first = false;
        this.notify();
        subscriber.next();
      },
      error: (error: unknown) => ended(subscriber, error),
      // The client closed (the watch streams complete then): nothing more will come.
      complete: () => subscriber.complete(),
    });
    if (this.subscriber === null) listing.unsubscribe();
    else this.listing = listing;
  }

  /**
   * Stops following the listing: while a FIFO consumer works through the list it read, the changes (its own deletes
   * first of all) are not worth a read of the whole list each (Curator's ChildrenCache reads it again at every change).
   */
  private unfollow(): void {
    this.listing?.unsubscribe();
    this.listing = null;
    this.latest = null;
    this.changed = false;
  }

  /** Waits for the listing followed again to give its first read (or the end, or the stop). */
  private async firstListing(stopped: AbortSignal): Promise<void> {
    while (this.latest === null && this.subscriber !== null && !stopped.aborted) {
      await new Promise<void>((resolve) => {
        const onStop = (): void => this.notify();
        stopped.addEventListener('abort', onStop, { once: true });
        this.wake = () => {
          stopped.removeEventListener('abort', onStop);
          resolve();
        };
      });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** A change at `dueAt` (ms since the epoch), when a node comes due. */
  private arm(dueAt: number): void {
    this.disarm();
    if (dueAt === Infinity || this.subscriber === null) return;
    const subscriber = this.subscriber;
    // Node timers keep at most 2^31-1 ms: a later one is set again when it fires.
    const wait = Math.min(Math.max(0, dueAt - Date.now()), 0x7fffffff);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      subscriber.next();
    }, wait);
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Ends the changes on `err`: a client closed before or under the consumer (its request refused with
 * ClientClosedError) ends a Curator queue's consumer as the close itself does — `take$` completes, as it always has
 * (kazoo's queues, through kernel/take-stream, fail with the client's error then). Any other error fails it.
 */
function ended(subscriber: Subscriber<void>, err: unknown): void {
  if (err instanceof ClientClosedError) subscriber.complete();
  else subscriber.error(err);
}
