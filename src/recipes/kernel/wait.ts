import { InvalidArgumentError } from '../../index';
import { optionsObject } from './arguments';

/**
 * The bounds of a recipe's wait: `timeout` in ms (0: try once), `signal` to abort it (it rejects with `signal.reason`).
 * Either way, whatever the wait had put on the server (its contender node) is removed before it rejects.
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
  return { timeout, signal: signal as AbortSignal | undefined };
}

function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<AbortSignal>;
  return typeof s.aborted === 'boolean' && typeof s.addEventListener === 'function' && typeof s.removeEventListener === 'function';
}
