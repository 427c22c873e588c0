import { Observable, from, type ObservableInput, type Subscriber, type Subscription } from 'rxjs';
import { ClientClosedError, type RecipeActivity, type ZooKeeperClient } from '../../index';
import { LockLostError } from '../errors';
import type { Holding } from '../holding';
import { endWithHolding, outcomeOf, startActivity, type ReportedAs } from '../kernel/activity';

/** What a run needs of its election: a way to be elected (a Lock's hold$: it errors with LockLostError when LOST). */
export interface Electable {
  hold$(): Observable<Holding>;
}

/**
 * One `run()` of a LeaderElection (kazoo's Election.run, Curator's
 * LeaderSelector with takeLeadership): terms, one after another.
 *
 * A term waits to be elected (the contender's node waits behind its
 * predecessor, across dropped connections and expiries), then mirrors
 * `work(holding)`:
 * - work completes: leadership is given up (the node deleted, awaited), then
 *   with `requeue` a new term queues behind the others (Curator's
 *   autoRequeue), else the run completes;
 * - work errors (or throws): leadership is given up, then the run errors
 *   with that error (no requeue);
 * - the holding is LOST: work is unsubscribed first, then the run errors
 *   with LockLostError — or, with `requeue`, queues again by itself (a new
 *   node, on the new session after an expiry), as Curator's autoRequeue
 *   does after its cancelled takeLeadership (issue 17: a requeuing election
 *   rejoins by itself). SUSPENDED does not end the term: work reads
 *   `h.state$` (unlike Curator, whose LeaderSelectorListenerAdapter cancels
 *   at SUSPENDED);
 * - the client closes while waiting: the run errors with ClientClosedError
 *   (closing drops every watch unheard: the wait would never end).
 * Unsubscribing ends the term where it is (work unsubscribed, node removed).
 *
 * It reports on `zk.recipeEvents$` each wait to be elected (`leader-wait`: `ok` once elected, `aborted` when left or
 * the client closed, `error`) and each term (`leadership`: `released` when given up or left, `lost` when LOST).
 */
export class ElectionRun<T> {
  private hold: Subscription | null = null;
  private work: Subscription | null = null;
  private holding: Holding | null = null;
  /** Leadership is being given up: the holding's end is ours, not a loss. */
  private givingUp = false;
  private readonly closing: Subscription;
  /** The wait to be elected, or the term, being reported now. */
  private waiting: RecipeActivity | null = null;
  private term: RecipeActivity | null = null;

  constructor(
    private readonly zk: ZooKeeperClient,
    private readonly election: Electable,
    private readonly workFn: (holding: Holding) => ObservableInput<T>,
    private readonly requeue: boolean,
    private readonly subscriber: Subscriber<T>,
    private readonly as: ReportedAs,
  ) {
    this.closing = zk.state$.subscribe((state) => {
      // While leading, the holding turns LOST at CLOSED and hold$ errors with LockLostError.
      if (state === 'CLOSED' && this.holding === null) this.subscriber.error(new ClientClosedError('the client closed while waiting to be elected'));
    });
  }

  start(): void {
    if (this.subscriber.closed) return;
    this.givingUp = false;
    this.holding = null;
    const waiting = (this.waiting = startActivity(this.zk, 'leader-wait', this.as));
    this.hold = this.election.hold$().subscribe({
      next: (holding) => {
        waiting.end('ok');
        this.term = startActivity(this.zk, 'leadership', this.as);
        endWithHolding(this.term, holding);
        this.elected(holding);
      },
      error: (err: unknown) => {
        waiting.end(outcomeOf(err), err);
        if (this.givingUp) return;
        this.stopWork();
        if (this.requeue && err instanceof LockLostError && !this.subscriber.closed) {
          this.hold = null;
          this.start();
          return;
        }
        this.subscriber.error(err);
      },
    });
  }

  teardown(): void {
    this.waiting?.end('aborted');
    this.term?.end('released');
    this.closing.unsubscribe();
    this.stopWork();
    this.hold?.unsubscribe();
    this.hold = null;
  }

  private elected(holding: Holding): void {
    this.holding = holding;
    let input: ObservableInput<T>;
    try {
      input = this.workFn(holding);
    } catch (err) {
      this.giveUp(holding, () => this.subscriber.error(err));
      return;
    }
    this.work = from(input).subscribe({
      next: (value) => this.subscriber.next(value),
      error: (err: unknown) => this.giveUp(holding, () => this.subscriber.error(err)),
      complete: () => this.giveUp(holding, () => (this.requeue ? this.start() : this.subscriber.complete())),
    });
  }

  /** Deletes the node (retried until gone), then goes on with `next`. */
  private giveUp(holding: Holding, next: () => void): void {
    this.givingUp = true;
    this.work = null;
    holding.release().then(
      () => {
        if (this.subscriber.closed) return;
        this.hold?.unsubscribe();
        this.hold = null;
        next();
      },
      (err: unknown) => this.subscriber.error(err),
    );
  }

  private stopWork(): void {
    this.work?.unsubscribe();
    this.work = null;
  }
}
