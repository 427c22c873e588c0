import { InvalidArgumentError, type ZooKeeperClient } from '../../index';
import { nullIfTimedOut } from '../kernel/wait';
import { optionsObject, recipePath } from '../kernel/arguments';
import { readOrNull } from '../kernel/znodes';
import { Lock } from '../locks/lock';
import { compareAndWrite } from './compare-and-write';

/**
 * Curator's PromotedToLock: after `afterTries` optimistic compare-and-sets lost to other writers, the update goes on
 * under an InterProcessMutex at `lockPath` (rxzk's Lock, which Curator's InterProcessMutex excludes and back), so
 * that writers who keep losing the race queue up instead of spinning.
 */
export interface PromotedToLock {
  /** The lock's path: Curator's `PromotedToLock.builder().lockPath(…)`; the same one for every participant. */
  lockPath: string;
  /** Optimistic tries before taking the lock (default 3, the default's optimistic tries without promotion too). */
  afterTries?: number;
  /** The longest wait for the lock, in ms (Curator's `timeout(…)`; default: no bound). */
  timeout?: number;
}

/** The keys of {@link PromotedToLock}. */
const PROMOTED_OPTIONS: Record<keyof PromotedToLock, true> = { lockPath: true, afterTries: true, timeout: true };

/** Optimistic tries when nothing says otherwise (as a Curator DistributedAtomicValue with RetryNTimes(2)). */
export const DEFAULT_TRIES = 3;

/** How an atomic update tries: optimistic tries, then (with a lock) more under it. */
export interface AtomicPolicy {
  /** Optimistic compare-and-set tries before giving up or taking the lock. */
  readonly tries: number;
  /** The promotion's lock and its wait bound, or null. */
  readonly promotion: { readonly lock: Lock; readonly timeout: number | undefined } | null;
}

/** Checks a `promotedToLock` option as a JavaScript caller may give it (`what` names the recipe). */
export function atomicPolicy(zk: ZooKeeperClient, promoted: unknown, what: string): AtomicPolicy {
  if (promoted === undefined) return { tries: DEFAULT_TRIES, promotion: null };
  const { lockPath, afterTries, timeout } = optionsObject(promoted, `${what} promotedToLock`, PROMOTED_OPTIONS);
  if (lockPath === undefined) throw new InvalidArgumentError(`${what} promotedToLock needs a lockPath`);
  const path = recipePath(lockPath);
  if (afterTries !== undefined && (typeof afterTries !== 'number' || !Number.isInteger(afterTries) || afterTries < 0 || afterTries > 1_000_000)) {
    throw new InvalidArgumentError(`${what} promotedToLock afterTries must be an integer from 0 to 1000000, not ${String(afterTries)}`);
  }
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0 || timeout > 0x7fffffff)) {
    throw new InvalidArgumentError(`${what} promotedToLock timeout must be a number of ms from 0 to ${0x7fffffff}, not ${String(timeout)}`);
  }
  return { tries: afterTries ?? DEFAULT_TRIES, promotion: { lock: new Lock(zk, path), timeout } };
}

/**
 * How an AtomicValue's `trySet` ended (Curator's AtomicValue<byte[]>).
 *
 * @example
 * const { succeeded, preValue, postValue } = await atomic.trySet('green');
 * if (succeeded) console.log(`${preValue?.toString() ?? '(none)'} -> ${postValue?.toString()}`);
 */
export interface AtomicValueResult {
  /** Whether the value was written; false changed nothing (the tries lost to other writers, or the lock was not taken in time). */
  succeeded: boolean;
  /** The data the last try found (null: no node). */
  preValue: Buffer | null;
  /** The data written; on failure `preValue`, nothing having changed. */
  postValue: Buffer | null;
}

/** One try: read the node, make the new data from what it holds, compare-and-set it at the version read. */
async function tryOnce(zk: ZooKeeperClient, path: string, make: (before: Buffer | null) => Buffer): Promise<AtomicValueResult> {
  const node = await readOrNull(zk, path);
  const preValue = node === null ? null : node.data;
  const postValue = make(preValue);
  // A missing node is created (parents as containers), as Curator's tryOnce does; a lost reply is settled by its receipt.
  const outcome = await compareAndWrite(zk, path, postValue, node === null ? null : node.stat.version);
  return outcome === 'APPLIED' ? { succeeded: true, preValue, postValue } : { succeeded: false, preValue, postValue: preValue };
}

/**
 * Curator's DistributedAtomicValue.trySet(MakeValue): `policy.tries` optimistic compare-and-sets, then, with a
 * promotion, the lock (within its timeout) and compare-and-sets under it until one is applied — others still in their
 * optimistic tries may win a few, but each of them comes to the lock after its own tries. Every write is a
 * compare-and-set at the version read, the lock only a way to stop spinning, so the value is exact whoever writes
 * (Curator's DistributedAtomicLong with or without promotion, rxzk's Counter).
 *
 * With `untilDone` (Counter.add and its kin) it does not give up: when the tries run out and the lock could not be
 * taken in time, it starts over. Without it (trySet), it gives `succeeded: false` then.
 */
export async function atomicUpdate(
  zk: ZooKeeperClient,
  path: string,
  make: (before: Buffer | null) => Buffer,
  policy: AtomicPolicy,
  untilDone: boolean,
): Promise<AtomicValueResult> {
  for (;;) {
    let last: AtomicValueResult | null = null;
    for (let i = 0; i < policy.tries; i++) {
      last = await tryOnce(zk, path, make);
      if (last.succeeded) return last;
    }
    const promotion = policy.promotion;
    if (promotion !== null) {
      const under = await underLock(promotion, () => tryOnce(zk, path, make));
      if (under !== null) return under;
    }
    if (!untilDone) return last ?? (await tryOnce(zk, path, make));
  }
}

/** Tries under the lock until one try is applied; null when the lock was not taken within its timeout. */
async function underLock(promotion: NonNullable<AtomicPolicy['promotion']>, attempt: () => Promise<AtomicValueResult>): Promise<AtomicValueResult | null> {
  const holding = await nullIfTimedOut(promotion.lock.acquire(promotion.timeout === undefined ? undefined : { timeout: promotion.timeout }));
  if (holding === null) return null;
  try {
    for (;;) {
      const result = await attempt();
      if (result.succeeded) return result;
    }
  } finally {
    await holding.release();
  }
}
