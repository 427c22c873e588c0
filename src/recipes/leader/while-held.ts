import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import type { Holding } from '../holding';

/**
 * What whileHeld needs of a lock: a cold acquisition (a Lock, a ReadWriteLock's half, a Semaphore, or anything of this shape).
 *
 * @example
 * const source: HoldSource = new ReadWriteLock(zk, '/locks/catalog').writeLock;
 */
export interface HoldSource {
  /**
   * Acquires on subscribe, emits the Holding once held, releases on unsubscribe; errors with LockLostError when LOST.
   *
   * @example
   * const sub = lock.hold$().subscribe((h) => console.log('held', h.fencingToken));
   * sub.unsubscribe(); // releases (or stops waiting)
   */
  hold$(): Observable<Holding>;
}

/**
 * Acquires, then mirrors the source while held:
 * - the source completes or errors: the holding is released (its node
 *   deleted, awaited), then the result completes or errors likewise;
 * - the holding is LOST: the source is unsubscribed, then the result errors
 *   with LockLostError (SUSPENDED does not stop the source; it can read the
 *   holding's state from the lock's own stream if it must);
 * - unsubscribing stops the source and releases (or stops waiting).
 * The source is subscribed only once held, never before.
 *
 * @example
 * rebuildIndex$.pipe(whileHeld(new Lock(zk, '/locks/index'))).subscribe({ complete: () => console.log('rebuilt, released') });
 */
export function whileHeld<T>(lock: HoldSource): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let inner: Subscription | null = null;
      /** The source has ended: what hold$ does while releasing (RELEASED, or a late LOST) is no longer news. */
      let ending = false;
      const finish = (holding: Holding, end: () => void): void => {
        ending = true;
        holding.release().then(end, (err: unknown) => subscriber.error(err));
      };
      const hold = lock.hold$().subscribe({
        next: (holding) => {
          if (inner !== null || ending) return;
          inner = source.subscribe({
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
