import { InvalidArgumentError, type ZooKeeperClient } from '../../index';
import { checkClient, identifierOption, optionsObject, recipePath } from '../kernel/arguments';
import { removeNode } from '../kernel/znodes';
import { boundedCleanup, checkWaitOptions, within, type WaitOptions } from '../kernel/wait';
import { Entrance } from './entrance';
import { leave, removeReady } from './leaving';

/** Options of a DoubleBarrier. */
export interface DoubleBarrierOptions {
  /** This member's identifier, stored as its node's data (default `<hostname>:<pid>`; Curator writes its IP address). */
  identifier?: string;
}

/** The keys of {@link DoubleBarrierOptions}. */
const DOUBLE_BARRIER_OPTIONS: Record<keyof DoubleBarrierOptions, true> = { identifier: true };

/** Java's int: the largest member count Curator takes. */
const MAX_COUNT = 0x7fffffff;

type Phase = 'OUT' | 'ENTERING' | 'IN' | 'LEAVING';

/**
 * A double barrier on Curator's DistributedDoubleBarrier layout: members
 * are `<path>/<uuid>` ephemerals, and `<path>/ready` (persistent) opens the
 * barrier once `count` are in; `<path>` is a container. `enter()` waits for
 * `count` members, `leave()` for every member to leave, so that a task
 * starts and ends together. Curator members and rxzk members share a barrier.
 *
 * `count` is a threshold, not a limit (as in Curator): more may enter. Each
 * DoubleBarrier is one member: enter, then leave, then it may enter again.
 *
 * @example
 * const barrier = new DoubleBarrier(zk, '/barriers/job-42', 3);
 * await barrier.enter({ timeout: 60_000 });   // the three workers start together
 * await runMyShare();
 * await barrier.leave({ timeout: 60_000 });   // and finish together
 */
export class DoubleBarrier {
  private readonly path: string;
  private readonly data: Buffer;
  private phase: Phase = 'OUT';
  private node: string | null = null;

  /**
   * Throws InvalidPathError for a bad path and InvalidArgumentError for a
   * count that is not an integer from 1 to 2^31 - 1 or an identifier that is
   * not a string; nothing is sent until a method is called.
   *
   * @example
   * const barrier = new DoubleBarrier(zk, '/barriers/job-42', 3, { identifier: 'worker-1' });
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
    private readonly count: number,
    opts?: DoubleBarrierOptions,
  ) {
    checkClient(zk, 'DoubleBarrier');
    this.path = recipePath(path);
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
      throw new InvalidArgumentError(`count must be an integer from 1 to ${MAX_COUNT}, not ${String(count)}`);
    }
    this.data = Buffer.from(identifierOption(optionsObject(opts, 'DoubleBarrier', DOUBLE_BARRIER_OPTIONS).identifier, 'DoubleBarrier'), 'utf8');
  }

  /**
   * Enters, and resolves once `count` members are in (at once if the barrier
   * is already open). `timeout` (ms; `0`: look once) rejects with
   * LockTimeoutError and `signal` with its reason; either way this member's
   * node is removed first, so it is not counted by a latecomer (CURATOR-318).
   * The wait goes on across dropped connections, and after an expiry the
   * member's node is made again. Rejects with InvalidArgumentError while this
   * member is already in (or entering, or leaving).
   *
   * @example
   * await barrier.enter({ timeout: 30_000 });
   */
  async enter(opts?: WaitOptions): Promise<void> {
    const wait = checkWaitOptions(opts, 'enter');
    if (this.phase !== 'OUT') throw new InvalidArgumentError(`enter() while ${this.phase === 'IN' ? 'in' : this.phase.toLowerCase()} the barrier`);
    this.phase = 'ENTERING';
    const entrance = new Entrance(this.zk, this.path, this.count, this.data);
    try {
      await within(wait, (bounds) => entrance.run(bounds));
    } catch (err) {
      this.phase = 'OUT';
      await boundedCleanup(this.zk, entrance.remove());
      throw err;
    }
    this.node = entrance.node;
    this.phase = 'IN';
  }

  /**
   * Leaves, and resolves once every member has left. `timeout` and `signal`
   * bound the wait as for `enter()`; this member's node is removed whatever
   * the outcome, and `ready` too on a timeout (as Curator does, so that the
   * next round does not find the barrier open). Rejects with
   * InvalidArgumentError when this member has not entered.
   *
   * @example
   * await barrier.leave({ timeout: 30_000 });
   */
  async leave(opts?: WaitOptions): Promise<void> {
    const wait = checkWaitOptions(opts, 'leave');
    const node = this.node;
    if (this.phase !== 'IN' || node === null) throw new InvalidArgumentError(`leave() while ${this.phase === 'OUT' ? 'not in' : this.phase.toLowerCase()} the barrier`);
    this.phase = 'LEAVING';
    try {
      await within(wait, (bounds) => leave(this.zk, this.path, node, bounds));
    } catch (err) {
      await boundedCleanup(this.zk, removeNode(this.zk, node).then(() => removeReady(this.zk, this.path)));
      throw err;
    } finally {
      this.phase = 'OUT';
      this.node = null;
    }
  }
}
