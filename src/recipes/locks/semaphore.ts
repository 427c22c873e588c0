import { Observable, type Subscription } from 'rxjs';
import { InvalidArgumentError, joinPath, type ZooKeeperClient } from '../../index';
import type { AttemptSink, ContenderNode, ContenderSpec, Decision } from '../contender/contender';
import { contend } from '../contender/contender';
import { ContenderLock } from '../contender/contender-lock';
import type { ReportedAs } from '../kernel/activity';
import { checkClient, identifierOption, optionsObject, recipePath } from '../kernel/arguments';
import { LockTimeoutError } from '../errors';
import type { Holding } from '../holding';
import { deadlineOf, timeLeft, type WaitOptions } from '../kernel/wait';
import { SemaphoreMutex } from './semaphore-mutex';

/** Options of a Semaphore. */
export interface SemaphoreOptions {
  /** How many leases may be held at once. Stored nowhere (as in Curator): every participant must pass the same one. */
  maxLeases: number;
  /** This participant's identifier, stored as its lease node's data (default `<hostname>:<pid>`). */
  identifier?: string;
}

/** The keys of {@link SemaphoreOptions}. */
const SEMAPHORE_OPTIONS: Record<keyof SemaphoreOptions, true> = { maxLeases: true, identifier: true };

/** The marker a lease's counter follows: Curator InterProcessSemaphoreV2's LEASE_BASE_NAME (`lease-`), after its protection prefix. */
export const LEASE_MARKERS = ['-lease-'] as const;

/** The largest count a signed 32-bit sequence counter can tell apart. */
const MAX_LEASES = 0x7fffffff;

/**
 * A distributed counting semaphore on Curator's InterProcessSemaphoreV2
 * layout: a lease is an ephemeral `<path>/leases/_c_<uuid>-lease-<seq>`
 * (its data the identifier), created while holding the mutex
 * `<path>/locks` (an InterProcessMutex), so rxzk and Curator semaphores on one
 * path share their leases.
 *
 * A lease is held while it is among the first `maxLeases` leases by counter
 * (a lease's place only moves forward, so once held it stays within them);
 * otherwise it waits, watching the list of leases. The mutex is taken only
 * around creating and counting the lease (Curator keeps it while it waits),
 * so `tryAcquire()` may give `null` while another acquirer holds it.
 * `timeout` bounds the whole wait, mutex included.
 *
 * `acquire`, `tryAcquire`, `hold$` and `withLock` work as a Lock's, one lease
 * each; every acquire is its own lease.
 *
 * @example
 * const sem = new Semaphore(zk, '/sem/db', { maxLeases: 5 });
 * await sem.withLock(async (lease) => runQuery({ signal: lease.signal }), { timeout: 30_000 });
 */
export class Semaphore extends ContenderLock {
  private readonly maxLeases: number;
  private readonly identifier: Buffer;
  private readonly mutex: SemaphoreMutex;
  /** Its leases are reported as the Semaphore's, at the path given (not the `leases` node under it). */
  private readonly reported: ReportedAs;

  /**
   * Nothing is sent until a method is called; a bad path, or a maxLeases
   * that is not a positive integer, throws InvalidArgumentError here.
   *
   * @example
   * const sem = new Semaphore(zk, '/sem/db', { maxLeases: 5, identifier: 'db-worker-1' });
   */
  constructor(zk: ZooKeeperClient, path: string, opts: SemaphoreOptions) {
    checkClient(zk, 'Semaphore');
    const base = recipePath(path);
    super(zk, joinPath(base, 'leases'));
    const options = optionsObject(opts, 'Semaphore', SEMAPHORE_OPTIONS);
    const { maxLeases } = options;
    if (typeof maxLeases !== 'number' || !Number.isInteger(maxLeases) || maxLeases < 1 || maxLeases > MAX_LEASES) {
      throw new InvalidArgumentError(`Semaphore maxLeases must be an integer from 1 to ${MAX_LEASES}, not ${String(maxLeases)}`);
    }
    this.maxLeases = maxLeases;
    const identifier = identifierOption(options.identifier, 'Semaphore');
    this.identifier = Buffer.from(identifier, 'utf8');
    this.mutex = new SemaphoreMutex(zk, joinPath(base, 'locks'), { identifier });
    this.reported = { recipe: 'Semaphore', path: base };
  }

  /** @internal */
  protected reportedAs(): ReportedAs {
    return this.reported;
  }

  /** @internal */
  protected spec(): ContenderSpec {
    return this.leaseSpec(() => undefined);
  }

  /** The lease's rules; `counted` is told after each count of the leases (the first one ends the mutex's part). */
  private leaseSpec(counted: () => void): ContenderSpec {
    const max = this.maxLeases;
    return {
      parent: this.contendersParent,
      naming: { style: 'curator', name: 'lease-' },
      data: this.identifier,
      markers: LEASE_MARKERS,
      decide: (_contenders: readonly ContenderNode[], own: number): Decision => {
        counted();
        return own < max ? { held: true } : { held: false, waitForChildren: true };
      },
    };
  }

  /**
   * Takes the mutex, creates and counts the lease, lets the mutex go, then
   * waits (if it must) for a place among the first maxLeases. The timeout
   * is one deadline for both waits.
   * @internal
   */
  protected override begin(wait: WaitOptions, sink: AttemptSink): () => void {
    const lease = this.lease$(wait).subscribe({ next: (holding) => sink.next(holding), error: (err: unknown) => sink.error(err) });
    return () => lease.unsubscribe();
  }

  /** One attempt: the mutex, the lease counted under it, then the wait for a place. */
  private lease$(wait: WaitOptions): Observable<Holding> {
    return new Observable<Holding>((subscriber) => {
      const deadline = deadlineOf(wait);
      let lease: Subscription | null = null;
      let mutex: Subscription | null = null;
      let mutexHeld = false;
      const letMutexGo = (): void => {
        // After the callback that counted: the contender is still inside its check.
        queueMicrotask(() => mutex?.unsubscribe());
      };
      const timedOut = (err: unknown): unknown =>
        err instanceof LockTimeoutError && wait.timeout !== undefined ? new LockTimeoutError(wait.timeout, undefined, { cause: err }) : err;
      mutex = this.mutex.take(wait).subscribe({
        next: () => {
          if (mutexHeld) return;
          mutexHeld = true;
          lease = contend(this.zk, this.leaseSpec(letMutexGo), { timeout: timeLeft(deadline), signal: wait.signal }).subscribe({
            next: (holding) => subscriber.next(holding),
            error: (err: unknown) => subscriber.error(timedOut(err)),
          });
        },
        error: (err: unknown) => subscriber.error(timedOut(err)),
      });
      return () => {
        lease?.unsubscribe();
        mutex?.unsubscribe();
      };
    });
  }

  /**
   * The identifiers of the leases held now, oldest first (at most maxLeases;
   * Curator's leases among them).
   *
   * @example
   * console.log(await sem.leaseHolders()); // ['db-worker-1', 'db-worker-4']
   */
  async leaseHolders(): Promise<string[]> {
    return (await this.contenders()).slice(0, this.maxLeases);
  }
}
