/**
 * How a worker acts as a holder, the way fencing asks users to: before each side effect it checks
 * `holding.state === 'HELD'` and records a `use`; once the state says otherwise it stops (`end`).
 * The checker's holding intervals run from `begin` to the last `use`.
 */
import type { Subscription } from 'rxjs';
import type { Holding } from '../../src/recipes/index';
import type { HeldResource } from '../history';
import type { WorkloadContext } from './context';

/** The fields every hold event of `holding` carries. */
export function holdFields(resource: HeldResource, holding: Holding): { kind: 'hold'; resource: HeldResource; token: string; node: string } {
  return { kind: 'hold', resource, token: holding.fencingToken.toString(), node: holding.node };
}

/** Records `begin` and every state the holding goes through until the returned subscription ends. */
export function beginHolding(ctx: WorkloadContext, resource: HeldResource, holding: Holding): Subscription {
  const fields = holdFields(resource, holding);
  ctx.history.record({ ...fields, what: 'begin' });
  return holding.state$.subscribe((state) => ctx.history.record({ ...fields, what: 'state', state }));
}

/** One side effect: recorded as a `use` when the holding says HELD; false (and nothing recorded) otherwise. */
export function use(ctx: WorkloadContext, resource: HeldResource, holding: Holding): boolean {
  if (holding.state !== 'HELD') return false;
  ctx.history.record({ ...holdFields(resource, holding), what: 'use' });
  return true;
}

/** Acts as holder for a few uses a few ms apart, then records `end` with the reason it stopped. */
export async function holdAwhile(ctx: WorkloadContext, resource: HeldResource, holding: Holding): Promise<void> {
  let reason = 'done';
  const uses = ctx.rng.int(1, 4);
  for (let i = 0; i < uses; i++) {
    await ctx.sleep(ctx.rng.between(5, 30));
    if (!use(ctx, resource, holding)) {
      reason = `noticed ${holding.state}`;
      break;
    }
  }
  ctx.history.record({ ...holdFields(resource, holding), what: 'end', reason });
}
