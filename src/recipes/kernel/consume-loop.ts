import type { Observable, Subscription } from 'rxjs';
import { ClientClosedError } from '../../index';

/** An entry a consumer has taken, and how to hand it back when no one is left to give it to. */
export interface Claim<T> {
  readonly value: T;
  /** Hands the entry back (a Queue puts it again, a LockingQueue removes its lock). */
  undo(): Promise<void>;
}

/** What a consumer's attempt runs under. */
export interface TakeContext {
  /** Aborted once the consumer stops: it tries no further candidate (what it took of the one in hand is still given back). */
  readonly stopped: AbortSignal;
  /**
   * False until the listings are known to have every change made before the consumer started: an attempt that
   * claims an entry before then checks, once its claim's reply is in (which fences them), that no entry it should
   * have taken first has come, and hands its claim back for that one if so.
   */
  fenced(): boolean;
}

/**
 * Tries the candidates the queue's listings give at each step, first in order first; the first one taken, or `null`
 * when every one was gone or taken by another, or it stopped.
 */
export type TakeFirst<T> = (context: TakeContext) => Promise<Claim<T> | null>;

/** A context for a take without a consumer (Queue.get): never stopped. */
export const UNBOUND_TAKE: TakeContext = { stopped: new AbortController().signal, fenced: () => true };

/**
 * One consumer, THE consumer loop of the queue recipes (kazoo's Queue and LockingQueue in queues/, Curator's
 * DistributedQueue family in curator-queues/): takes entries one at a time, in order, for as long as it
 * runs. It tries when the candidates change (`changes$`: a queue's listings — queues/listing.ts, or a Curator
 * queue's curator-queues/node-listing.ts, which also marks the time a delayed node comes due as a change) and
 * again at once after each entry taken — never on a timer of its own — and goes on across dropped connections
 * (the listings are read again when reconnected).
 *
 * `deliver` is given each entry; the next one is taken only once what it
 * returns has settled (a LockingQueue's `take$` waits for the ack or release).
 * `stop()` ends it: no attempt starts after it, the attempt in flight tries no
 * further candidate, and an entry it took is handed back (`undo`) — so a
 * consumer stopped by a timeout, an abort or an unsubscribe consumes nothing later.
 */
export class ConsumeLoop<T> {
  /** Aborted when stop() is called: the attempt in flight stops trying, and a wait for `deliver` gives way to it. */
  private readonly stopping = new AbortController();
  private fenced = false;
  private readonly context: TakeContext = { stopped: this.stopping.signal, fenced: () => this.fenced };
  /** The candidates changed since the last try began (or an entry was just taken: there may be more). */
  private fresh = false;
  private ended = false;
  private wake: (() => void) | null = null;
  private lists: Subscription | null = null;
  private listError: { error: unknown } | null = null;
  private readonly stopped$: Promise<void>;
  /** Settles once the loop has finished (an entry in flight handed back); rejects with an error no retry mends. */
  readonly done: Promise<void>;

  constructor(
    changes$: Observable<unknown>,
    private readonly takeFirst: TakeFirst<T>,
    private readonly deliver: (value: T) => void | Promise<void>,
    /** Told each time every candidate was tried and none could be taken (a take that tries once gives up then). */
    private readonly idle: () => void = () => undefined,
    /**
     * Makes the listings have every change made before the consumer started (listing.ts `fence`): awaited before
     * the first try when `eager` (a take that cannot be undone: a Queue's delete), else only before the first time
     * nothing could be taken — a claim's own reply fences too, and the attempt checks it then ({@link TakeContext.fenced}).
     */
    private readonly fencing: { fence: () => Promise<void>; eager: boolean } = { fence: () => Promise.resolve(), eager: true },
  ) {
    this.stopped$ = new Promise<void>((resolve) => this.stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
    const lists = changes$.subscribe({
      next: () => {
        this.fresh = true;
        this.notify();
      },
      error: (error: unknown) => {
        this.listError = { error };
        this.ended = true;
        this.notify();
      },
      // The client closed (the watch streams complete then): nothing more will come.
      complete: () => {
        this.ended = true;
        this.notify();
      },
    });
    if (this.ended) lists.unsubscribe();
    else this.lists = lists;
    this.done = this.run();
  }

  /** True once it has stopped taking (stopped, or the client closed). */
  get stopped(): boolean {
    return this.ended;
  }

  /**
   * Aborted once stop() was called: a `deliver` that hands out what it was given in parts (a Curator node's batch of
   * items) hands the parts not yet out back then.
   */
  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  /** Stops taking; resolves once an attempt in flight has finished and what it took was handed back. */
  stop(): Promise<void> {
    this.ended = true;
    this.lists?.unsubscribe();
    this.lists = null;
    this.notify();
    this.stopping.abort(CONSUMER_STOPPED);
    return this.done.catch(() => undefined);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async run(): Promise<void> {
    try {
      // A listing kept from before may not have a change made just before this consumer started: not decided on yet.
      if (this.fencing.eager) await this.fence();
      for (;;) {
        if (!(await this.next())) break;
        const claim = await this.takeFirst(this.context);
        if (claim === null) {
          if (!this.fenced) {
            // Nothing, as far as this client knew: once it knows every change made before the start, again.
            await this.fence();
            this.fresh = true;
            continue;
          }
          if (!this.fresh) this.idle();
          continue;
        }
        // Its reply came after every change made before the start (and the attempt checked them).
        this.fenced = true;
        if (this.ended) {
          await claim.undo();
          break;
        }
        // Taken: the rest of the list may still be there.
        this.fresh = true;
        // The entry delivered is the taker's now: stopping does not wait for what it does with it.
        await Promise.race([this.deliver(claim.value), this.stopped$]);
      }
    } catch (err) {
      // A take's request refused as the client closed under the consumer (before its listings heard of it): the
      // close ends the consumer, as the listings' completion does. A listing refused at the start errors instead.
      if (!(err instanceof ClientClosedError)) throw err;
    } finally {
      this.lists?.unsubscribe();
      this.lists = null;
    }
    if (this.listError !== null) throw this.listError.error;
  }

  private async fence(): Promise<void> {
    await Promise.race([this.fencing.fence().catch(() => undefined), this.stopped$]);
    this.fenced = true;
  }

  /** True once the candidates changed since the last try; false once stopped. */
  private async next(): Promise<boolean> {
    while (!this.ended && !this.fresh) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.ended) return false;
    this.fresh = false;
    return true;
  }
}

/**
 * The reason the loop's {@link ConsumeLoop.signal} aborts with. Given, because `abort()` without one makes a
 * DOMException, stack trace and all: 28 µs of the ~375 µs a LockingQueue take + ack cost in a profile (issue 20). No
 * one reads it: the signal only tells a `deliver` to hand back what it has not handed out.
 */
const CONSUMER_STOPPED = new Error('the consumer stopped');
