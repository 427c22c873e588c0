import { Observable, firstValueFrom, throwError, type Subscriber, type TeardownLogic } from 'rxjs';

/**
 * What every one-shot operation returns: a cold Observable of its one value
 * that is also `PromiseLike`. `await zk.get(path)` sends the request and gives
 * its value, or throws its typed error; `subscribe()` does the same with
 * callbacks. Each `await` or `subscribe` sends it once (awaiting the same
 * object twice sends it twice), and nothing is sent until one of them asks.
 * RxJS treats it as the Observable it is (`from`, `switchMap`,
 * `firstValueFrom`, `pipe`, whose result is a plain Observable).
 *
 * The streams that do not complete (`state$`, `watchData$`, `watch$`, …) are
 * plain Observables: there is no single value to await.
 *
 * @example
 * const path = await zk.create('/app', 'hello');        // sends create once
 * const { data, stat } = await zk.get(path);             // sends getData once
 * zk.get(path).subscribe(({ data }) => console.log(data.toString())); // another getData
 */
export type AwaitableObservable<T> = Observable<T> & PromiseLike<T>;

/**
 * The base of the client's awaitable Observables: `then` subscribes once
 * (firstValueFrom: the one value, or the error). RequestObservable replaces
 * it with a direct path for a single request.
 */
export class Awaitable<T> extends Observable<T> implements AwaitableObservable<T> {
  then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    return firstValueFrom(this).then(onfulfilled, onrejected);
  }
}

/**
 * `source` made awaitable (itself when it is one already): subscribing subscribes to it, with no closure of its
 * own (rxjs' `source` without an operator).
 */
export function awaitable<T>(source: Observable<T>): AwaitableObservable<T> {
  if (source instanceof Awaitable) return source;
  const result = new Awaitable<T>();
  result.source = source;
  return result;
}

/** An awaitable Observable that fails with `error` on each subscription or await, having sent nothing. */
export function failed<T = never>(error: unknown): AwaitableObservable<T> {
  return awaitable(throwError(() => error));
}

/** An awaitable Observable from a subscribe function, as `new Observable(subscribe)`. */
export function awaitableFrom<T>(subscribe: (this: Observable<T>, subscriber: Subscriber<T>) => TeardownLogic): AwaitableObservable<T> {
  return new Awaitable<T>(subscribe);
}
