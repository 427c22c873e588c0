/**
 * Counter: each worker adds 1 as fast as it can (a short think time apart). Every confirmed add must be
 * applied exactly once: the final value within [confirmed, confirmed + unknown], no `after` confirmed
 * twice. The nemesis's leader kills lose replies of writes the servers applied.
 */
import type { Workload, WorkloadContext } from '../context';
import { failOn } from '../ops';

export function counterWorkload(ctx: WorkloadContext): Workload {
  const counter = new ctx.recipes.Counter(ctx.zk, `${ctx.root}/counter`);
  return {
    name: 'counter',
    async run() {
      while (!ctx.stopping.aborted) {
        await ctx.ops.run(
          'counter.add',
          {},
          () => counter.add(1),
          failOn(), // whatever the error, the add may have counted
          (r) => ({ before: String(r.before), after: String(r.after) }),
        );
        await ctx.sleep(ctx.rng.between(0, 10));
      }
    },
  };
}
