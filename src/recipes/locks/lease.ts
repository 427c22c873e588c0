import { InvalidArgumentError, RolledBackError, SessionExpiredError, joinPath, type Stat, type ZooKeeperClient } from '../../index';
import { LockLostError, LockTimeoutError, type OutcomeUnknownError } from '../errors';
import type { Holding } from '../holding';
import type { ReportedAs } from '../kernel/activity';
import { checkClient, identifierOption, optionsObject, recipePath } from '../kernel/arguments';
import { commitProven } from '../kernel/proof';
import { SAME_SESSION, retriedDone } from '../kernel/retry';
import { checkWaitOptions, deadlineOf, timeLeft, type WaitOptions } from '../kernel/wait';
import { readOrNull } from '../kernel/znodes';
import { LEASE_VERSION, decodeLease, encodeLease, formatEnd } from './lease-record';
import { Lock } from './lock';

/** Options of NonBlockingLease.obtain. */
export interface LeaseOptions {
  /** The holder's identifier: the same one renews the lease (default `<hostname>:<pid>`). */
  identifier?: string;
  /** kazoo's MultiNonBlockingLease: `count` leases, `<path>/0` … `<path>/<count-1>`, the first free one taken. */
  count?: number;
  /** Bounds the wait for the short-lived lock around the read and the write, in ms (LockTimeoutError; `0` tries once). */
  timeout?: number;
  /** Aborts that wait (rejecting with its reason); nothing is left behind. */
  signal?: AbortSignal;
}

/** The keys of {@link LeaseOptions}. */
const LEASE_OPTIONS: Record<keyof LeaseOptions, true> = { identifier: true, count: true, timeout: true, signal: true };

/** How many times a write that raced another writer is tried again before the lease counts as taken. */
const WRITE_TRIES = 3;

/**
 * A lease that never waits for its holder: kazoo's NonBlockingLease (and
 * MultiNonBlockingLease, with `count`), on kazoo's layout, so Python
 * services on kazoo and Node services on rxzk share leases on one path.
 *
 * `<path>/lease_holder` (persistent) holds kazoo's JSON,
 * `{"version": 1, "holder": "<identifier>", "end": "YYYY-MM-DDTHH:MM:SS"}`
 * (UTC, whole seconds), read and replaced under a kazoo Lock on `<path>`
 * (`<hex>__lock__<seq>`, which kazoo's NonBlockingLease takes too). The
 * lease is obtained when there is no holder, when the holder's end has
 * passed, or when the holder has the same identifier (a renewal, which
 * moves the end). As in kazoo, the ends are the clients' clocks: they must
 * be roughly in step. Nothing tells a holder when its lease ends: it is
 * over at `end`.
 *
 * @example
 * if (await NonBlockingLease.obtain(zk, '/db_leases/hourly_cleanup', 70 * 60_000, { identifier: 'cleanup on ' + hostname() })) {
 *   await doHourlyDatabaseCleanup();
 * }
 */
export class NonBlockingLease {
  private constructor() {}

  /**
   * Tries to obtain (or renew) the lease at `path` for `durationMs`: `true`
   * when obtained or renewed, `false` while another holder's lease has not
   * ended (or the record is in a format kazoo's version 1 does not know).
   * With `count`, tries `<path>/0`, `<path>/1`, … and is `true` at the
   * first one obtained. It waits only for the lock around the read and the
   * write (held for a moment by whoever is obtaining); `timeout` and `signal`
   * bound that wait as for a Lock. The write is one transaction that also
   * checks the lock node is still there, so it never lands after the lock
   * was lost (it rejects with LockLostError instead).
   *
   * A session that expires before the record is written only makes it start
   * over on the new session (the lock taken again), within the same
   * `timeout`. A write whose reply was lost is settled by its receipt (an
   * ephemeral `rxzk-receipt-<uuid>` in `<path>`, beside kazoo's lock nodes
   * and `lease_holder`, which kazoo's lock ignores; deleted right after):
   * `true` only when this call's record was written. When the session ended
   * before the receipt could be read it rejects with
   * {@link OutcomeUnknownError}: the record may or may not name this
   * identifier until the end it was writing; read it, or try again (a
   * renewal with the same identifier succeeds either way).
   *
   * @example
   * const mine = await NonBlockingLease.obtain(zk, '/leases/report', 60_000, { identifier: 'reporter-1', count: 2 });
   * if (!mine) console.log('two reporters are already running');
   */
  static async obtain(zk: ZooKeeperClient, path: string, durationMs: number, opts?: LeaseOptions): Promise<boolean> {
    checkClient(zk, 'NonBlockingLease');
    const base = recipePath(path);
    if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0 || formatEnd(Date.now() + durationMs) === null) {
      throw new InvalidArgumentError(`lease duration must be a number of ms from 0 up (ending by year 9999), not ${String(durationMs)}`);
    }
    const options = optionsObject(opts, 'NonBlockingLease', LEASE_OPTIONS);
    const identifier = identifierOption(options.identifier, 'NonBlockingLease');
    const { count } = options;
    if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1)) {
      throw new InvalidArgumentError(`lease count must be a positive integer, not ${String(count)}`);
    }
    const wait = checkWaitOptions({ timeout: options.timeout, signal: options.signal }, 'NonBlockingLease');
    const paths = count === undefined ? [base] : Array.from({ length: count }, (_, k) => joinPath(base, String(k)));
    for (const p of paths) if (await obtainOne(zk, p, durationMs, identifier, wait)) return true;
    return false;
  }
}

/** One kazoo NonBlockingLease._attempt_obtaining: ensure the path, take its lock, read, maybe replace. */
async function obtainOne(zk: ZooKeeperClient, path: string, durationMs: number, identifier: string, wait: WaitOptions): Promise<boolean> {
  // kazoo's ensure_path: persistent, so <path> stays when the lock node and the record come and go.
  await retriedDone(zk.ensurePath(path));
  const lock = new LeaseLock(zk, path, { identifier, layout: 'kazoo' });
  const deadline = deadlineOf(wait);
  for (;;) {
    // One bound for every try: a try that starts over after an expiry gets what is left of it (0: one more try).
    const timeout = timeLeft(deadline);
    try {
      return await lock.withLock((holding) => readAndReplace(zk, path, durationMs, identifier, holding), { timeout, signal: wait.signal });
    } catch (err) {
      // The lock was lost (or the session expired under a read) before anything of ours was written: start over.
      if (err instanceof LockLostError || err instanceof SessionExpiredError) {
        if (timeout === 0) throw new LockTimeoutError(wait.timeout ?? 0, undefined, { cause: err });
        continue;
      }
      throw err;
    }
  }
}

/** The lock kazoo's NonBlockingLease takes around its read and write: its waits and holds are reported as the lease's. */
class LeaseLock extends Lock {
  /** @internal */
  protected override reportedAs(): ReportedAs {
    return { recipe: 'NonBlockingLease', path: this.contendersParent };
  }
}

async function readAndReplace(zk: ZooKeeperClient, path: string, durationMs: number, identifier: string, holding: Holding): Promise<boolean> {
  const holderPath = joinPath(path, 'lease_holder');
  for (let tries = 1; ; tries++) {
    if (isLost(holding)) throw new LockLostError(holding);
    const now = Date.now();
    const current = await readRecord(zk, holderPath);
    if (current !== null) {
      const record = decodeLease(current.data);
      if (record === null || record.version !== LEASE_VERSION) return false;
      if (record.holder !== identifier && now < record.end) return false;
    }
    const end = formatEnd(now + durationMs) as string;
    // Read again right before the write: the read may have waited out a reconnect (state is checked when read).
    if (isLost(holding)) throw new LockLostError(holding);
    try {
      await commitProven(zk, path, (tx) => {
        tx.check(holding.node, -1);
        if (current !== null) tx.delete(holderPath, current.stat.version);
        return tx.create(holderPath, encodeLease(identifier, end));
      });
      return true;
    } catch (err) {
      // The lock node went (an expiry): nothing was written; whatever another holder wrote since is theirs.
      if (err instanceof RolledBackError && err.failedIndex === 0) throw new LockLostError(holding, undefined, { cause: err });
      // The record changed under a writer that skipped the lock: read again, a few times.
      if (err instanceof RolledBackError) {
        if (tries < WRITE_TRIES) continue;
        return false;
      }
      throw err;
    }
  }
}

function isLost(holding: Holding): boolean {
  return holding.state === 'LOST';
}

/** The record, or null; not read across an expiry: the lock's holding ends with the session, and the attempt starts over (obtainOne). */
function readRecord(zk: ZooKeeperClient, path: string): Promise<{ data: Buffer; stat: Stat } | null> {
  return readOrNull(zk, path, SAME_SESSION);
}
