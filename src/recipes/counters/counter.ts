import { distinctUntilChanged, map, type Observable } from 'rxjs';
import type { ZooKeeperClient } from '../../index';
import { checkClient, optionsObject, recipePath } from '../kernel/arguments';
import type { OutcomeUnknownError } from '../errors';
import { atomicPolicy, atomicUpdate, type AtomicPolicy, type PromotedToLock } from './atomic-update';
import { compareAndWrite } from './compare-and-write';
import { addValues, checkFormat, decodeValue, encodeValue, toCounterValue, type CounterFormat, type CounterValue } from './format';
import { readOrNull } from '../kernel/znodes';

/** Options of a Counter. */
export interface CounterOptions {
  /** The value of a missing or empty node (default 0): kazoo's `default`. A bigint or a safe integer for `'int64'`. */
  initial?: number | bigint;
  /** How the value is stored (default `'text'`, kazoo's Counter); see {@link CounterFormat}. */
  format?: CounterFormat;
  /**
   * Curator's PromotedToLock (as a DistributedAtomicLong or DistributedAtomicInteger built with one): after
   * `afterTries` compare-and-sets lost to other writers (default 3), an update goes on under a lock at `lockPath`
   * (shared with Curator's InterProcessMutex) instead of spinning. Without it, `add` retries for as long as it takes
   * and `trySet` gives up after 3 tries.
   */
  promotedToLock?: PromotedToLock;
}

/** The keys of {@link CounterOptions}. */
const COUNTER_OPTIONS: Record<keyof CounterOptions, true> = { initial: true, format: true, promotedToLock: true };

/**
 * What `trySet` did (Curator's AtomicValue<Long>).
 *
 * @example
 * const { succeeded, preValue } = await counter.trySet(0n);
 * if (!succeeded) console.log('lost the race; it holds', preValue);
 */
export interface CounterTrySet {
  /** Whether the value was written; false changed nothing (the tries lost to other writers, or the promotion's lock was not taken in time). */
  succeeded: boolean;
  /** The value the last try found (`initial` for a missing or empty node). */
  preValue: CounterValue;
  /** The value written; on failure `preValue`. */
  postValue: CounterValue;
}

/** What one `add()` did: the value it found and the value it wrote (kazoo's `pre_value` / `post_value`). */
export interface CounterChange {
  /** The value the compare-and-set found (`initial` for a missing or empty node). */
  before: CounterValue;
  /** The value it wrote: `before + delta`. */
  after: CounterValue;
}

/**
 * A shared counter in one persistent node (under container parents), changed by compare-and-set: read
 * the value and its version, write the sum at that version, and on BadVersion (someone else wrote first)
 * read again, so that concurrent `add()`s from any number of clients all count. The node's format is
 * kazoo's Counter (`'text'`), Curator's SharedCount / kazoo's `support_curator` (`'int32'`) or Curator's
 * DistributedAtomicLong (`'int64'`, bigint values), so Python and Java services count on the same node.
 *
 * @example
 * const jobs = new Counter(zk, '/counters/jobs');
 * const { before, after } = await jobs.add(1);
 * console.log(`job #${after} (was ${before})`);
 * jobs.value$().subscribe((n) => console.log('jobs so far', n));
 */
export class Counter {
  private readonly path: string;
  private readonly format: CounterFormat;
  private readonly initial: CounterValue;
  private readonly policy: AtomicPolicy;

  /**
   * Throws InvalidPathError for a bad path and InvalidArgumentError for an unknown format or an initial
   * value outside it; nothing is sent until a method is called.
   *
   * @example
   * const hits = new Counter(zk, '/counters/hits', { format: 'int64', initial: 0n });
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
    opts?: CounterOptions,
  ) {
    checkClient(zk, 'Counter');
    this.path = recipePath(path);
    const options = optionsObject(opts, 'Counter', COUNTER_OPTIONS);
    this.format = checkFormat(options.format);
    this.initial = toCounterValue(this.format, options.initial ?? 0, 'initial');
    this.policy = atomicPolicy(zk, options.promotedToLock, 'Counter');
  }

  /**
   * Adds `delta` (negative to subtract) and gives the value before and after, as one compare-and-set
   * retried on BadVersion. A missing node is created with `initial + delta`. Rejects with
   * InvalidArgumentError for a delta outside the format (an integer for `'int32'`, a bigint or a safe
   * integer for `'int64'`) or a sum outside its range, and with CounterDataError when the node holds
   * something else.
   *
   * With `promotedToLock`, after `afterTries` compare-and-sets lost to other writers it goes on under the lock
   * (every write still a compare-and-set, so writers that do not take the lock stay exact too).
   *
   * Goes on across dropped connections and expiries. A resolved add was applied exactly once, by this
   * call: a write whose reply was lost is confirmed only by its receipt, an ephemeral child of the
   * counter's node made in the same transaction (deleted right after; no kazoo or Curator reader lists a
   * counter's children), and sent again when the receipt proves it was not applied. Only when the session
   * ended before the receipt could be read does it reject with {@link OutcomeUnknownError} (its `cause`
   * the lost reply's error): the delta was then counted once or not at all — never twice — and the caller
   * decides (read the value, or count the add as unknown).
   *
   * @example
   * const { after } = await counter.add(-1);
   */
  async add(delta: number | bigint): Promise<CounterChange> {
    const d = toCounterValue(this.format, delta, 'delta');
    const { preValue, postValue } = await atomicUpdate(this.zk, this.path, (data) => encodeValue(this.format, addValues(this.format, this.decode(data), d)), this.policy, true);
    return { before: this.decode(preValue), after: this.decode(postValue) };
  }

  /**
   * Adds 1, as `add(1)` (Curator's DistributedAtomicLong `increment()`, retried until it counts).
   *
   * @example
   * const { after } = await counter.increment();
   */
  increment(): Promise<CounterChange> {
    return this.add(this.format === 'int64' ? 1n : 1);
  }

  /**
   * Subtracts 1, as `add(-1)` (Curator's `decrement()`, retried until it counts).
   *
   * @example
   * const { after } = await counter.decrement();
   */
  decrement(): Promise<CounterChange> {
    return this.add(this.format === 'int64' ? -1n : -1);
  }

  /**
   * Sets `value` if the counter holds `expected` now, in one compare-and-set at the version read (Curator's
   * `compareAndSet`): true when set; false when it holds another value, when another write came between the read and
   * the set, or when the node is missing (none is made, as Curator's). An empty node holds `initial`. A lost reply is
   * settled by its receipt (OutcomeUnknownError when the session ended first).
   *
   * @example
   * if (await counter.compareAndSet(0n, 100n)) console.log('initialised');
   */
  async compareAndSet(expected: number | bigint, value: number | bigint): Promise<boolean> {
    const want = toCounterValue(this.format, expected, 'expected');
    const data = encodeValue(this.format, toCounterValue(this.format, value, 'value'));
    const node = await readOrNull(this.zk, this.path);
    if (node === null || decodeValue(this.format, node.data, this.initial, this.path) !== want) return false;
    return (await compareAndWrite(this.zk, this.path, data, node.stat.version)) === 'APPLIED';
  }

  /**
   * Sets `value` whatever the counter holds, by compare-and-set (a missing node is created): 3 optimistic tries (or
   * `afterTries`), then with `promotedToLock` tries under the lock until one is applied (Curator's `trySet`).
   *
   * @example
   * const { succeeded, preValue } = await counter.trySet(0n);
   */
  async trySet(value: number | bigint): Promise<CounterTrySet> {
    const data = encodeValue(this.format, toCounterValue(this.format, value, 'value'));
    const { succeeded, preValue, postValue } = await atomicUpdate(this.zk, this.path, () => data, this.policy, false);
    return { succeeded, preValue: this.decode(preValue), postValue: this.decode(postValue) };
  }

  /**
   * The current value (`initial` when the node is missing or empty); retried across dropped connections.
   *
   * @example
   * console.log(await counter.value());
   */
  async value(): Promise<CounterValue> {
    return this.decode((await readOrNull(this.zk, this.path))?.data ?? null);
  }

  /**
   * The value now, then each time it changes (one data watch, shared with every other reader of the
   * node, re-armed across reconnects and expiries); `initial` while the node is missing. Errors with
   * CounterDataError when the node holds something else; completes when the client closes.
   *
   * @example
   * counter.value$().subscribe((n) => gauge.set(Number(n)));
   */
  value$(): Observable<CounterValue> {
    return this.zk.watchData$(this.path).pipe(
      map((node) => (node === null ? this.initial : decodeValue(this.format, node.data, this.initial, this.path))),
      distinctUntilChanged(),
    );
  }

  /** The value data holds (`initial` for a missing or empty node). */
  private decode(data: Buffer | null): CounterValue {
    return data === null ? this.initial : decodeValue(this.format, data, this.initial, this.path);
  }
}
