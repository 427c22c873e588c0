import { ClientClosedError, type ZooKeeperClient } from '../../index';
import { LockTimeoutError } from '../errors';
import { checkWaitOptions } from '../kernel/wait';

/**
 * What a queue reports on the client's recipe events (issue 22 item 3; `rxzk/opentelemetry` counts them and gives a
 * waiting take its span): each put (`queue-put`, its count: 1, or a putAll's), each entry taken — consumed from a
 * Queue, locked from a LockingQueue — by `take`, `take$` or `get` (`queue-take`), and each `take()` as a
 * `queue-take` activity from its call until it has an entry (`ok`), gave up (`timeout`), was aborted (its signal,
 * the client closed: `aborted`) or failed (`error`). The client builds nothing while nobody listens.
 */
export class QueueReports {
  constructor(
    private readonly zk: ZooKeeperClient,
    private readonly recipe: 'Queue' | 'LockingQueue',
    private readonly path: string,
  ) {}

  /** `count` entries were put. */
  put(count: number): void {
    if (count > 0) this.zk.reportRecipeEvent({ type: 'queue-put', recipe: this.recipe, path: this.path, count });
  }

  /** An entry was taken. */
  taken(): void {
    this.zk.reportRecipeEvent({ type: 'queue-take', recipe: this.recipe, path: this.path });
  }

  /**
   * A take() that waits: the activity around it (started here, in the caller's context, once its options are
   * checked: bad ones reject before anything is reported or sent), and its entry counted.
   */
  async take<T>(opts: unknown, taking: () => Promise<T>): Promise<T> {
    const { signal } = checkWaitOptions(opts, 'take');
    const activity = this.zk.startRecipeActivity({ kind: 'queue-take', recipe: this.recipe, path: this.path });
    try {
      const value = await taking();
      activity.end('ok');
      this.taken();
      return value;
    } catch (err) {
      if (err instanceof LockTimeoutError) activity.end('timeout', err);
      else if (err instanceof ClientClosedError || (signal?.aborted === true && err === signal.reason)) activity.end('aborted', err);
      else activity.end('error', err);
      throw err;
    }
  }
}
