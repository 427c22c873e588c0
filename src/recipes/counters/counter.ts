import { distinctUntilChanged, map, type Observable } from 'rxjs';
import type { ZooKeeperClient } from '../../index';
import { checkClient, optionsObject, recipePath } from '../kernel/arguments';
import type { OutcomeUnknownError } from '../errors';
import { compareAndWrite } from './compare-and-write';
import { addValues, checkFormat, decodeValue, encodeValue, toCounterValue, type CounterFormat, type CounterValue } from './format';
import { readOrNull } from '../kernel/znodes';

/** Options of a Counter. */
export interface CounterOptions {
  /** The value of a missing or empty node (default 0): kazoo's `default`. A bigint or a safe integer for `'int64'`. */
  initial?: number | bigint;
  /** How the value is stored (default `'text'`, kazoo's Counter); see {@link CounterFormat}. */
  format?: CounterFormat;
}

/** The keys of {@link CounterOptions}. */
const COUNTER_OPTIONS: Record<keyof CounterOptions, true> = { initial: true, format: true };

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
  }

  /**
   * Adds `delta` (negative to subtract) and gives the value before and after, as one compare-and-set
   * retried on BadVersion. A missing node is created with `initial + delta`. Rejects with
   * InvalidArgumentError for a delta outside the format (an integer for `'int32'`, a bigint or a safe
   * integer for `'int64'`) or a sum outside its range, and with CounterDataError when the node holds
   * something else.
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
    for (;;) {
      const node = await readOrNull(this.zk, this.path);
      const before = node === null ? this.initial : decodeValue(this.format, node.data, this.initial, this.path);
      const after = addValues(this.format, before, d);
      const outcome = await compareAndWrite(this.zk, this.path, encodeValue(this.format, after), node === null ? null : node.stat.version);
      if (outcome === 'APPLIED') return { before, after };
      // CHANGED or MISSING: someone else wrote (or deleted) since the read: read again.
    }
  }

  /**
   * The current value (`initial` when the node is missing or empty); retried across dropped connections.
   *
   * @example
   * console.log(await counter.value());
   */
  async value(): Promise<CounterValue> {
    const node = await readOrNull(this.zk, this.path);
    return node === null ? this.initial : decodeValue(this.format, node.data, this.initial, this.path);
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
}
