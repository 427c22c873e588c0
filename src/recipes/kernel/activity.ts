import { ClientClosedError, type RecipeActivity, type RecipeActivityKind, type RecipeOutcome, type ZooKeeperClient } from '../../index';
import { LockTimeoutError } from '../errors';
import type { Holding } from '../holding';
import { HeldNode } from './held-node';

/**
 * The recipes' reports on `zk.recipeEvents$` (issue 22), through the client's `startRecipeActivity`: a wait (`lock-wait`,
 * `leader-wait`) from the call that starts it until it holds or gives up, and what it then holds (`lock-hold`,
 * `leadership`) until released or lost. While nobody listens the client hands out a shared activity that does nothing,
 * so a report costs a call and no allocation of its own; an activity's `end()` counts once (later calls do nothing),
 * so every way out of a wait may end it without minding the others.
 */

/** Who reports: the recipe's class name (as users know it: `'Lock'`, `'WriteLock'`, `'LeaderLatch'`) and its path. */
export interface ReportedAs {
  readonly recipe: string;
  readonly path: string;
}

/** Starts an activity of `kind` for `as` now (in the caller's call: its context is the span's parent). */
export function startActivity(zk: ZooKeeperClient, kind: RecipeActivityKind, as: ReportedAs): RecipeActivity {
  return zk.startRecipeActivity({ kind, recipe: as.recipe, path: as.path });
}

/**
 * How a wait that failed ended (RecipeOutcome): `timeout` at its bound, `aborted` by the caller's signal or a close of
 * the client, `error` otherwise.
 */
export function outcomeOf(err: unknown, signal?: AbortSignal): RecipeOutcome {
  if (err instanceof LockTimeoutError) return 'timeout';
  if (err instanceof ClientClosedError) return 'aborted';
  if (signal?.aborted === true && err === signal.reason) return 'aborted';
  return 'error';
}

/** Ends `activity` when `holding` ends: `released`, or `lost` with its LockLostError. */
export function endWithHolding(activity: RecipeActivity, holding: Holding): void {
  onHoldingEnd(holding, (state, cause) => (state === 'RELEASED' ? activity.end('released') : activity.end('lost', cause ?? undefined)));
}

/** Calls `listener` once `holding` has ended (LOST or RELEASED): a kernel holding says so without a subscription. */
export function onHoldingEnd(holding: Holding, listener: (state: 'LOST' | 'RELEASED', cause: Error | null) => void): void {
  if (holding instanceof HeldNode) {
    holding.whenEnded(listener);
    return;
  }
  let last: 'LOST' | 'RELEASED' = 'RELEASED';
  holding.state$.subscribe({
    next: (state) => {
      if (state === 'LOST' || state === 'RELEASED') last = state;
    },
    complete: () => listener(last, null),
  });
}
