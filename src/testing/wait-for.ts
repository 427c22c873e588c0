/**
 * Options of `waitFor`.
 *
 * @example
 * await waitFor(() => latch.participants().then((ps) => ps.length === 3), { timeout: 20_000, interval: 200, description: 'three participants' });
 */
export interface WaitForOptions {
  /** Give up after this many ms (default 10000). */
  timeout?: number;
  /** Pause between tries in ms (default 100). */
  interval?: number;
  /** Named in the timeout error, e.g. 'a leader'. */
  description?: string;
}

/**
 * Calls `probe` until it returns a value other than `undefined`, `null` or
 * `false`, and resolves with that value. A probe that throws counts as "not
 * yet" (a server still starting refuses connections); the last error becomes
 * the timeout error's `cause`.
 *
 * @example
 * const leader = await waitFor(async () => (await member.mode()) === 'leader' || undefined, { timeout: 5000 });
 */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitForOptions = {},
): Promise<T> {
  const timeout = options.timeout ?? 10000;
  const interval = options.interval ?? 100;
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const what = options.description ?? 'the condition';
      throw new Error(`timed out after ${timeout} ms waiting for ${what}`, lastError === undefined ? undefined : { cause: lastError });
    }
    await delay(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
