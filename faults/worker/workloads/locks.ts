/**
 * Lock and Semaphore: each worker acquires (waiting at most its WAIT_TIMEOUTS bound), holds for a few uses,
 * releases, and goes again. The checker wants no more holders at once than the recipe allows (1, or
 * maxLeases) unless a pause past the session timeout explains it, and, for the lock, fencing tokens
 * that never go backwards.
 */
import type { Holding } from '../../../src/recipes/index';
import { WAIT_TIMEOUTS } from '../../bounds';
import type { Workload, WorkloadContext } from '../context';
import { beginHolding, holdAwhile } from '../holding';
import { alwaysFails, failOn } from '../ops';

interface Acquirable {
  acquire(opts: { timeout: number }): Promise<Holding>;
}

export function lockWorkload(ctx: WorkloadContext, kind: 'lock' | 'semaphore'): Workload {
  const path = `${ctx.root}/${kind}`;
  const recipe: Acquirable =
    kind === 'lock'
      ? new ctx.recipes.Lock(ctx.zk, path, { identifier: ctx.name })
      : new ctx.recipes.Semaphore(ctx.zk, path, { maxLeases: ctx.semaphoreLeases, identifier: ctx.name });
  return {
    name: kind,
    async run() {
      while (!ctx.stopping.aborted) {
        const holding = await ctx.ops.run(
          `${kind}.acquire`,
          {},
          () => recipe.acquire({ timeout: WAIT_TIMEOUTS[`${kind}.acquire`] ?? 0 }),
          alwaysFails, // a rejected acquire hands out no holding
          (h) => ({ token: h.fencingToken.toString(), node: h.node }),
        );
        if (holding === undefined) {
          await ctx.sleep(ctx.rng.between(50, 200));
          continue;
        }
        const states = beginHolding(ctx, kind, holding);
        await holdAwhile(ctx, kind, holding);
        await ctx.ops.run(`${kind}.release`, { token: holding.fencingToken.toString(), node: holding.node }, () => holding.release(), failOn());
        states.unsubscribe();
        await ctx.sleep(ctx.rng.between(0, 50));
      }
    },
  };
}
