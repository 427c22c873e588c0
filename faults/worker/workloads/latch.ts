/**
 * LeaderLatch: each worker takes part in one election through `holding$()`. While it leads it makes
 * uses (checked against `state`) a few tens of ms apart; during the faults a leader sometimes steps
 * down (leaves, then joins again with a fresh latch) so that leadership changes hands often. A stream
 * that errors is a lost participation (the latch must rejoin by itself after an expiry); the worker then
 * joins again after a second, so that the run goes on. Once the faults stop nobody steps down, and the
 * suite checks that every worker is back in the election with exactly one leader.
 */
import type { Subscription } from 'rxjs';
import type { Holding } from '../../../src/recipes/index';
import { now } from '../../clock';
import type { Workload, WorkloadContext } from '../context';
import { beginHolding, holdFields, use } from '../holding';
import { errorInfo } from '../ops';

/** How long a leader leads before stepping down during the faults, ms. */
const STEP_DOWN_AFTER: [number, number] = [1_000, 3_000];
/** How long a participation whose stream died waits before joining again, ms. */
const REJOIN_AFTER_ERROR = 1_000;

class Participation {
  /** The last holding emitted (null after a `null`): what the recipe says this worker holds. */
  emitted: Holding | null = null;
  /** The term the worker acts on (begun, not yet ended). */
  term: Holding | null = null;
  termStart = 0;
  dead = false;
  private termStates: Subscription | undefined;
  private readonly stream: Subscription;

  constructor(private readonly ctx: WorkloadContext) {
    ctx.history.record({ kind: 'latch', what: 'join' });
    const latch = new ctx.recipes.LeaderLatch(ctx.zk, `${ctx.root}/latch`, { identifier: ctx.name });
    this.stream = latch.holding$().subscribe({
      next: (holding) => {
        this.emitted = holding;
        if (holding === null) {
          this.endTerm('not leader');
          ctx.history.record({ kind: 'latch', what: 'follower' });
        } else if (holding !== this.term) {
          this.endTerm('new term');
          this.beginTerm(holding);
        }
      },
      error: (err: unknown) => {
        this.endTerm('stream errored');
        ctx.history.record({ kind: 'latch', what: 'error', error: errorInfo(err) });
        this.dead = true;
      },
      complete: () => {
        this.endTerm('stream completed');
        ctx.history.record({ kind: 'latch', what: 'complete' });
        this.dead = true;
      },
    });
  }

  beginTerm(holding: Holding): void {
    this.term = holding;
    this.termStart = now();
    this.termStates = beginHolding(this.ctx, 'latch', holding);
  }

  endTerm(reason: string): void {
    if (this.term === null) return;
    this.ctx.history.record({ ...holdFields('latch', this.term), what: 'end', reason });
    this.termStates?.unsubscribe();
    this.term = null;
  }

  /** Leads by the recipe's word and its holding says HELD. */
  get leading(): boolean {
    return this.emitted !== null && this.emitted.state === 'HELD';
  }

  leave(): void {
    this.endTerm('left');
    this.stream.unsubscribe();
    if (!this.dead) this.ctx.history.record({ kind: 'latch', what: 'leave' });
    this.dead = true;
  }
}

export function latchWorkload(ctx: WorkloadContext): Workload {
  let current: Participation | undefined;
  return {
    name: 'latch',
    status: () => ({ joined: current !== undefined && !current.dead, leader: current !== undefined && !current.dead && current.leading }),
    async run() {
      let stepDownAfter = ctx.rng.between(...STEP_DOWN_AFTER) * 1000;
      while (!ctx.stopping.aborted) {
        if (current === undefined || current.dead) {
          if (current?.dead) await ctx.sleep(REJOIN_AFTER_ERROR);
          if (ctx.stopping.aborted) break;
          current = new Participation(ctx);
        }
        const p = current;
        // A term the worker had stopped acting on (it noticed SUSPENDED) goes on if the recipe says HELD again.
        if (p.term === null && p.leading && p.emitted !== null) p.beginTerm(p.emitted);
        const term = p.term;
        if (term !== null) {
          // Reading the holding's state may turn it LOST there and then (a silence past the session timeout: this
          // process was paused), and its stream tells holding$()'s subscriber — which ends p.term — before use() returns.
          if (!use(ctx, 'latch', term)) p.endTerm(`noticed ${term.state}`);
          else if (!ctx.healed() && now() - p.termStart > stepDownAfter) {
            p.leave();
            current = undefined;
            stepDownAfter = ctx.rng.between(...STEP_DOWN_AFTER) * 1000;
            await ctx.sleep(ctx.rng.between(200, 500));
            continue;
          }
        }
        await ctx.sleep(ctx.rng.between(20, 60));
      }
      current?.leave();
    },
  };
}
