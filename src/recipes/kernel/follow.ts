import type { Observable, Subscription } from 'rxjs';
import { ClientClosedError } from '../../index';
import { raced } from './wait';

interface Waiter<T> {
  accept(value: T): boolean;
  resolve(value: T): void;
  reject(err: unknown): void;
}

/**
 * One of the client's self re-arming streams (`exists$`, …), followed for the
 * length of a wait, which asks it for the first value a predicate takes.
 * Each value is tested as it arrives, so one that is soon replaced is not
 * missed. The stream goes on across dropped connections and expiries (its
 * watch is restored or set again); it completes only when the client closes,
 * which fails the waits with ClientClosedError. `close()` releases the watch
 * (the client removes it from the server once no one follows the path).
 */
export class Followed<T> {
  private latest: { value: T } | null = null;
  private failure: unknown = undefined;
  private readonly waiters = new Set<Waiter<T>>();
  private readonly subscription: Subscription;

  constructor(source: Observable<T>) {
    this.subscription = source.subscribe({
      next: (value) => {
        this.latest = { value };
        for (const w of [...this.waiters]) {
          if (w.accept(value)) {
            this.waiters.delete(w);
            w.resolve(value);
          }
        }
      },
      error: (err: unknown) => this.end(err),
      complete: () => this.end(new ClientClosedError()),
    });
  }

  /** The first value `accept` takes, the current one included; rejects when the stream ends or `signal` aborts. */
  first(accept: (value: T) => boolean, signal: AbortSignal): Promise<T> {
    if (this.latest !== null && accept(this.latest.value)) return Promise.resolve(this.latest.value);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    let waiter!: Waiter<T>;
    const found = new Promise<T>((resolve, reject) => (waiter = { accept, resolve, reject }));
    this.waiters.add(waiter);
    const result = raced(found, signal);
    // Aborted first: forget the waiter (its promise is left to settle unseen).
    result.catch(() => this.waiters.delete(waiter));
    found.catch(() => undefined);
    return result;
  }

  /** Stops following (idempotent). */
  close(): void {
    this.subscription.unsubscribe();
    this.end(new ClientClosedError('the wait ended'));
  }

  private end(err: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    for (const w of this.waiters) w.reject(err);
    this.waiters.clear();
  }
}
