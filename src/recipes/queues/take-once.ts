import { ClientClosedError } from '../../index';
import { LockTimeoutError } from '../errors';
import { checkWaitOptions } from '../kernel/wait';
import type { ConsumeLoop } from './consume-loop';

/**
 * Starts a consumer that gives what it takes to `deliver` (taking the next
 * once what that returns has settled) and tells `idle` when it found nothing to take.
 */
export type StartConsumer<T> = (deliver: (value: T) => void | Promise<void>, idle: () => void) => ConsumeLoop<T>;

/**
 * One entry, taken by a consumer of its own, within the caller's bounds:
 * `timeout` (ms) bounds the whole wait and rejects with LockTimeoutError
 * (`0`: the entries there now are tried once), `signal` aborts it with its
 * reason. Either way the consumer is stopped first and an entry it was
 * taking just then is handed back before the rejection, so a take that gave
 * up consumes nothing, then or later. A client closed meanwhile rejects with
 * ClientClosedError.
 */
export function takeOnce<T>(start: StartConsumer<T>, opts: unknown, what: string): Promise<T> {
  let timeout: number | undefined;
  let signal: AbortSignal | undefined;
  try {
    ({ timeout, signal } = checkWaitOptions(opts, what));
  } catch (err) {
    return Promise.reject(err);
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const giveUp = (reason: unknown): void => {
      if (!finish()) return;
      void loop.stop().then(() => reject(reason));
    };
    const onAbort = (): void => giveUp(signal?.reason);
    const loop = start(
      (value) => {
        if (!finish()) return;
        resolve(value);
        void loop.stop();
      },
      () => {
        if (timeout === 0) giveUp(new LockTimeoutError(0, 'no entry to take: tried once'));
      },
    );
    loop.done.then(
      () => finish() && reject(new ClientClosedError('the client closed while waiting for an entry')),
      (err: unknown) => finish() && reject(err),
    );
    if (settled) return;
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeout !== undefined && timeout > 0) timer = setTimeout(() => giveUp(new LockTimeoutError(timeout)), timeout);
  });
}
