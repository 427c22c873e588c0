import type { Subscriber, Unsubscribable } from 'rxjs';
import type { WatchKind } from '../../session/watch-kind';

/** Who keeps a shared stream: told once when it ends (its last subscriber left, or it completed or failed). */
export interface StreamOwner {
  /** False until the client's first start(): a stream subscribed before waits for it (README, "Client"). */
  readonly canStart: boolean;
  ended(stream: SharedStream<unknown>): void;
}

/**
 * One stream of values shared by any number of subscribers, started by the
 * first and stopped by the last (RxJS' WebSocketSubject.multiplex pattern).
 * A class with plain fields rather than `share()` or closures: applications
 * follow thousands of nodes, and a follower and each of its subscribers
 * should cost a few hundred bytes, not kilobytes of operator chains.
 */
export abstract class SharedStream<T> {
  // Made with the first subscriber: `[]` then push() would reserve 16 slots for what is nearly always one.
  protected subscribers: Subscriber<T>[] | null = null;
  private ended = false;
  private running = false;

  constructor(
    private readonly owner: StreamOwner,
    readonly kind: WatchKind,
    readonly serverPath: string,
  ) {}

  /** Adds a subscriber; the first one starts the stream (once the client has been started). */
  attach(subscriber: Subscriber<T>): Unsubscribable {
    if (this.subscribers === null) this.subscribers = [subscriber];
    else this.subscribers.push(subscriber);
    this.joined(subscriber);
    if (this.subscribers.length === 1 && this.owner.canStart) this.begin();
    return new Detach(this, subscriber);
  }

  /** Starts the stream if it has subscribers and has not started yet (called again when the client starts). */
  begin(): void {
    if (this.running || this.ended || this.subscribers === null || this.subscribers.length === 0) return;
    this.running = true;
    this.start();
  }

  /** Removes a subscriber; the last one stops the stream. */
  detach(subscriber: Subscriber<T>): void {
    const subscribers = this.subscribers;
    const i = subscribers === null ? -1 : subscribers.indexOf(subscriber);
    if (subscribers === null || i < 0) return;
    subscribers.splice(i, 1);
    if (subscribers.length === 0) this.end();
  }

  /** The client closed: every subscriber completes. */
  complete(): void {
    const subscribers = this.subscribers?.splice(0) ?? [];
    this.end();
    for (const s of subscribers) s.complete();
  }

  protected fail(err: unknown): void {
    const subscribers = this.subscribers?.splice(0) ?? [];
    this.end();
    for (const s of subscribers) s.error(err);
  }

  protected emit(value: T): void {
    const subscribers = this.subscribers;
    if (subscribers === null) return;
    // A copy: a subscriber may leave (or another join) from inside its `next`.
    for (const s of subscribers.length === 1 ? subscribers : [...subscribers]) s.next(value);
  }

  protected get isEnded(): boolean {
    return this.ended;
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.running) this.stop();
    this.owner.ended(this);
  }

  /** A subscriber joined a running stream (e.g. give it the last value). */
  protected joined(_subscriber: Subscriber<T>): void {}

  protected abstract start(): void;

  protected abstract stop(): void;
}

/** A subscriber's teardown: an object, not a closure, to keep subscribers small. */
class Detach<T> implements Unsubscribable {
  constructor(
    private readonly stream: SharedStream<T>,
    private readonly subscriber: Subscriber<T>,
  ) {}

  unsubscribe(): void {
    this.stream.detach(this.subscriber);
  }
}
