import { Observable } from 'rxjs';
import type { StartConsumer } from './take-once';

/**
 * Hands one value a consumer took to the subscriber: `emit` what the subscriber gets (the value itself, or a Curator
 * node's items one at a time), and return what the next take waits for (an ack, a release). `stopped` aborts once
 * the subscriber left: what is not handed out by then goes back.
 */
export type HandOut<T, E> = (value: T, emit: (entry: E) => void, stopped: AbortSignal) => void | Promise<void>;

/**
 * A consumer as a cold Observable: subscribing starts it, each value taken is handed out in order by `handOut`, and
 * the next is taken once what that returns has settled. Unsubscribing stops it: a value it was taking just then is
 * handed back; what was already emitted stays the subscriber's. It completes when the client closes and errors on
 * what no retry mends — on a client not running when subscribed, at once with the client's error.
 */
export function takeStream<T, E>(start: StartConsumer<T>, handOut: HandOut<T, E>): Observable<E> {
  return new Observable<E>((subscriber) => {
    const emit = (entry: E): void => subscriber.next(entry);
    const loop = start(
      (value) => handOut(value, emit, loop.signal),
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
