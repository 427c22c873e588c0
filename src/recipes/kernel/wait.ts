import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { InvalidArgumentError, isConnected, type ZooKeeperClient } from '../../index';
import { LockTimeoutError } from '../errors';
import { optionsObject } from './arguments';

/**
 * The bounds of a recipe's wait: `timeout` in ms (0: try once), `signal` to abort it (it rejects with `signal.reason`).
 * The wait ends at its bound whatever it is doing then. Either way, whatever it had put on the server (its contender
 * node) is removed: before it rejects while connected (within 10 s), else as soon as the client is back.
 *
 * @example
 * await lock.acquire({ timeout: 5_000, signal: AbortSignal.timeout(3_000) }); // whichever comes first
 */
export interface WaitOptions {
  /** The longest wait, in ms (0..2^31-1; 0: try once); it then rejects with LockTimeoutError. Default: no bound. */
  timeout?: number;
  /** Aborting it ends the wait: it rejects with `signal.reason`. An already aborted signal rejects before anything is sent. */
  signal?: AbortSignal;
}

/** The largest wait a Node timer keeps (2^31 - 1 ms). */
const MAX_TIMER_MS = 0x7fffffff;

/** The keys of {@link WaitOptions}. */
const WAIT_OPTIONS: Record<keyof WaitOptions, true> = { timeout: true, signal: true };

/** Checks a wait's options as a JavaScript caller may give them (no other key); returns them typed. */
export function checkWaitOptions(opts: unknown, what: string): WaitOptions {
  const { timeout, signal } = optionsObject(opts, what, WAIT_OPTIONS);
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0 || timeout > MAX_TIMER_MS)) {
    throw new InvalidArgumentError(`${what} timeout must be a number of ms from 0 to ${MAX_TIMER_MS}, not ${String(timeout)}`);
  }
  // Duck-typed: an AbortSignal from another realm (a vm context, a test runner) is one too.
  if (signal !== undefined && !isAbortSignal(signal)) throw new InvalidArgumentError(`${what} signal must be an AbortSignal`);
  return { timeout, signal };
}

function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<AbortSignal>;
  return typeof s.aborted === 'boolean' && typeof s.addEventListener === 'function' && typeof s.removeEventListener === 'function';
}

/** What a bounded wait's body gets. */
export interface Bounds {
  /**
   * Aborted once the wait is over: at its timeout (the reason: LockTimeoutError), by the caller's signal (its
   * reason), or when the body has settled. Every step of the body that may wait races it ({@link raced}). Made when
   * first read: a body that settles without waiting (an uncontended lock) costs no AbortController.
   */
  readonly signal: AbortSignal;
  /** `timeout: 0`: the body decides on its first look and never waits (a timer of 0 ms would cut the first look short). */
  readonly once: boolean;
  /** Whether the wait is over already (as `signal.aborted`, without making the signal). */
  readonly over: boolean;
  /**
   * The recipe's own end of the wait (the subscriber left, the client closed): it rejects with `reason` now, as
   * `opts.stop` would, without an AbortSignal of the recipe's own.
   */
  end(reason: unknown): void;
}

/** How {@link within} ends a wait besides its body. */
export interface WithinOptions<T> {
  /** What the wait rejects with at its timeout (default: a LockTimeoutError of that timeout). */
  timedOut?: (timeout: number) => unknown;
  /** Told a value the body produced after the wait had ended (a holding to release, an entry to hand back). */
  late?: (value: T) => void;
  /** The recipe's own end of the wait, besides the caller's: the subscriber left, the client closed (its reason). */
  stop?: AbortSignal;
}

/**
 * THE bounded wait of the recipes, one meaning of `timeout` and `signal` for all of them:
 * - `signal` already aborted: rejects with its reason before the body runs (nothing is sent);
 * - `timeout` > 0: at that many ms the wait is over and rejects with `timedOut(timeout)` (a LockTimeoutError);
 * - `timeout: 0`: one try — no timer; the body sees `once` and decides on its first look;
 * - `signal` (or the recipe's own `opts.stop`, or `bounds.end()`) aborted meanwhile: rejects with its reason.
 * It rejects at its bound whatever the body is doing then (issue 17: a take waited 7–56 s past its timeout for the
 * step it had in flight): the body's steps race `bounds.signal` and stop, and what the body still produces after the
 * end goes to `late`. A clean-up the caller owes before reporting is {@link boundedCleanup}'s, itself bounded.
 * Timer and listeners are gone once it has settled, and `bounds.signal` is then aborted.
 */
export function within<T>(wait: WaitOptions, body: (bounds: Bounds) => Promise<T>, opts: WithinOptions<T> = {}): Promise<T> {
  const { timeout, signal } = wait;
  const { stop } = opts;
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (stop?.aborted) return Promise.reject(stop.reason);
  return new Promise<T>((resolve, reject) => {
    const end = (): boolean => {
      if (bounds.over) return false;
      bounds.over = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      stop?.removeEventListener('abort', onStop);
      return true;
    };
    /** Ends the wait early: rejects with `reason`, then stops what still races the signal. */
    const cut = (reason: unknown): void => {
      if (!end()) return;
      reject(reason);
      bounds.stopSteps(reason);
    };
    const bounds = new WaitBounds(timeout === 0, cut);
    const onAbort = (): void => cut(signal?.reason);
    const onStop = (): void => cut(stop?.reason);
    const timer =
      timeout !== undefined && timeout > 0
        ? setTimeout(() => cut(opts.timedOut !== undefined ? opts.timedOut(timeout) : new LockTimeoutError(timeout)), timeout)
        : undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
    stop?.addEventListener('abort', onStop, { once: true });
    let result: Promise<T>;
    try {
      result = body(bounds);
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (value) => {
        if (!end()) {
          opts.late?.(value);
          return;
        }
        resolve(value);
        bounds.stopSteps(WAIT_OVER);
      },
      (err: unknown) => {
        if (!end()) return;
        reject(err);
        bounds.stopSteps(WAIT_OVER);
      },
    );
  });
}

/**
 * {@link within}'s {@link Bounds}. A class, not an object literal with getters: measured with `--trace-gc-nvp`, such a
 * literal here made every scavenge promote what the waits in between had allocated (issue 20's lock cycle: ~2 MB a
 * scavenge, and the mark-compacts after it); with a class, nothing.
 */
class WaitBounds implements Bounds {
  over = false;
  /** Made when the body first reads `signal`. */
  private controller: AbortController | null = null;
  /** Why the wait's steps must stop, once they must. */
  private stopped: { reason: unknown } | null = null;

  constructor(
    readonly once: boolean,
    readonly end: (reason: unknown) => void,
  ) {}

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.stopped !== null) this.controller.abort(this.stopped.reason);
    }
    return this.controller.signal;
  }

  /** Aborts `signal` (now, or as it is made): what still races it stops. */
  stopSteps(reason: unknown): void {
    this.stopped = { reason };
    this.controller?.abort(reason);
  }
}

/** The reason `bounds.signal` is aborted once the wait has settled: what was still running of it stops. */
class WaitOverError extends Error {
  constructor() {
    super('the wait is over');
  }
}

/** One for all: it is never thrown at anyone (what still races the signal then is unseen), so no stack of its own is needed. */
const WAIT_OVER = new WaitOverError();

/**
 * `promise`, or a rejection with `signal.reason` once it aborts, whichever comes first: a step of a bounded wait.
 * The promise goes on unseen (its rejection handled).
 */
export function raced<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Mirrors the source until `signal` aborts, then errors with its reason (and unsubscribes the source). */
export function abortable<T>(signal: AbortSignal | undefined): MonoTypeOperatorFunction<T> {
  if (signal === undefined) return (source) => source;
  return (source) =>
    new Observable<T>((subscriber) => {
      if (signal.aborted) {
        subscriber.error(signal.reason);
        return undefined;
      }
      const onAbort = (): void => subscriber.error(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const inner = source.subscribe(subscriber);
      return () => {
        signal.removeEventListener('abort', onAbort);
        inner.unsubscribe();
      };
    });
}

/**
 * What `wait` gives, or `null` when it ran out (LockTimeoutError): a `tryAcquire`'s answer — not free now — and a
 * PromotedToLock's lock not taken within its timeout. Any other error is the caller's.
 */
export async function nullIfTimedOut<T>(wait: Promise<T>): Promise<T | null> {
  try {
    return await wait;
  } catch (err) {
    if (err instanceof LockTimeoutError) return null;
    throw err;
  }
}

/** `Promise.race` of waits that may each reject later, unseen: the losers' rejections are handled. */
export function firstOf<T>(waits: Promise<T>[]): Promise<T> {
  for (const w of waits) w.catch(() => undefined);
  return Promise.race(waits);
}

/** The clock time a wait ends at (`undefined`: no bound), for a wait made of several waits in turn. */
export function deadlineOf(wait: WaitOptions): number | undefined {
  return wait.timeout === undefined ? undefined : Date.now() + wait.timeout;
}

/** What is left of a wait until `deadline`, in ms (0 once passed: one more try), or `undefined` without one. */
export function timeLeft(deadline: number | undefined): number | undefined {
  return deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
}

/**
 * The longest a failed wait waits for its clean-up (removing its node, handing back what it took) before it reports:
 * a create or a take in flight settles within a round trip or two while connected.
 */
export const CLEANUP_BOUND_MS = 10_000;

/**
 * Lets a failed wait's clean-up finish before the failure is reported, within {@link CLEANUP_BOUND_MS}: connected,
 * the clean-up is a quick request or two, and a caller who sees the error may count on it being done (CURATOR-318: a
 * timed-out entrant's node must not let a latecomer pass; a lock's timed-out waiter leaves no node). Disconnected, the
 * error is reported at once and the clean-up goes on when the connection is back (it retries across reconnects).
 */
export async function boundedCleanup(zk: ZooKeeperClient, cleanup: Promise<unknown>): Promise<void> {
  const done = cleanup.then(
    () => undefined,
    () => undefined,
  );
  if (!isConnected(zk.state)) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLEANUP_BOUND_MS)));
  await Promise.race([done, bound]);
  clearTimeout(timer);
}
