import type { Data, ZooKeeperClient } from '../../index';
import { checkClient, optionsObject, recipePath, toBuffer } from '../kernel/arguments';
import type { OutcomeUnknownError } from '../errors';
import { readOrNull } from '../kernel/znodes';
import { atomicPolicy, atomicUpdate, type AtomicPolicy, type AtomicValueResult, type PromotedToLock } from './atomic-update';
import { compareAndWrite } from './compare-and-write';

/** Options of an AtomicValue (and of a Counter's atomic operations). */
export interface AtomicValueOptions {
  /** Curator's PromotedToLock: after the optimistic tries, go on under a lock rather than give up. */
  promotedToLock?: PromotedToLock;
}

/** The keys of {@link AtomicValueOptions}. */
const ATOMIC_VALUE_OPTIONS: Record<keyof AtomicValueOptions, true> = { promotedToLock: true };

/**
 * Curator's DistributedAtomicValue: bytes in one persistent node (under container parents), changed only by
 * compare-and-set at the version read — optimistic first (3 tries), then, with `promotedToLock`, under a lock at
 * `lockPath` that Curator's InterProcessMutex shares. A Java service with a DistributedAtomicValue (or, for 8-byte
 * numbers, a DistributedAtomicLong: see Counter's `'int64'` format) on the same path and lock path shares it.
 *
 * @example
 * const leader = new AtomicValue(zk, '/atomic/leader-epoch', { promotedToLock: { lockPath: '/atomic/leader-epoch-lock' } });
 * const { succeeded, preValue } = await leader.trySet('epoch-8');
 * if (!succeeded) console.log('lost the race; it holds', preValue?.toString());
 */
export class AtomicValue {
  private readonly path: string;
  private readonly policy: AtomicPolicy;

  /**
   * Throws InvalidPathError for a bad path (or lock path) and InvalidArgumentError for an unknown or bad option;
   * nothing is sent until a method is called.
   *
   * @example
   * const v = new AtomicValue(zk, '/atomic/v', { promotedToLock: { lockPath: '/atomic/v-lock', afterTries: 5, timeout: 2_000 } });
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
    opts?: AtomicValueOptions,
  ) {
    checkClient(zk, 'AtomicValue');
    this.path = recipePath(path);
    const { promotedToLock } = optionsObject(opts, 'AtomicValue', ATOMIC_VALUE_OPTIONS);
    this.policy = atomicPolicy(zk, promotedToLock, 'AtomicValue');
  }

  /**
   * The bytes the node holds now, or null when it does not exist (Curator's `get()`); retried across dropped
   * connections.
   *
   * @example
   * const bytes = await v.get();
   */
  async get(): Promise<Buffer | null> {
    return (await readOrNull(this.zk, this.path))?.data ?? null;
  }

  /**
   * Sets `value` if the node holds exactly `expected` now, in one compare-and-set at the version read: true when set;
   * false when it holds something else, when another write came between the read and the set, or when the node is
   * missing (none is made, as Curator's). A write whose reply was lost is settled by its receipt, never by reading the
   * node back; when the session ended before that could be done it rejects with {@link OutcomeUnknownError}.
   *
   * @example
   * const swapped = await v.compareAndSet('blue', 'green');
   */
  async compareAndSet(expected: Data, value: Data): Promise<boolean> {
    const want = toBuffer(expected, 'AtomicValue expected');
    const data = toBuffer(value, 'AtomicValue value');
    const node = await readOrNull(this.zk, this.path);
    if (node === null || !node.data.equals(want)) return false;
    return (await compareAndWrite(this.zk, this.path, data, node.stat.version)) === 'APPLIED';
  }

  /**
   * Sets `value` whatever the node holds, by compare-and-set (a missing node is created): optimistic tries, then,
   * with `promotedToLock`, tries under the lock until one is applied. `succeeded` false (the tries lost to other
   * writers, or the lock was not taken within its `timeout`) changed nothing. A lost reply is settled by its receipt
   * (OutcomeUnknownError when the session ended first).
   *
   * @example
   * const { succeeded, preValue, postValue } = await v.trySet('green');
   */
  trySet(value: Data): Promise<AtomicValueResult> {
    let data: Buffer;
    try {
      data = toBuffer(value, 'AtomicValue value');
    } catch (err) {
      return Promise.reject(err);
    }
    return atomicUpdate(this.zk, this.path, () => data, this.policy, false);
  }

  /**
   * Sets `value` with no comparison (Curator's `forceSet`): a set whatever the version, or a create when the node
   * is missing. A lost reply is settled by its receipt, never sent twice blindly (OutcomeUnknownError when the
   * session ended first).
   *
   * @example
   * await v.forceSet('reset');
   */
  async forceSet(value: Data): Promise<void> {
    const data = toBuffer(value, 'AtomicValue value');
    for (;;) {
      if ((await compareAndWrite(this.zk, this.path, data, -1)) === 'APPLIED') return;
      if ((await compareAndWrite(this.zk, this.path, data, null)) === 'APPLIED') return;
    }
  }
}
