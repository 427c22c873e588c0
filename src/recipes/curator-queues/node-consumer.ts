import type { Observable, Subscription } from 'rxjs';
import type { Candidate } from './layout';

/** A node a consumer took, and how to hand it back when its taker left before anything was handed out. */
export interface Taken<T> {
  readonly value: T;
  undo(): Promise<void>;
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
 * One consumer of a Curator queue: takes nodes one at a time, in the queue's order, for as long as it runs, and gives
 * each to `deliver`, taking the next once what that returns has settled (back-pressure). It tries again when the
 * listing changes (never on a polling timer), and when the first node not yet due (a delay queue's) comes due —
 * the only timer it sets, cleared when it stops. Each node is tried once per listing: one that another consumer has
 * is tried again only after the listing changed. Goes on across dropped connections and expiries (the listing
 * re-reads when reconnected; every request is retried).
 *
 * `stop()` ends it: no take starts after it, a node taken just then is handed back (`undo`), and the watch and
 * timer are released. What `deliver` was given stays the deliverer's.
 */
export class NodeConsumer<T> {
  private readonly stopping = new AbortController();
  private latest: readonly string[] | null = null;
  private changed = false;
  /** The latest listing is the first since follow(): a read again, perhaps of an unchanged list (a shared watch may replay it). */
  private firstRead = false;
  private ended = false;
  private wake: (() => void) | null = null;
  private listing: Subscription | null = null;
  private failure: { error: unknown } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly stopped$: Promise<void>;
  /** Settles once the consumer has finished (a node taken in flight handed back); rejects with what no retry mends. */
  readonly done: Promise<void>;

  constructor(
    private readonly spec: ConsumerSpec<T>,
    private readonly deliver: (value: T) => void | Promise<void>,
    /** Told each time every node listed was tried (or none is due) and none could be taken: a one-try wait gives up then. */
    private readonly idle: () => void = () => undefined,
  ) {
    this.stopped$ = new Promise<void>((resolve) => this.stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
    this.done = this.run();
  }

  /** Aborted once stop() was called. */
  get stopped(): AbortSignal {
    return this.stopping.signal;
  }

  /** Stops taking; resolves once a take in flight has finished and what it took was handed back. */
  stop(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      this.release();
      this.notify();
      this.stopping.abort();
    }
    return this.done.catch(() => undefined);
  }

  private release(): void {
    this.unfollow();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Follows the listing (its first value is a fresh read), unless it already does. */
  private follow(): void {
    if (this.listing !== null || this.ended) return;
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
      },
      error: (error: unknown) => {
        this.failure = { error };
        this.ended = true;
        this.notify();
      },
      // The client closed (the watch streams complete then): nothing more will come.
      complete: () => {
        this.ended = true;
        this.notify();
      },
    });
    if (this.ended) listing.unsubscribe();
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

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async run(): Promise<void> {
    try {
      await Promise.race([this.spec.prepare(), this.stopped$]);
      if (this.ended) return;
      this.follow();
      await this.loop();
    } finally {
      this.release();
    }
    if (this.failure !== null) throw this.failure.error;
  }

  private async loop(): Promise<void> {
    let list: Candidate[] = [];
    let at = 0;
    /** Names this consumer took: never tried again, though a listing read before their delete still shows them. */
    const taken = new Set<string>();
    /**
     * Names tried in vain (another consumer's, or gone): tried again after a change of the listing (a lock released
     * shows as one), but not after a listing merely read again unchanged — a FIFO consumer reads it again after each
     * pass, and a shared watch may replay it: the same vain pass must not start again, round trip after round trip.
     */
    const tried = new Set<string>();
    let listed = new Set<string>();
    for (;;) {
      if (this.ended) return;
      if (this.changed && this.latest !== null && (this.spec.reorders || at >= list.length)) {
        const names = this.latest;
        this.changed = false;
        list = this.spec.order(names).filter((c) => !taken.has(c.name));
        at = 0;
        const now = new Set(names);
        if (!this.firstRead || now.size !== listed.size || names.some((n) => !listed.has(n))) tried.clear();
        listed = now;
        // A name missing from a listing is gone for good (sequential names are never used again).
        for (const name of taken) if (!now.has(name)) taken.delete(name);
        // FIFO: nothing put meanwhile can come before what this list holds; read again once it is worked through.
        if (!this.spec.reorders && list.some((c) => !tried.has(c.name))) this.unfollow();
      }
      let next: Candidate | undefined;
      let nextAt = -1;
      let dueAt = Infinity;
      const now = Date.now();
      for (let i = at; i < list.length; i++) {
        const c = list[i];
        if (taken.has(c.name) || tried.has(c.name)) {
          if (i === at) at++;
          continue;
        }
        // In a delay queue's order, the first not yet due means none after it is.
        if (c.readyAt > now) {
          dueAt = c.readyAt;
          break;
        }
        next = c;
        nextAt = i;
        break;
      }
      let following: string | undefined;
      for (let i = nextAt + 1; next !== undefined && i < list.length; i++) {
        const c = list[i];
        if (c.readyAt > now) break;
        if (taken.has(c.name) || tried.has(c.name)) continue;
        following = c.name;
        break;
      }
      if (next === undefined) {
        if (this.listing === null) {
          this.follow();
          continue;
        }
        if (this.latest !== null && !this.changed) this.idle();
        await this.nextChange(dueAt);
        continue;
      }
      const got = await this.spec.take(next.name, following);
      if (got === null) {
        tried.add(next.name);
        continue;
      }
      taken.add(next.name);
      if (this.ended) {
        await got.undo();
        return;
      }
      // What was delivered is the deliverer's now: stopping does not wait for what it does with it.
      await Promise.race([this.deliver(got.value), this.stopped$]);
      // Its lock lost (the session ended): the node is there to take again, by this consumer too.
      if (got.left?.() === true) taken.delete(next.name);
    }
  }

  /** Waits for a new listing, the stop, or the time `dueAt` (ms since the epoch) when a node comes due. */
  private async nextChange(dueAt: number): Promise<void> {
    if (this.ended || (this.changed && this.latest !== null)) return;
    if (this.failure !== null) return;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      if (dueAt !== Infinity) {
        // Node timers keep at most 2^31-1 ms: a later one is set again when it fires.
        const wait = Math.min(Math.max(0, dueAt - Date.now()), 0x7fffffff);
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.notify();
        }, wait);
      }
    });
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
