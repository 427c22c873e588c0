import { ClientClosedError, type ZooKeeperClient } from '../../index';
import { LockTimeoutError } from '../errors';
import { boundedCleanup, checkWaitOptions, within, type WaitOptions } from './wait';
import type { ConsumeLoop } from './consume-loop';

/**
 * Starts a consumer that gives what it takes to `deliver` (taking the next
 * once what that returns has settled) and tells `idle` when it found nothing to take.
 */
export type StartConsumer<T> = (deliver: (value: T) => void | Promise<void>, idle: () => void) => ConsumeLoop<T>;

/**
 * One entry, taken by a consumer of its own, within the caller's bounds
 * (kernel/wait's `within`): `timeout` (ms) bounds the whole wait and rejects
 * with LockTimeoutError (`0`: the entries there now are tried once), `signal`
 * aborts it with its reason. It ends at its bound whatever the consumer is
 * doing then (issue 17: a take waited 7–56 s past its timeout for the attempt
 * it had in flight): the consumer is stopped — it tries no further entry, and
 * one it was taking just then is handed back — and the rejection waits for that
 * within the clean-up bound only (at once when disconnected: the hand-back goes
 * on once the client is back). So a take that gave up consumes nothing, then or
 * later. A client closed meanwhile rejects with ClientClosedError.
 */
export function takeOnce<T>(zk: ZooKeeperClient, start: StartConsumer<T>, opts: unknown, what: string): Promise<T> {
  let wait: WaitOptions;
  try {
    wait = checkWaitOptions(opts, what);
  } catch (err) {
    return Promise.reject(err);
  }
  let loop: ConsumeLoop<T> | undefined;
  const taken = within(
    wait,
    ({ signal, once }) =>
      new Promise<T>((resolve, reject) => {
        const consumer = start(
          (value) => {
            resolve(value);
            void consumer.stop();
          },
          () => {
            if (once) reject(new LockTimeoutError(0, 'no entry to take: tried once'));
          },
        );
        loop = consumer;
        consumer.done.then(() => reject(new ClientClosedError('the client closed while waiting for an entry')), reject);
        // The wait is over (its bound, the caller's signal, or an entry taken): the consumer takes nothing more.
        signal.addEventListener('abort', () => void consumer.stop(), { once: true });
      }),
  );
  return taken.catch(async (err: unknown) => {
    if (loop !== undefined) await boundedCleanup(zk, loop.stop());
    throw err;
  });
}
