import { MAX_TIMER_MS, toBoolean, toNumberIn, toOptions, toPositiveMs } from '../common/arguments';

/**
 * How to space out repeated attempts (kazoo's KazooRetry, with times in ms).
 * - `maxTries`: retries after the first attempt; -1 for no limit.
 * - `delay`: the first wait; each later wait is the previous one times `backoff`, capped at `maxDelay`.
 * - `maxJitter`: each wait is multiplied by a random factor in [1 - maxJitter, 1 + maxJitter] (0..1).
 * - `deadline`: give up once a wait would end this many ms after the first attempt.
 * - `retryOnExpired`: `withRetry` also retries on SessionExpiredError.
 *
 * Defaults for `withRetry` (kazoo's): 1 retry, 100 ms doubling, ±40% jitter, at most 60 s, no deadline.
 * Defaults for the client's `retry` option (reconnection): the same, but retrying forever and at most 2 s apart.
 *
 * @example
 * zk.get('/app/config').pipe(withRetry({ maxTries: 5, delay: 200, maxDelay: 2000, deadline: 10_000 })).subscribe();
 * createClient({ hosts, retry: { delay: 500, maxDelay: 5000 } }); // reconnection passes 500 ms apart, doubling up to 5 s
 */
export interface RetryPolicy {
  /** Retries after the first attempt; -1 for no limit. */
  maxTries?: number;
  /** The first wait, in ms. */
  delay?: number;
  /** Each wait is the previous one times this factor. */
  backoff?: number;
  /** Each wait is multiplied by a random factor in [1 - maxJitter, 1 + maxJitter]; 0..1. */
  maxJitter?: number;
  /** The longest wait, in ms. */
  maxDelay?: number;
  /** Give up once a wait would end this many ms after the first attempt (default: no deadline). */
  deadline?: number;
  /** Whether `withRetry` also retries on SessionExpiredError (default true). */
  retryOnExpired?: boolean;
}

export type ResolvedRetryPolicy = Required<Omit<RetryPolicy, 'deadline'>> & { deadline: number | undefined };

/** kazoo's KazooRetry defaults, in ms. */
export const DEFAULT_RETRY_POLICY: ResolvedRetryPolicy = {
  maxTries: 1,
  delay: 100,
  backoff: 2,
  maxJitter: 0.4,
  maxDelay: 60_000,
  deadline: undefined,
  retryOnExpired: true,
};

/**
 * The waits of one run of attempts. `next()` gives the wait before the next
 * attempt, or `null` when tries or the deadline are used up.
 */
export class Backoff {
  private tries = 0;
  private current: number;
  private readonly startedAt: number;

  constructor(
    private readonly policy: ResolvedRetryPolicy,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {
    this.current = policy.delay;
    this.startedAt = now();
  }

  next(): number | null {
    const { maxTries, maxJitter, backoff, maxDelay, deadline } = this.policy;
    if (maxTries >= 0 && this.tries >= maxTries) return null;
    this.tries++;
    const jitter = 1 - maxJitter + this.random() * 2 * maxJitter;
    const wait = Math.min(this.current * jitter, maxDelay);
    if (deadline !== undefined && this.now() + wait - this.startedAt >= deadline) return null;
    this.current = Math.min(wait * backoff, maxDelay);
    return wait;
  }

  reset(): void {
    this.tries = 0;
    this.current = this.policy.delay;
  }
}

/**
 * Checks a policy a JavaScript caller may get wrong and fills it with defaults
 * (`base` for the reconnection policy). A wrong type or an out-of-range value
 * throws InvalidArgumentError here: `delay: -5`, `'x'` or `NaN` must not turn
 * into reconnecting every millisecond later.
 */
export function resolveRetryPolicy(policy: RetryPolicy | undefined, base: ResolvedRetryPolicy = DEFAULT_RETRY_POLICY, what = 'retry'): ResolvedRetryPolicy {
  const p = toOptions(policy, what);
  const deadline = p.deadline === undefined ? base.deadline : toPositiveMs(p.deadline, `${what}.deadline`);
  return {
    maxTries: toNumberIn(p.maxTries, `${what}.maxTries`, { min: -1, max: Number.MAX_SAFE_INTEGER, integer: true }, base.maxTries),
    delay: toNumberIn(p.delay, `${what}.delay`, { min: 0, max: MAX_TIMER_MS }, base.delay),
    backoff: toNumberIn(p.backoff, `${what}.backoff`, { min: 1, max: Number.MAX_SAFE_INTEGER }, base.backoff),
    maxJitter: toNumberIn(p.maxJitter, `${what}.maxJitter`, { min: 0, max: 1 }, base.maxJitter),
    maxDelay: toNumberIn(p.maxDelay, `${what}.maxDelay`, { min: 0, max: MAX_TIMER_MS }, base.maxDelay),
    deadline,
    retryOnExpired: toBoolean(p.retryOnExpired, `${what}.retryOnExpired`, base.retryOnExpired),
  };
}

/** How reconnection backs off by default: forever, 100 ms doubling to 2 s, ±40% jitter. */
export const DEFAULT_RECONNECT_POLICY: ResolvedRetryPolicy = {
  ...DEFAULT_RETRY_POLICY,
  maxTries: -1,
  maxDelay: 2_000,
};
