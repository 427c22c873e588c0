import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import { ClientClosedError } from '../../index';

/**
 * What whileLeader reads of a latch: its shared leadership (a LeaderLatch, or anything of this shape).
 *
 * @example
 * const always: LeadershipSource = { leadership$: () => of(true) }; // a stand-in, e.g. for a single-instance deployment
 */
export interface LeadershipSource {
  /**
   * True while this process leads, false otherwise; replays the current value, subscribing takes part.
   *
   * @example
   * latch.leadership$().subscribe((leading) => console.log(leading ? 'leading' : 'following'));
   */
  leadership$(): Observable<boolean>;
}

/**
 * Mirrors the source while this process leads: subscribes to it when the
 * latch's leadership turns `true`, unsubscribes when it turns `false`
 * (SUSPENDED included), subscribes again at the next term. It takes part
 * through the latch's one shared participation (joining it if no one has,
 * leaving it with the last subscriber). Completes when the source completes
 * or the latch's leadership completes (the client closed); errors when
 * either errors — except with ClientClosedError: a client's close is not an
 * error of the stream (the source's requests fail with it before the
 * leadership completes), so it completes then, as every stream of the
 * client and the recipes does when the client closes.
 *
 * @example
 * interval(60_000).pipe(switchMap(() => runSchedules()), whileLeader(latch)).subscribe();
 */
export function whileLeader<T>(latch: LeadershipSource): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let inner: Subscription | null = null;
      const stop = (): void => {
        inner?.unsubscribe();
        inner = null;
      };
      const leadership = latch.leadership$().subscribe({
        next: (leading) => {
          if (!leading) stop();
          else if (inner === null) {
            inner = source.subscribe({
              next: (value) => subscriber.next(value),
              error: (err: unknown) => (err instanceof ClientClosedError ? subscriber.complete() : subscriber.error(err)),
              complete: () => subscriber.complete(),
            });
          }
        },
        error: (err: unknown) => (err instanceof ClientClosedError ? subscriber.complete() : subscriber.error(err)),
        complete: () => subscriber.complete(),
      });
      return () => {
        stop();
        leadership.unsubscribe();
      };
    });
}
