import type { Operation } from './operation';
import { PendingRequest } from './pending-request';
import type { WatchRegistration } from './watch-registry';

/**
 * A request whose caller awaits it (`then`, which `await` calls with the
 * resolving functions of its own promise): the reply is handed to the `then`
 * callbacks directly — no Subscriber, no SafeSubscriber, no promise adapter.
 *
 * It is also the PromiseLike that `then` returns, made a real Promise only if
 * someone chains on it (an `await` never does), so an awaited request costs
 * one object. It keeps a promise's rules: the callbacks never run inside the
 * `then` call itself (a request refused at once delivers on a microtask); the
 * chained result is what the callbacks return or throw, and a rejection nobody
 * handles is reported as an unhandled rejection, as a Promise's would be.
 *
 * A promise cannot be abandoned, so the request is wanted until it settles.
 */
export class PromiseRequest<Req, Res, A, B> extends PendingRequest<Req, Res> implements PromiseLike<A | B> {
  /** SUBMITTING inside `then` (a failure then waits for a microtask), then WAITING, then DELIVERED. */
  private phase: typeof SUBMITTING | typeof WAITING | typeof DELIVERED = SUBMITTING;
  /** The chained result: PENDING until the callbacks ran, then what they gave (FULFILLED) or threw (REJECTED). */
  private outcome: typeof PENDING | typeof FULFILLED | typeof REJECTED = PENDING;
  private result: unknown = undefined;
  /** The Promise behind `then`, once someone chains on it (or a rejection must be reported). */
  private chain: Chain<A | B> | null = null;

  constructor(
    op: Operation<Req, Res>,
    args: Req,
    path: string | undefined,
    watch: WatchRegistration | null,
    private readonly onFulfilled: ((value: Res) => A | PromiseLike<A>) | null | undefined,
    private readonly onRejected: ((reason: unknown) => B | PromiseLike<B>) | null | undefined,
  ) {
    super(op, args, path, watch);
  }

  /** `then` has submitted it: from now on a failure is delivered at once. */
  submitted(): void {
    if (this.phase === SUBMITTING) this.phase = WAITING;
  }

  get wanted(): boolean {
    return this.phase !== DELIVERED;
  }

  resolve(value: Res): void {
    if (this.probe !== null) this.report(true, null);
    if (this.phase === DELIVERED) return;
    this.phase = DELIVERED;
    this.ended();
    const onFulfilled = this.onFulfilled;
    if (typeof onFulfilled !== 'function') this.conclude(FULFILLED, value);
    else this.run(onFulfilled, value);
  }

  fail(error: unknown): void {
    if (this.probe !== null) this.report(false, error);
    const submitting = this.phase === SUBMITTING;
    if (this.phase === DELIVERED) return;
    this.phase = DELIVERED;
    this.ended();
    if (submitting) queueMicrotask(() => this.rejectWith(error));
    else this.rejectWith(error);
  }

  private rejectWith(error: unknown): void {
    const onRejected = this.onRejected;
    if (typeof onRejected !== 'function') this.conclude(REJECTED, error);
    else this.run(onRejected, error);
  }

  private run<T>(callback: (argument: T) => unknown, argument: T): void {
    let result: unknown;
    try {
      result = callback(argument);
    } catch (err) {
      this.conclude(REJECTED, err);
      return;
    }
    this.conclude(FULFILLED, result);
  }

  private conclude(outcome: typeof FULFILLED | typeof REJECTED, result: unknown): void {
    this.outcome = outcome;
    this.result = result;
    const chain = this.chain;
    if (chain !== null) {
      if (outcome === FULFILLED) chain.resolve(result);
      else chain.reject(result);
    } else if (outcome === REJECTED || isThenable(result)) {
      // A rejection (or a thenable to adopt, which may reject) must reach someone or be reported: as a Promise.
      this.materialize();
    }
  }

  /** The chained result as a real Promise (made once). */
  private materialize(): Promise<A | B> {
    if (this.chain === null) this.chain = new Chain<A | B>(this.outcome, this.result);
    return this.chain.promise;
  }

  then<C = A | B, D = never>(
    onfulfilled?: ((value: A | B) => C | PromiseLike<C>) | null,
    onrejected?: ((reason: unknown) => D | PromiseLike<D>) | null,
  ): Promise<C | D> {
    return this.materialize().then(onfulfilled, onrejected);
  }
}

const SUBMITTING = 0;
const WAITING = 1;
const DELIVERED = 2;
const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;

/** A Promise and its resolving functions: made only when someone chains on an awaited request. */
class Chain<T> {
  readonly promise: Promise<T>;
  resolve: (value: unknown) => void = () => undefined;
  reject: (reason: unknown) => void = () => undefined;

  constructor(outcome: number, result: unknown) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve as (value: unknown) => void;
      this.reject = reject;
      if (outcome === FULFILLED) resolve(result as T);
      else if (outcome === REJECTED) reject(result);
    });
  }
}

function isThenable(value: unknown): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
