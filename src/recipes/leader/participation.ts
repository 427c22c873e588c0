import { Observable, type Subscription } from 'rxjs';
import { ClientClosedError, isConnected, type RecipeActivity, type ZooKeeperClient } from '../../index';
import { LockLostError } from '../errors';
import { contend, type ContenderSpec } from '../contender/contender';
import type { Holding } from '../holding';
import { outcomeOf, startActivity, type ReportedAs } from '../kernel/activity';

/**
 * One participant's life in an election that it never leaves by itself
 * (Curator's LeaderLatch): what it holds, as it changes.
 *
 * - It emits `null` at once (not leading), joins once the client is
 *   connected (so it may be subscribed before `start()`), and follows as a
 *   contender, watching its predecessor only (the contender mechanism).
 * - It emits the Holding while it leads, `null` while that Holding is
 *   SUSPENDED (CURATOR-460: leading through a dropped connection lets two
 *   lead), the SAME Holding again when the same session reconnects with its
 *   node still its own (CURATOR-696: kernel/held-node checks the ephemeralOwner).
 * - When the Holding is LOST (an expiry, the session timeout spent
 *   disconnected, its node deleted by someone), it emits `null` and joins
 *   again with a new node, on the current session; a follower whose node
 *   went with an expired session makes a new one by itself (the contender
 *   mechanism does).
 * - It completes when the client closes (as the client's watch streams do):
 *   close() deletes the session's ephemerals, and a contender waiting for a
 *   predecessor would wait for ever, since closing drops every watch unheard.
 *
 * Cold: each subscription is one participation; unsubscribing leaves (the
 * node is removed, retried across reconnects until it is gone).
 *
 * It reports on `zk.recipeEvents$`, as `as`: each wait to lead (`leader-wait`, from joining until it first leads:
 * `ok`; `aborted` when it leaves or the client closes first; `error`) and each term (`leadership`, from leading until
 * it stops: `lost` at SUSPENDED and LOST, `released` when it leaves). A Holding that is HELD again after SUSPENDED
 * starts a new term (leadership$ was `false` meanwhile).
 */
export function participate(zk: ZooKeeperClient, spec: () => ContenderSpec, as: ReportedAs): Observable<Holding | null> {
  return new Observable<Holding | null>((subscriber) => {
    let attempt: Subscription | null = null;
    let holdingStates: Subscription | null = null;
    let joined = false;
    let waiting: RecipeActivity | null = null;
    let term: RecipeActivity | null = null;

    const endTerm = (outcome: 'lost' | 'released', cause?: unknown): void => {
      term?.end(outcome, cause);
      term = null;
    };

    const leave = (): void => {
      waiting?.end('aborted');
      endTerm('released');
      holdingStates?.unsubscribe();
      holdingStates = null;
      // Releases a holding (idempotent, nothing to delete after LOST) or removes a follower's node.
      attempt?.unsubscribe();
      attempt = null;
    };

    const join = (): void => {
      joined = true;
      const wait = (waiting = startActivity(zk, 'leader-wait', as));
      attempt = contend(zk, spec()).subscribe({
        next: (holding) => {
          wait.end('ok');
          holdingStates = holding.state$.subscribe((state) => {
            if (state === 'HELD') term ??= startActivity(zk, 'leadership', as);
            else endTerm(state === 'RELEASED' ? 'released' : 'lost', state === 'LOST' ? lostCause(holding) : undefined);
            subscriber.next(state === 'HELD' ? holding : null);
            // A new node for a new term; later than this callback, which the Holding is still running.
            if (state === 'LOST') queueMicrotask(rejoin);
          });
        },
        // Closing fails what is in flight before the state says CLOSED: the end of the participation, not a failure.
        error: (err: unknown) => {
          wait.end(outcomeOf(err), err);
          if (err instanceof ClientClosedError) closed();
          else subscriber.error(err);
        },
      });
    };

    const closed = (): void => {
      leave();
      subscriber.next(null);
      subscriber.complete();
    };

    const rejoin = (): void => {
      if (subscriber.closed || zk.state === 'CLOSED') return;
      leave();
      join();
    };

    subscriber.next(null);
    const states = zk.state$.subscribe((state) => {
      if (state === 'CLOSED') closed();
      else if (!joined && isConnected(state)) join();
    });
    return () => {
      states.unsubscribe();
      leave();
    };
  });
}

/** Why a LOST holding was lost, as its signal says (a LockLostError). */
function lostCause(holding: Holding): unknown {
  const reason: unknown = holding.signal.reason;
  return reason instanceof LockLostError ? reason : undefined;
}
