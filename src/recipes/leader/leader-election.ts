import { Observable, throwError, type ObservableInput } from 'rxjs';
import { InvalidArgumentError, type ZooKeeperClient } from '../../index';
import { layoutOption } from '../contender/node-naming';
import { checkClient, identifierOption, optionsObject, recipePath } from '../kernel/arguments';
import type { Holding } from '../holding';
import type { ReportedAs } from '../kernel/activity';
import { LOCK_MARKERS, Lock } from '../locks/lock';
import { ElectionRun } from './election-run';
import { leaderIdentifier$ } from './leader-reader';
import { LEADER_ELECTION_OPTIONS, type LeaderElectionOptions } from './options';

/**
 * Options of {@link LeaderElection.run}.
 *
 * @example
 * election.run(() => work(), { requeue: true }).subscribe();
 */
export interface RunOptions {
  /** Queue again after each term whose work completed (Curator's autoRequeue); the run then never completes by itself. */
  requeue?: boolean;
}

/**
 * Leadership for the length of a piece of work (kazoo's Election, Curator's
 * LeaderSelector): a Lock whose holder runs the work. Its nodes are a Lock's
 * (`<path>/_c_<uuid>-lock-<seq>`, data = identifier, as Curator's
 * LeaderSelector writes them; kazoo's `<hex>__lock__<seq>` with
 * `layout: 'kazoo'`, for paths shared with kazoo Elections, which see no
 * other kind), and it honours both kinds of contender.
 *
 * @example
 * const election = new LeaderElection(zk, '/election/reports', { identifier: 'reporter-1' });
 * election.run((h) => buildReports({ fencingToken: h.fencingToken, signal: h.signal }), { requeue: true }).subscribe();
 */
export class LeaderElection {
  private readonly lock: Lock;
  private readonly path: string;

  /**
   * Creates the election; nothing is sent until `run()` or another method is subscribed or called.
   *
   * @param zk the client to take part with
   * @param path the election's node, shared with Curator LeaderSelectors (or kazoo Elections with `layout: 'kazoo'`)
   * @param opts `identifier` (stored as this contender's node data, default `<hostname>:<pid>`) and `layout`
   * @throws InvalidPathError for a bad path, InvalidArgumentError for bad options
   * @example
   * const election = new LeaderElection(zk, '/election/reports', { identifier: 'reporter-1', layout: 'curator' });
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
    opts?: LeaderElectionOptions,
  ) {
    checkClient(zk, 'LeaderElection');
    this.path = recipePath(path);
    const options = optionsObject(opts, 'LeaderElection', LEADER_ELECTION_OPTIONS);
    this.lock = new ElectionLock(zk, this.path, {
      identifier: identifierOption(options.identifier, 'LeaderElection'),
      layout: layoutOption(options.layout, 'LeaderElection'),
    });
  }

  /**
   * Cold: on subscribe, waits to be elected, then mirrors `work(h)`.
   * - `work` completes: leadership is given up (the node deleted); with
   *   `requeue` this contender queues again and the result never completes
   *   by itself, else the result completes.
   * - `work` errors: leadership is given up and the result errors with that
   *   error (no requeue).
   * - the Holding is LOST: `work` is unsubscribed and the result errors with
   *   LockLostError; with `requeue` it queues again instead (a new node, on
   *   the new session after an expiry). SUSPENDED does not cancel work: it
   *   reads `h.state$` (and `h.signal` aborts at LOST).
   * - waiting to be elected goes on across dropped connections and expiries
   *   (a new node on the new session).
   * Unsubscribing stops the work and leaves (the node removed).
   *
   * @example
   * election.run((h) => from(compact(h.signal))).subscribe({ complete: () => console.log('term over') });
   * // Leads turn and turn about with the other contenders, for as long as subscribed:
   * election.run(() => timer(60_000), { requeue: true }).subscribe();
   */
  run<T>(work: (holding: Holding) => ObservableInput<T>, opts?: RunOptions): Observable<T> {
    let requeue: boolean;
    try {
      requeue = runOptions(work, opts);
    } catch (err) {
      // As the client's operations do: a bad argument is the Observable's error, before anything is sent.
      return throwError(() => err);
    }
    return new Observable<T>((subscriber) => {
      const run = new ElectionRun<T>(this.zk, this.lock, work, requeue, subscriber, { recipe: 'LeaderElection', path: this.path });
      run.start();
      return () => run.teardown();
    });
  }

  /**
   * The current leader's identifier, for anyone (no participation): `null`
   * when there is none. Emits the current one first, then each change.
   *
   * @example
   * election.leader$().subscribe((id) => console.log('reports by', id ?? 'nobody'));
   */
  leader$(): Observable<string | null> {
    return leaderIdentifier$(this.zk, this.path, LOCK_MARKERS);
  }

  /**
   * The contenders' identifiers, the leader first (kazoo's contenders()).
   *
   * @example
   * console.log(await election.contenders()); // ['reporter-1', 'reporter-2']
   */
  contenders(): Promise<string[]> {
    return this.lock.contenders();
  }
}

/** The election's contender lock: its waits and holds (`lock-wait`, `lock-hold`) are reported as the election's. */
class ElectionLock extends Lock {
  /** @internal */
  protected override reportedAs(): ReportedAs {
    return { recipe: 'LeaderElection', path: this.contendersParent };
  }
}

/** The keys of {@link RunOptions}. */
const RUN_OPTIONS: Record<keyof RunOptions, true> = { requeue: true };

/** Checks run()'s arguments as a JavaScript caller may give them; returns `requeue`. */
function runOptions(work: unknown, opts: unknown): boolean {
  if (typeof work !== 'function') throw new InvalidArgumentError('run needs a function (holding) => ObservableInput');
  const { requeue } = optionsObject(opts, 'run', RUN_OPTIONS);
  if (requeue !== undefined && typeof requeue !== 'boolean') throw new InvalidArgumentError(`run requeue must be a boolean, not ${String(requeue)}`);
  return requeue === true;
}
