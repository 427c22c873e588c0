import { Observable } from 'rxjs';
import { ClientClosedError, type Stat, type ZooKeeperClient } from '../../index';
import { checkClient, recipePath } from '../kernel/arguments';
import { Followed } from '../kernel/follow';
import { checkWaitOptions, within, type WaitOptions } from '../kernel/wait';
import { createPersistent, removeNode } from '../kernel/znodes';

/** Why a wait stopped at its timeout: a barrier's wait then answers `false`, not an error. */
const TIMED_OUT = Symbol('timed out');

/**
 * A barrier (kazoo's Barrier, Curator's DistributedBarrier): it is up while
 * its node exists, and waiters block until the node is gone. The node is
 * persistent, with empty data, under container parents (re-created when the
 * server has reaped them). Waits go on across dropped connections and
 * expiries — kazoo's `wait` raises on a connection loss (barrier.py's warning).
 *
 * @example
 * const barrier = new Barrier(zk, '/barriers/deploy');
 * await barrier.create();                       // the coordinator raises it
 * // … each worker:
 * if (await barrier.wait({ timeout: 60_000 })) startServing();
 * // … the coordinator, once ready:
 * await barrier.remove();
 */
export class Barrier {
  private readonly path: string;

  /**
   * Throws InvalidPathError for a path ZooKeeper would refuse; nothing is sent until a method is called.
   *
   * @example
   * const barrier = new Barrier(zk, '/barriers/deploy');
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
  ) {
    checkClient(zk, 'Barrier');
    this.path = recipePath(path);
  }

  /**
   * Raises the barrier: creates its node (and container parents) if missing.
   * Idempotent, and retried across dropped connections (a create whose reply
   * was lost answers NodeExists when retried: done).
   *
   * @example
   * await barrier.create();
   */
  async create(): Promise<void> {
    await createPersistent(this.zk, this.path, null);
  }

  /**
   * Lifts the barrier: deletes its node. Idempotent (a node already gone is
   * done), retried across dropped connections.
   *
   * @example
   * await barrier.remove();
   */
  async remove(): Promise<void> {
    await removeNode(this.zk, this.path, { persistent: true });
  }

  /**
   * Waits until the barrier is lifted: `true` once its node is gone (at once
   * when it does not exist), `false` when `timeout` ms pass first (`0`: look
   * once). `signal` aborts the wait: it rejects with the signal's reason.
   * The wait goes on across dropped connections; a closed client rejects it
   * with ClientClosedError.
   *
   * @example
   * const lifted = await barrier.wait({ timeout: 30_000, signal: shutdown.signal });
   */
  async wait(opts?: WaitOptions): Promise<boolean> {
    const wait = checkWaitOptions(opts, 'wait');
    const node = new Followed(this.zk.exists$(this.path));
    try {
      return await within(
        wait,
        async ({ signal, once }) => {
          const stat = await node.first(() => true, signal);
          if (stat === null) return true;
          if (once) return false;
          await node.first((s) => s === null, signal);
          return true;
        },
        { timedOut: () => TIMED_OUT },
      );
    } catch (err) {
      if (err === TIMED_OUT) return false;
      throw err;
    } finally {
      node.close();
    }
  }

  /**
   * The wait as an Observable: emits nothing and completes once the node is
   * gone; errors with ClientClosedError when the client closes first.
   * Unsubscribing ends the wait (and releases its watch).
   *
   * @example
   * barrier.wait$().pipe(timeout(60_000)).subscribe({ complete: () => startServing() });
   */
  wait$(): Observable<void> {
    return new Observable<void>((subscriber) =>
      this.zk.exists$(this.path).subscribe({
        next: (stat: Stat | null) => {
          if (stat === null) subscriber.complete();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.error(new ClientClosedError()),
      }),
    );
  }
}
