import { Observable, combineLatest, distinctUntilChanged, filter, map, type Subscription } from 'rxjs';
import { InvalidArgumentError, type ZooKeeperClient } from '../../index';
import { LockLostError, LockTimeoutError } from '../errors';
import type { Holding, HoldingState } from '../holding';
import { checkClient, recipePath } from '../kernel/arguments';
import { boundedCleanup, checkWaitOptions, deadlineOf, nullIfTimedOut, timeLeft, type WaitOptions } from '../kernel/wait';
import { Lock, type LockOptions } from './lock';

/**
 * What a MultiLock can be made of: a Lock, a half of a ReadWriteLock, a Semaphore — anything whose `acquire` gives a
 * {@link Holding} (Curator's InterProcessMultiLock takes any InterProcessLock).
 */
export interface Lockable {
  /**
   * Waits until held, within `opts` (LockTimeoutError, or the signal's reason), leaving nothing behind otherwise.
   *
   * @example
   * const part: Lockable = new Semaphore(zk, '/sem/db', { maxLeases: 5 });
   * const lease = await part.acquire({ timeout: 1_000 });
   */
  acquire(opts?: WaitOptions): Promise<Holding>;
}

/**
 * All the holdings of a {@link MultiLock}, held together.
 *
 * @example
 * const all = await multi.acquire({ timeout: 5_000 });
 * all.state$.subscribe((s) => console.log('all locks', s));
 * await transfer(from, to, { signal: all.signal });
 * await all.release();
 */
export interface MultiHolding {
  /** Each lock's holding, in the order the locks were given (and acquired). */
  readonly holdings: readonly Holding[];
  /** The worst of the holdings' states (LOST, then RELEASED, then SUSPENDED, then HELD): now, then each change. */
  readonly state$: Observable<HoldingState>;
  /** The worst of the holdings' states now (each read as a Holding's `state` is: a long silence turns it LOST). */
  readonly state: HoldingState;
  /** Aborted as soon as any holding's signal is: one LOST (or released) and the whole no longer holds. */
  readonly signal: AbortSignal;
  /**
   * Releases every holding in the reverse of the order they were taken (Curator's InterProcessMultiLock), each
   * retried until its node is gone; idempotent. Rejects with the first error once all have been tried.
   *
   * @example
   * await all.release();
   */
  release(): Promise<void>;
}

/** How bad each state is for the whole: the worst holding decides. */
const BADNESS: Record<HoldingState, number> = { HELD: 0, SUSPENDED: 1, RELEASED: 2, LOST: 3 };

function worst(states: readonly HoldingState[]): HoldingState {
  return states.reduce((a, b) => (BADNESS[b] > BADNESS[a] ? b : a), 'HELD');
}

/** The holdings of one acquisition, seen as one. */
class MultiHoldingImpl implements MultiHolding {
  readonly state$: Observable<HoldingState>;
  private readonly aborts = new AbortController();
  private releasing: Promise<void> | undefined;

  constructor(readonly holdings: readonly Holding[]) {
    this.state$ = combineLatest(holdings.map((h) => h.state$)).pipe(map(worst), distinctUntilChanged());
    for (const h of holdings) {
      const signal = h.signal;
      if (signal.aborted) this.aborts.abort(signal.reason);
      else signal.addEventListener('abort', () => this.aborts.abort(signal.reason), { once: true });
    }
  }

  get state(): HoldingState {
    return worst(this.holdings.map((h) => h.state));
  }

  get signal(): AbortSignal {
    // Each holding's signal, read, checks the silence (and aborts if it has lasted a session timeout).
    for (const h of this.holdings) void h.signal;
    return this.aborts.signal;
  }

  release(): Promise<void> {
    this.releasing ??= releaseInReverse(this.holdings);
    return this.releasing;
  }
}

/** Releases `holdings` last first, each awaited before the next; rejects with the first error once all are tried. */
async function releaseInReverse(holdings: readonly Holding[]): Promise<void> {
  let failure: { err: unknown } | null = null;
  for (const h of [...holdings].reverse()) {
    try {
      await h.release();
    } catch (err) {
      failure ??= { err };
    }
  }
  if (failure !== null) throw failure.err;
}

/** A signal aborted when any of `sources` is (with its reason); `dispose()` removes the listeners. */
function linked(sources: readonly (AbortSignal | undefined)[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const removers: (() => void)[] = [];
  for (const source of sources) {
    if (source === undefined) continue;
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    const onAbort = (): void => controller.abort(source.reason);
    source.addEventListener('abort', onAbort, { once: true });
    removers.push(() => source.removeEventListener('abort', onAbort));
  }
  return { signal: controller.signal, dispose: () => removers.forEach((r) => r()) };
}

/**
 * Curator's InterProcessMultiLock: several locks taken as one — all of them or none. Each path is a {@link Lock}
 * (Curator's InterProcessMutex layout, `_c_<uuid>-lock-<seq>`), so a Curator InterProcessMultiLock (or a plain
 * InterProcessMutex, or a kazoo Lock) on any of the paths excludes it and back. The locks are acquired in the order
 * given and released in the reverse order; when one cannot be taken (timeout, abort, a lost holding), the ones
 * already held are released before the call fails, so nothing stays held.
 *
 * Take the locks in the same order everywhere (sort the paths), as with any set of locks, or two holders of half
 * each wait for each other until their timeouts.
 *
 * @example
 * const both = new MultiLock(zk, ['/locks/accounts/17', '/locks/accounts/42']);
 * await both.withLock(async (all) => {
 *   await transfer(17, 42, 100, { signal: all.signal });
 * }, { timeout: 10_000 });
 */
export class MultiLock {
  private readonly locks: readonly Lockable[];

  /**
   * `locks`: paths (a {@link Lock} is made for each, with `opts`), or locks already made (a Lock, a ReadWriteLock's
   * half, a Semaphore), or both mixed. Throws InvalidArgumentError for an empty list, a path given twice, or something
   * that is neither (InvalidPathError for a bad path); nothing is sent until a method is called.
   *
   * @example
   * const rw = new ReadWriteLock(zk, '/locks/catalog');
   * const multi = new MultiLock(zk, [rw.readLock, new Lock(zk, '/locks/prices')]);
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    locks: readonly (string | Lockable)[],
    opts?: LockOptions,
  ) {
    checkClient(zk, 'MultiLock');
    if (!Array.isArray(locks) || locks.length === 0) throw new InvalidArgumentError('MultiLock needs a non-empty array of paths or locks');
    const seen = new Set<string | Lockable>();
    this.locks = locks.map((lock: unknown) => {
      let made: Lockable;
      let key: string | Lockable;
      if (typeof lock === 'object' && lock !== null) {
        if (typeof (lock as Partial<Lockable>).acquire !== 'function') throw new InvalidArgumentError('MultiLock takes paths or locks, not another object');
        key = made = lock as Lockable;
      } else {
        // A path (anything else is refused as a path is: InvalidPathError).
        key = recipePath(lock);
        made = new Lock(zk, key, opts);
      }
      // The same lock twice would wait for itself (rxzk's locks are not re-entrant).
      if (seen.has(key)) throw new InvalidArgumentError(`MultiLock was given ${typeof key === 'string' ? key : 'one lock'} twice`);
      seen.add(key);
      return made;
    });
  }

  /**
   * Waits until every lock is held, taking them in order. `timeout` (ms) bounds the whole acquisition, not each
   * lock (`0`: one try of each, as `tryAcquire`); at the bound it rejects with LockTimeoutError, when `signal` aborts
   * with its reason, and when a lock already taken is LOST while waiting for the next with LockLostError — each time
   * after releasing the locks already taken (in reverse), so nothing stays held.
   *
   * @example
   * const all = await multi.acquire({ timeout: 5_000 });
   * try { await work(all.signal); } finally { await all.release(); }
   */
  async acquire(opts?: WaitOptions): Promise<MultiHolding> {
    const wait = checkWaitOptions(opts, 'acquire');
    if (wait.signal?.aborted) throw wait.signal.reason;
    const deadline = deadlineOf(wait);
    const lost = new AbortController();
    const stop = linked([wait.signal, lost.signal]);
    const held: Holding[] = [];
    const watches: Subscription[] = [];
    try {
      for (const lock of this.locks) {
        const left = timeLeft(deadline);
        // Out of time with locks still to take (a 0 timeout gives each its one try).
        if (left === 0 && wait.timeout !== 0) throw new LockTimeoutError(wait.timeout ?? 0);
        const holding = await lock.acquire({ timeout: left, signal: stop.signal });
        held.push(holding);
        watches.push(holding.state$.pipe(filter((s) => s === 'LOST')).subscribe(() => lost.abort(new LockLostError(holding))));
      }
      const gone = held.find((h) => h.state === 'LOST');
      if (gone !== undefined) throw new LockLostError(gone);
      return new MultiHoldingImpl(held);
    } catch (err) {
      // Nothing stays held: the locks taken are released, last first (bounded while connected, as every failed wait's clean-up).
      await boundedCleanup(this.zk, releaseInReverse(held));
      if (err instanceof LockTimeoutError && wait.timeout !== undefined && err.timeout !== wait.timeout) {
        throw new LockTimeoutError(wait.timeout, undefined, { cause: err });
      }
      throw err;
    } finally {
      stop.dispose();
      for (const w of watches) w.unsubscribe();
    }
  }

  /**
   * Takes every lock if each is free now, without waiting; `null` otherwise (the ones taken are released first).
   *
   * @example
   * const all = await multi.tryAcquire();
   * if (all === null) return; // one of them is busy
   */
  tryAcquire(): Promise<MultiHolding | null> {
    return nullIfTimedOut(this.acquire({ timeout: 0 }));
  }

  /**
   * Cold: acquires every lock on subscribe and emits the MultiHolding once all are held; unsubscribing releases them
   * (or stops waiting, releasing those taken). Errors with LockLostError when any holding is LOST, and with
   * LockTimeoutError (or the signal's reason) when the wait runs out.
   *
   * @example
   * multi.hold$({ timeout: 10_000 }).pipe(switchMap((all) => rebalance(all.signal))).subscribe();
   */
  hold$(opts?: WaitOptions): Observable<MultiHolding> {
    return new Observable<MultiHolding>((subscriber) => {
      const wait = checkWaitOptions(opts, 'hold$');
      const leave = new AbortController();
      const stop = linked([wait.signal, leave.signal]);
      let holding: MultiHolding | null = null;
      let states: Subscription | undefined;
      this.acquire({ timeout: wait.timeout, signal: stop.signal }).then(
        (all) => {
          if (subscriber.closed) {
            void all.release().catch(() => undefined);
            return;
          }
          holding = all;
          subscriber.next(all);
          states = all.state$.subscribe((state) => {
            const gone = all.holdings.find((h) => h.state === 'LOST');
            if (state === 'LOST' && gone !== undefined) subscriber.error(new LockLostError(gone));
          });
        },
        (err: unknown) => subscriber.error(err),
      );
      return () => {
        stop.dispose();
        leave.abort(new Error('hold$ was unsubscribed'));
        states?.unsubscribe();
        if (holding !== null) void holding.release().catch(() => undefined);
      };
    });
  }

  /**
   * Acquires every lock, runs `work`, releases them (also when `work` throws), and gives what `work` returned.
   *
   * @example
   * const moved = await multi.withLock(async (all) => transfer(17, 42, 100, { signal: all.signal }), { timeout: 10_000 });
   */
  async withLock<T>(work: (holding: MultiHolding) => T | Promise<T>, opts?: WaitOptions): Promise<T> {
    if (typeof work !== 'function') throw new InvalidArgumentError('withLock needs a function');
    const all = await this.acquire(opts);
    try {
      return await work(all);
    } finally {
      await all.release();
    }
  }
}
