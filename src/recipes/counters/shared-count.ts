import { map, type Observable } from 'rxjs';
import type { ZooKeeperClient } from '../../index';
import { checkClient, recipePath } from '../kernel/arguments';
import type { OutcomeUnknownError } from '../errors';
import { decodeValue, encodeValue, toCounterValue } from './format';
import { SharedValue, checkVersion } from './shared-value';

/** A SharedCount's value with the node's dataVersion, for `trySetCount` (Curator's VersionedValue<Integer>). */
export interface VersionedCount {
  /** The count: a signed 32-bit integer. */
  value: number;
  /** The node's dataVersion when the count was read: pass it to `trySetCount` (negative after 2^31 - 1 sets). */
  version: number;
}

/**
 * Curator's SharedCount: an int32 (4 bytes big-endian) in one persistent node under container parents,
 * created with `seed` when missing, that every participant reads and sets; `trySetCount` sets it only
 * if no one has since the version read. Java services with Curator's SharedCount and Python ones with
 * kazoo's `Counter(support_curator=True)` share it.
 *
 * @example
 * const limit = new SharedCount(zk, '/counters/limit', 10);
 * limit.count$().subscribe(({ value }) => pool.resize(value));
 * const { value, version } = await limit.count();
 * if (!(await limit.trySetCount(value + 1, version))) console.log('someone else changed it first');
 */
export class SharedCount {
  private readonly path: string;
  private readonly seed: number;
  /** The node's bytes: a SharedCount is a SharedValue holding Curator's 4-byte int (as Curator builds it). */
  private readonly shared: SharedValue;

  /**
   * Throws InvalidPathError for a bad path and InvalidArgumentError for a seed that is not a signed
   * 32-bit integer; nothing is sent until a method is called.
   *
   * @example
   * const count = new SharedCount(zk, '/counters/workers', 0);
   */
  constructor(
    zk: ZooKeeperClient,
    path: string,
    seed: number,
  ) {
    checkClient(zk, 'SharedCount');
    this.path = recipePath(path);
    this.seed = toCounterValue('int32', seed, 'seed') as number;
    this.shared = new SharedValue(zk, this.path, encodeValue('int32', this.seed));
  }

  /**
   * The count and its version now, then after each change (Curator's SharedCountListener), on one
   * data watch re-armed across reconnects and expiries. The node is created with the seed first if it
   * is missing, and again if it is deleted while followed. Errors with CounterDataError when the node
   * holds something other than 4 bytes; completes when the client closes.
   *
   * @example
   * shared.count$().subscribe(({ value, version }) => console.log(`count ${value} (v${version})`));
   */
  count$(): Observable<VersionedCount> {
    return this.shared.value$().pipe(map(({ value, version }) => this.decode(value, version)));
  }

  /**
   * The count and its version now (the node created with the seed first if missing).
   *
   * @example
   * const { value, version } = await shared.count();
   */
  async count(): Promise<VersionedCount> {
    const { value, version } = await this.shared.value();
    return this.decode(value, version);
  }

  /**
   * Sets the count to `value` if the node is still at `version` (the one `count$()` or `count()`
   * gave): true when set, false when someone else set it since (BadVersion). Versions are signed 32-bit
   * integers, negative after 2^31 - 1 sets (CURATOR-688, where Curator's SharedCount froze). A missing
   * node is first created with the seed. Rejects with InvalidArgumentError for a value or version that
   * is not a signed 32-bit integer.
   *
   * `true` means this call's set was applied: a set whose reply was lost is confirmed only by its receipt
   * (an ephemeral child of the count's node, made in the same transaction and deleted right after),
   * never because the node holds `value` one version on (another client may have set the same value).
   * When the session ended before the receipt could be read it rejects with {@link OutcomeUnknownError}:
   * the set happened or not, and the count's `count$()` tells what it is now.
   *
   * @example
   * const { value, version } = await shared.count();
   * const won = await shared.trySetCount(value * 2, version);
   */
  async trySetCount(value: number, version: number): Promise<boolean> {
    const data = encodeValue('int32', toCounterValue('int32', value, 'value'));
    return this.shared.trySet(data, checkVersion(version));
  }

  /**
   * Sets the count to `value` whatever it is (Curator's setCount); a missing node is created with it.
   * Goes on across dropped connections and expiries; a set whose reply was lost is confirmed by its
   * receipt, or sent again when the receipt proves it was not applied — never sent twice blindly, which
   * could undo another client's later set. When the session ended before the receipt could be read it
   * rejects with {@link OutcomeUnknownError}: `value` was set once or not at all.
   *
   * @example
   * await shared.setCount(0);
   */
  async setCount(value: number): Promise<void> {
    await this.shared.set(encodeValue('int32', toCounterValue('int32', value, 'value')));
  }

  private decode(value: Buffer, version: number): VersionedCount {
    return { value: decodeValue('int32', value, this.seed, this.path) as number, version };
  }
}
