import { Observable, throwError, type ObservableInput, type Subscription } from 'rxjs';
import { InvalidArgumentError, joinPath, sortBySequence, type ZooKeeperClient } from '../../index';
import { LockLostError } from '../errors';
import type { Holding } from '../holding';
import { endWithHolding, onHoldingEnd, outcomeOf, startActivity, type ReportedAs } from '../kernel/activity';
import { childrenOrEmpty, readOrNull } from '../kernel/znodes';
import { checkWaitOptions, nullIfTimedOut, type WaitOptions } from '../kernel/wait';
import { startAttempt, type AttemptSink, type ContenderSpec } from './contender';
import { runHeld } from './held-run';

/**
 * The methods every lock-like recipe offers (a Lock, each half of a
 * ReadWriteLock, a Semaphore's lease), on the one contender mechanism.
 * Not re-entrant: every acquire is its own contender.
 */
export abstract class ContenderLock {
  protected constructor(
    /** The client the contenders' nodes are made with. */
    protected readonly zk: ZooKeeperClient,
    /** The node under which the contenders are listed. */
    protected readonly contendersParent: string,
  ) {}

  /**
   * Who this lock's waits and holds are reported as on `zk.recipeEvents$` (`lock-wait`, `lock-hold`): the recipe's
   * class name as users know it, and the path given to its constructor.
   * @internal
   */
  protected abstract reportedAs(): ReportedAs;

  /**
   * The rules of this recipe's contender, for one attempt.
   * @internal
   */
  protected abstract spec(): ContenderSpec;

  /**
   * Starts one attempt, told to `sink`; returns its teardown (releases the holding, or ends the wait and removes the
   * node). A recipe may wrap it: a semaphore takes a mutex around it.
   * @internal
   */
  protected begin(wait: WaitOptions, sink: AttemptSink): () => void {
    return startAttempt(this.zk, this.spec(), wait, sink);
  }

  /**
   * One attempt as a cold Observable: {@link begin} on subscribe, its teardown on unsubscribe.
   * @internal
   */
  protected attempt(wait: WaitOptions): Observable<Holding> {
    return new Observable<Holding>((subscriber) => this.begin(wait, subscriber));
  }

  /**
   * Waits until held. `timeout` (ms) bounds the whole wait (`0` tries once)
   * and rejects with LockTimeoutError; `signal` aborts it (rejecting with its
   * reason); either way this waiter's node is removed.
   *
   * @example
   * const holding = await lock.acquire({ timeout: 10_000 });
   * try { await work(holding.signal); } finally { await holding.release(); }
   */
  acquire(opts?: WaitOptions): Promise<Holding> {
    let wait: WaitOptions;
    try {
      wait = checkWaitOptions(opts, 'acquire');
    } catch (err) {
      return Promise.reject(err);
    }
    const as = this.reportedAs();
    const waiting = startActivity(this.zk, 'lock-wait', as);
    return new Promise<Holding>((resolve, reject) => {
      let teardown: (() => void) | undefined = undefined;
      let ended = false;
      // No Observable in between (an uncontended cycle's one attempt costs no Subscriber chain).
      teardown = this.begin(wait, {
        next: (holding) => {
          waiting.end('ok');
          endWithHolding(startActivity(this.zk, 'lock-hold', as), holding);
          // The attempt lives as long as the holding: its end (released or lost) lets it go.
          onHoldingEnd(holding, () => {
            ended = true;
            teardown?.();
          });
          resolve(holding);
        },
        error: (err: unknown) => {
          waiting.end(outcomeOf(err, wait.signal), err);
          reject(err);
        },
      });
      if (ended) teardown();
    });
  }

  /**
   * Takes it if it is free now, without waiting; `null` otherwise (and no node is left behind).
   *
   * @example
   * const holding = await lock.tryAcquire();
   * if (holding === null) return; // someone else has it
   */
  tryAcquire(): Promise<Holding | null> {
    return nullIfTimedOut(this.acquire({ timeout: 0 }));
  }

  /**
   * Cold: acquires on subscribe and emits the Holding once held; unsubscribing
   * releases it. Errors with LockLostError when the holding is LOST, and with
   * LockTimeoutError (or the signal's reason) when the wait runs out.
   *
   * @example
   * lock.hold$().pipe(switchMap((h) => runJobs(h.fencingToken))).subscribe();
   */
  hold$(opts?: WaitOptions): Observable<Holding> {
    return new Observable<Holding>((subscriber) => {
      let states: Subscription | undefined;
      const wait = checkWaitOptions(opts, 'hold$');
      const as = this.reportedAs();
      const waiting = startActivity(this.zk, 'lock-wait', as);
      const attempt = this.attempt(wait).subscribe({
        next: (holding) => {
          waiting.end('ok');
          endWithHolding(startActivity(this.zk, 'lock-hold', as), holding);
          subscriber.next(holding);
          states = holding.state$.subscribe((state) => {
            if (state === 'LOST') subscriber.error(new LockLostError(holding));
          });
        },
        error: (err: unknown) => {
          waiting.end(outcomeOf(err, wait.signal), err);
          subscriber.error(err);
        },
      });
      return () => {
        // Left while waiting (a hold is ended by its release, which unsubscribing makes).
        waiting.end('aborted');
        states?.unsubscribe();
        attempt.unsubscribe();
      };
    });
  }

  /**
   * Acquires, runs `work`, releases (also when `work` throws), and gives
   * what `work` returned.
   *
   * @example
   * const total = await lock.withLock(async (h) => recompute(h.signal), { timeout: 30_000 });
   */
  async withLock<T>(work: (holding: Holding) => T | Promise<T>, opts?: WaitOptions): Promise<T> {
    if (typeof work !== 'function') throw new InvalidArgumentError('withLock needs a function');
    const holding = await this.acquire(opts);
    try {
      return await work(holding);
    } finally {
      await holding.release();
    }
  }

  /**
   * Cold: acquires on subscribe, then mirrors `work(holding)` — the work gets
   * its Holding, fencing token and signal included (as LeaderElection.run's
   * does) — and releases when it completes or errors, then completes or errors
   * likewise. When the holding is LOST, work is unsubscribed and the result
   * errors with LockLostError; SUSPENDED does not stop work, which reads
   * `holding.state` (or sends `holding.fencingToken`) right before each side
   * effect. Unsubscribing stops work and releases (or stops waiting). `opts`
   * bound the wait as for `acquire` (LockTimeoutError, the signal's reason).
   *
   * @example
   * lock.run((h) => from(store.write(batch, { fencingToken: h.fencingToken, signal: h.signal }))).subscribe();
   */
  run<T>(work: (holding: Holding) => ObservableInput<T>, opts?: WaitOptions): Observable<T> {
    let wait: WaitOptions;
    try {
      if (typeof work !== 'function') throw new InvalidArgumentError('run needs a function (holding) => ObservableInput');
      wait = checkWaitOptions(opts, 'run');
    } catch (err) {
      // As the client's operations do: a bad argument is the Observable's error, before anything is sent.
      return throwError(() => err);
    }
    return runHeld(this.hold$(wait), work);
  }

  /**
   * The contenders' identifiers (their nodes' data), in the order they hold
   * or will hold: the holder first.
   *
   * @example
   * console.log(await lock.contenders()); // ['host-a:4242', 'host-b:777']
   */
  async contenders(): Promise<string[]> {
    return readIdentifiers(this.zk, this.contendersParent, this.spec().markers);
  }
}

/** The data of the contender nodes under `parent`, in their order; nodes gone meanwhile are left out. Reads retried across reconnects and expiries. */
export async function readIdentifiers(zk: ZooKeeperClient, parent: string, markers: readonly string[]): Promise<string[]> {
  const ordered = sortBySequence(await childrenOrEmpty(zk, parent), markers);
  const data = await Promise.all(ordered.map(async (c) => (await readOrNull(zk, joinPath(parent, c.name)))?.data.toString('utf8') ?? null));
  return data.filter((d): d is string => d !== null);
}
