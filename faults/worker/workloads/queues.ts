/**
 * Queue (at most once) and LockingQueue (at least once): each worker puts unique items (`<worker>-<n>`)
 * and, at the same time, takes them (a LockingQueue's consumer acks most and releases some). The checker
 * matches puts, takes and acks with what is left in the queue at the end.
 */
import type { QueueEntry } from '../../../src/recipes/index';
import { WAIT_TIMEOUTS } from '../../bounds';
import type { Workload, WorkloadContext } from '../context';
import { failOn } from '../ops';

/** Bound on one take, ms: a take that times out consumes nothing, later either. */
const TAKE_TIMEOUT = WAIT_TIMEOUTS['queue.take'] ?? 0;

/** Items `<worker>-<n>`, put a few tens of ms apart. */
async function produce(ctx: WorkloadContext, put: (item: string) => Promise<void>, op: 'queue.put' | 'locking-queue.put'): Promise<void> {
  for (let n = 0; !ctx.stopping.aborted; n++) {
    const item = `${ctx.name}-${n}`;
    await ctx.ops.run(op, { item }, () => put(item), failOn()); // a put that errs may be there
    await ctx.sleep(ctx.rng.between(20, 80));
  }
}

export function queueWorkload(ctx: WorkloadContext): Workload {
  const queue = new ctx.recipes.Queue(ctx.zk, `${ctx.root}/queue`);
  const consume = async (): Promise<void> => {
    while (!ctx.stopping.aborted) {
      await ctx.ops.run(
        'queue.take',
        {},
        () => queue.take({ timeout: TAKE_TIMEOUT }),
        failOn('LockTimeoutError'), // a timed-out take consumed nothing; any other error may have removed an entry
        (data) => ({ item: data.toString() }),
      );
    }
  };
  return {
    name: 'queue',
    async run() {
      await Promise.all([produce(ctx, (item) => queue.put(item), 'queue.put'), consume()]);
    },
  };
}

export function lockingQueueWorkload(ctx: WorkloadContext): Workload {
  const queue = new ctx.recipes.LockingQueue(ctx.zk, `${ctx.root}/locking-queue`);
  const consume = async (): Promise<void> => {
    while (!ctx.stopping.aborted) {
      const entry: QueueEntry | undefined = await ctx.ops.run(
        'locking-queue.take',
        {},
        () => queue.take({ timeout: TAKE_TIMEOUT }),
        failOn('LockTimeoutError'),
        (e) => ({ item: e.data.toString() }),
      );
      if (entry === undefined) continue;
      const item = entry.data.toString();
      await ctx.sleep(ctx.rng.between(5, 30)); // processing
      // Most entries are acked; some are handed back, to be taken again (by anyone).
      if (ctx.rng.next() < 0.9) await ctx.ops.run('locking-queue.ack', { item }, () => entry.ack(), failOn('LockLostError'));
      else await ctx.ops.run('locking-queue.release', { item }, () => entry.release(), failOn('LockLostError'));
    }
  };
  return {
    name: 'locking-queue',
    async run() {
      await Promise.all([produce(ctx, (item) => queue.put(item), 'locking-queue.put'), consume()]);
    },
  };
}
