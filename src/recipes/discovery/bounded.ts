import { LockTimeoutError } from '../errors';
import type { WaitOptions } from '../kernel/wait';

/**
 * `work` bounded by a wait's options: LockTimeoutError once `timeout` ms
 * have passed, the signal's reason once it aborts (the caller takes back
 * what the wait left on the server). The timer and the abort listener are
 * gone once it settles.
 */
export function bounded<T>(work: Promise<T>, opts: WaitOptions): Promise<T> {
  const { timeout, signal } = opts;
  if (timeout === undefined && signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const giveUp = (reason: unknown): void => {
      if (finish()) reject(reason);
    };
    const onAbort = (): void => giveUp(signal!.reason);
    if (signal?.aborted) {
      giveUp(signal.reason);
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeout !== undefined) timer = setTimeout(() => giveUp(new LockTimeoutError(timeout)), timeout);
    work.then(
      (value) => finish() && resolve(value),
      (err: unknown) => finish() && reject(err),
    );
  });
}
