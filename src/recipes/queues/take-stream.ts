import { Observable } from 'rxjs';
import type { StartConsumer } from './take-once';

/**
 * A consumer as a cold Observable: subscribing starts it, each entry taken is
 * emitted in order, and the next is taken once `settle(entry)` has settled
 * (at once when absent); `taken` is told of each first (the queue's report). Unsubscribing stops it: an entry it was taking just
 * then is handed back; one already emitted stays the subscriber's. It
 * completes when the client closes and errors on what no retry mends — on a
 * client not running when subscribed, at once with the client's error.
 */
export function takeStream<T>(start: StartConsumer<T>, settle?: (value: T) => Promise<void>, taken?: () => void): Observable<T> {
  return new Observable<T>((subscriber) => {
    const loop = start(
      (value) => {
        taken?.();
        subscriber.next(value);
        return settle?.(value);
      },
      () => undefined,
    );
    // Ends when the client closes under it; errors when its listing refused (a client never started or already
    // closed: ClientNotStartedError, ClientClosedError, as the client's own watch$ does) or failed for good.
    loop.done.then(
      () => subscriber.complete(),
      (err: unknown) => subscriber.error(err),
    );
    return () => void loop.stop();
  });
}
