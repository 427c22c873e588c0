import { defer, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import { runHeld } from '../contender/held-run';
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
  return (source) => runHeld(defer(() => lock.hold$()), () => source);
}
