import { Observable, from, type ObservableInput, type Subscription } from 'rxjs';
import type { Holding } from '../holding';

/**
 * The work of one holding (`lock.run(work)`, `source.pipe(whileHeld(lock))`): acquires by subscribing `hold$`, then
 * mirrors `work(holding)`:
 * - work completes or errors (or throws): the holding is released (its node deleted, awaited), then the result
 *   completes or errors likewise;
 * - the holding is LOST: work is unsubscribed, then the result errors with hold$'s LockLostError (SUSPENDED does not
 *   stop work: it reads `holding.state`, or sends `holding.fencingToken`, right before each side effect);
 * - unsubscribing stops work and releases (or stops waiting).
 * Work is subscribed only once held, never before.
 */
export function runHeld<T>(hold$: Observable<Holding>, work: (holding: Holding) => ObservableInput<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    let inner: Subscription | null = null;
    /** Work has ended: what hold$ does while releasing (RELEASED, or a late LOST) is no longer news. */
    let ending = false;
    const finish = (holding: Holding, end: () => void): void => {
      ending = true;
      holding.release().then(end, (err: unknown) => subscriber.error(err));
    };
    const hold = hold$.subscribe({
      next: (holding) => {
        if (inner !== null || ending) return;
        let input: ObservableInput<T>;
        try {
          input = work(holding);
        } catch (err) {
          finish(holding, () => subscriber.error(err));
          return;
        }
        inner = from(input).subscribe({
          next: (value) => subscriber.next(value),
          error: (err: unknown) => finish(holding, () => subscriber.error(err)),
          complete: () => finish(holding, () => subscriber.complete()),
        });
      },
      error: (err: unknown) => {
        if (ending) return;
        inner?.unsubscribe();
        inner = null;
        subscriber.error(err);
      },
      // A lock whose hold$ ends without a holding (never does for rxzk's): nothing to mirror.
      complete: () => {
        if (inner === null && !ending) subscriber.complete();
      },
    });
    return () => {
      inner?.unsubscribe();
      hold.unsubscribe();
    };
  });
}
