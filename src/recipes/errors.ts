import { ZooKeeperClientError } from '../index';
import type { Holding } from './holding';

/**
 * A recipe's wait ran out (`timeout` ms): a lock, a lease, a barrier, a
 * queue entry. Whatever the waiter had put on the server (its contender
 * node) has been removed; `timeout: 0` tries once.
 *
 * @example
 * try {
 *   await lock.acquire({ timeout: 5_000 });
 * } catch (err) {
 *   if (err instanceof LockTimeoutError) console.log(`busy after ${err.timeout} ms`);
 * }
 */
export class LockTimeoutError extends ZooKeeperClientError {
  /**
   * Created by the recipes when a bounded wait runs out.
   *
   * @param timeout the bound that ran out, in ms
   * @param message defaults to `'gave up waiting after <timeout> ms'`
   * @param options `cause`: the error that led to this one
   */
  constructor(
    /** The bound that ran out, in ms. */
    readonly timeout: number,
    message = `gave up waiting after ${timeout} ms`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A holding (a lock, a lease, leadership) was lost while held: its session
 * expired, the client closed, its node was deleted by someone else, or the
 * connection stayed down for the session timeout. The work it protected must
 * stop; `holding` is the one lost.
 *
 * @example
 * lock.hold$().subscribe({ error: (err) => err instanceof LockLostError && stopWork(err.holding.fencingToken) });
 */
export class LockLostError extends ZooKeeperClientError {
  /** The holding that was lost (its `state` is LOST, its `signal` aborted). */
  declare readonly holding: Holding;

  /**
   * Created by the recipes when a holding turns LOST while held.
   *
   * @param holding the holding that was lost
   * @param message defaults to `'lost <node>'`
   * @param options `cause`: the error that led to this one (e.g. SessionExpiredError)
   */
  constructor(holding: Holding, message = `lost ${holding.node}`, options?: { cause?: unknown }) {
    super(message, options);
    // Not enumerable: util.inspect and console.error print the error — its message names the node — not the client,
    // session and subjects behind the holding (issue 18.4: a ~40-line dump when a client closed under whileHeld).
    Object.defineProperty(this, 'holding', { value: holding, enumerable: false, writable: false, configurable: true });
  }
}

/**
 * A recipe's write was sent, its reply was lost (the connection dropped, or the request timed out), and by the time
 * the client could look, the session it was sent on had ended: the write's receipt (an ephemeral node created in the
 * same transaction) went with it, so nothing can prove whether the write was applied. It may have been, or not — a
 * blind retry could apply it twice, a confirmation could report a write that never happened (issue 17). `cause` is
 * the lost reply's error (ConnectionLossError, OperationTimeoutError or a request TimeoutError); `path` is where the
 * receipt was made. What it means for each recipe is documented on the method that rejects with it (for instance
 * `Counter.add`: the delta is counted once or not at all).
 *
 * @example
 * try {
 *   await counter.add(1);
 * } catch (err) {
 *   if (err instanceof OutcomeUnknownError) console.warn('the add may or may not have counted', err.cause);
 * }
 */
export class OutcomeUnknownError extends ZooKeeperClientError {
  /**
   * Created by the recipes when a lost reply can no longer be proven applied or not.
   *
   * @param path where the write's receipt was made (the written node or one of its ancestors)
   * @param message defaults to `'the outcome of a write under <path> is unknown: its reply was lost and its session ended'`
   * @param options `cause`: the lost reply's error
   */
  constructor(
    /** Where the write's receipt was made: the written node, or one of its ancestors. */
    readonly path: string,
    message = `the outcome of a write under ${path} is unknown: its reply was lost and its session ended`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
