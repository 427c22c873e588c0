import { Stopper } from '../contender/stopper';
import type { WaitOptions } from '../kernel/wait';

/** What a bounded wait's body gets: the stopper its steps race, and whether it may only try once (`timeout: 0`). */
export interface Bounds {
  readonly stopper: Stopper;
  /** `timeout: 0`: decide on the first look, never wait (a timer of 0 ms would cut the first look short). */
  readonly once: boolean;
}

/**
 * Runs `body` within a wait's bounds: the timeout stops it with `onTimeout()`
 * (LockTimeoutError, or a barrier's `false`), the signal with its reason.
 * The timer and the abort listener go when the body settles, whichever way.
 */
export async function withinBounds<T>(wait: WaitOptions, onTimeout: () => unknown, body: (bounds: Bounds) => Promise<T>): Promise<T> {
  const { timeout, signal } = wait;
  if (signal?.aborted) throw signal.reason;
  const stopper = new Stopper();
  const onAbort = (): void => stopper.stop(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = timeout !== undefined && timeout > 0 ? setTimeout(() => stopper.stop(onTimeout()), timeout) : undefined;
  try {
    return await body({ stopper, once: timeout === 0 });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
