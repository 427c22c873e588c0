import { InvalidArgumentError } from '../../index';
import { optionsObject } from '../kernel/arguments';

/**
 * When a provider stops handing out an instance that fails (Curator's
 * DownInstancePolicy): after `errorThreshold` errors noted within
 * `timeoutMs`, the instance is skipped for `timeoutMs`. Curator's defaults:
 * 30 s and 2 errors.
 *
 * @example
 * const provider = sd.provider('billing', { downInstancePolicy: { timeoutMs: 10_000, errorThreshold: 3 } });
 */
export interface DownInstancePolicy {
  /** The window errors are counted in, and how long a down instance is skipped, in ms (default 30000). */
  timeoutMs?: number;
  /** How many errors within the window make an instance down (default 2). */
  errorThreshold?: number;
}

/**
 * Which instance an error is noted against: its id, address and ports. Not the id alone: the members of a
 * DYNAMIC_SEQUENTIAL pool may share one id (each its own node `<id><seq>`), and one failing must not take the others
 * down; not the whole instance as Curator's ServiceInstance.equals has it: a re-registration is the same instance.
 */
export function downKey(instance: { id: string; address: string; port: number | null; sslPort: number | null }): string {
  return JSON.stringify([instance.id, instance.address, instance.port, instance.sslPort]);
}

/** Curator's DownInstancePolicy defaults (DEFAULT_TIMEOUT_MS, DEFAULT_THRESHOLD). */
export const DEFAULT_DOWN_TIMEOUT_MS = 30_000;
export const DEFAULT_ERROR_THRESHOLD = 2;

interface Errors {
  /** When the first error of this window was noted. */
  since: number;
  count: number;
  /** Skipped until then, once count reached the threshold. */
  downUntil: number;
}

/**
 * The errors noted against each instance (Curator's DownInstanceManager),
 * keyed by {@link downKey} rather than by the whole instance, so that a
 * re-registration of the same instance after an expiry is still the instance
 * that failed. Unlike Curator's, which purges every timeout/2 and so may skip an
 * instance for up to 1.5 × timeout, the skip lasts exactly `timeoutMs` from
 * the error that crossed the threshold.
 */
export class DownInstances {
  private readonly errors = new Map<string, Errors>();
  private readonly timeoutMs: number;
  private readonly threshold: number;

  constructor(
    policy: DownInstancePolicy = {},
    private readonly now: () => number = Date.now,
  ) {
    this.timeoutMs = policy.timeoutMs ?? DEFAULT_DOWN_TIMEOUT_MS;
    this.threshold = policy.errorThreshold ?? DEFAULT_ERROR_THRESHOLD;
  }

  note(id: string): void {
    const now = this.now();
    this.purge(now);
    const errors = this.errors.get(id) ?? { since: now, count: 0, downUntil: 0 };
    errors.count += 1;
    if (errors.count >= this.threshold) errors.downUntil = now + this.timeoutMs;
    this.errors.set(id, errors);
  }

  isDown(id: string): boolean {
    const now = this.now();
    this.purge(now);
    return (this.errors.get(id)?.downUntil ?? 0) > now;
  }

  /** Forgets windows that ran out without reaching the threshold, and skips that are over. */
  private purge(now: number): void {
    for (const [id, e] of this.errors) {
      if (now - e.since >= this.timeoutMs && e.downUntil <= now) this.errors.delete(id);
    }
  }
}

/** The keys of {@link DownInstancePolicy}. */
const DOWN_POLICY_OPTIONS: Record<keyof DownInstancePolicy, true> = { timeoutMs: true, errorThreshold: true };

/** A provider's downInstancePolicy option as a JavaScript caller may give it. */
export function checkDownPolicy(value: unknown): DownInstancePolicy {
  const { timeoutMs, errorThreshold } = optionsObject(value, 'downInstancePolicy', DOWN_POLICY_OPTIONS);
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0)) {
    throw new InvalidArgumentError(`downInstancePolicy.timeoutMs must be a number of ms >= 0, not ${String(timeoutMs)}`);
  }
  if (errorThreshold !== undefined && (typeof errorThreshold !== 'number' || !Number.isInteger(errorThreshold) || errorThreshold < 1)) {
    throw new InvalidArgumentError(`downInstancePolicy.errorThreshold must be an integer >= 1, not ${String(errorThreshold)}`);
  }
  return { timeoutMs, errorThreshold };
}
