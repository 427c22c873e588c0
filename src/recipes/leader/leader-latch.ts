import {
  EMPTY,
  ReplaySubject,
  catchError,
  defer,
  distinctUntilChanged,
  map,
  share,
  switchMap,
  throwError,
  type Observable,
  type ObservableInput,
} from 'rxjs';
import { ClientClosedError, InvalidArgumentError, type ZooKeeperClient } from '../../index';
import type { ContenderSpec } from '../contender/contender';
import { checkClient, identifierOption, optionsObject, recipePath } from '../kernel/arguments';
import type { Holding } from '../holding';
import { firstHolds } from '../locks/lock';
import { leaderIdentifier$, readParticipants } from './leader-reader';
import { LEADER_LATCH_OPTIONS, type LeaderLatchOptions } from './options';
import { participate } from './participation';

/**
 * The marker a LeaderLatch participant's counter follows: Curator's
 * LeaderLatch LOCK_NAME (`latch-`), after its withProtection prefix.
 *
 * @example
 * const order = sortBySequence(await firstValueFrom(zk.getChildren('/election/scheduler')), LATCH_MARKERS);
 */
export const LATCH_MARKERS = ['latch-'] as const;

/**
 * Leadership as an ongoing state, on Curator's LeaderLatch layout
 * (`<path>/_c_<uuid>-latch-<seq>`, ephemeral, data = identifier, under a
 * container parent): Java services on Curator's LeaderLatch and Node
 * services on rxzk elect one leader among them on the same path.
 *
 * The first participant (by counter) leads; each other watches the one just
 * before it. As in Curator's latch, the leader stays a participant while it
 * leads: it leads until it leaves (the last unsubscribe), its session ends,
 * or its connection drops. Unlike Curator 5.4's, leadership is `false` at
 * SUSPENDED (what Curator's default error policy does, and the lesson of
 * CURATOR-460), and after a reconnect it is claimed again only if the node
 * is still there and owned by the current session (CURATOR-696).
 *
 * One participation per LeaderLatch, shared by every subscriber of
 * `leadership$()`, `holding$()` and `whileLeader(latch)`: it joins on the
 * first subscribe, rejoins by itself (a new node, on the new session) after
 * an expiry or a LOST holding, and leaves on the last unsubscribe. Nothing
 * touches ZooKeeper before that.
 *
 * @example
 * const latch = new LeaderLatch(zk, '/election/scheduler', { identifier: 'scheduler-1' });
 * latch.leadership$().subscribe((leading) => console.log(leading ? 'leading' : 'following'));
 * runSchedules$.pipe(whileLeader(latch)).subscribe();
 */
export class LeaderLatch {
  private readonly path: string;
  private readonly identifier: string;
  private readonly participation$: Observable<Holding | null>;

  /**
   * Creates the latch; nothing is sent until the first subscriber of `leadership$()`, `holding$()` or `whileLeader(latch)`.
   *
   * @param zk the client to take part with
   * @param path the election's node (created as a container if missing), shared with Curator LeaderLatches
   * @param opts `identifier`: stored as this participant's node data (default `<hostname>:<pid>`)
   * @throws InvalidPathError for a bad path, InvalidArgumentError for bad options
   * @example
   * const latch = new LeaderLatch(zk, '/election/scheduler', { identifier: `scheduler@${os.hostname()}` });
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
    opts?: LeaderLatchOptions,
  ) {
    checkClient(zk, 'LeaderLatch');
    this.path = recipePath(path);
    this.identifier = identifierOption(optionsObject(opts, 'LeaderLatch', LEADER_LATCH_OPTIONS).identifier, 'LeaderLatch');
    this.participation$ = participate(zk, () => this.spec(), { recipe: 'LeaderLatch', path: this.path }).pipe(
      // One participation for all subscribers; a late one is told the current state. Left on the last unsubscribe.
      share({ connector: () => new ReplaySubject<Holding | null>(1), resetOnError: true, resetOnComplete: true, resetOnRefCountZero: true }),
    );
  }

  private spec(): ContenderSpec {
    return {
      parent: this.path,
      naming: { style: 'curator', name: 'latch-' },
      data: Buffer.from(this.identifier, 'utf8'),
      markers: LATCH_MARKERS,
      decide: firstHolds,
    };
  }

  /**
   * Whether this participant leads: `false` at once (joining on the first
   * subscribe), `true` while it leads, `false` from SUSPENDED on (and `true`
   * again if the same session reconnects in time with its node). It rejoins
   * by itself after an expiry; it completes when the client closes. The last
   * unsubscribe (of this, `holding$()` and `whileLeader`) leaves.
   *
   * @example
   * latch.leadership$().subscribe((leading) => metrics.gauge('leader', leading ? 1 : 0));
   */
  leadership$(): Observable<boolean> {
    return this.participation$.pipe(
      map((holding) => holding !== null),
      distinctUntilChanged(),
    );
  }

  /**
   * The same participation as {@link leadership$}, with the Holding while
   * leading (its `fencingToken`, `state$`, `signal`): `null` while
   * following and from SUSPENDED on; the same Holding again if still leader
   * after reconnecting on the same session; a new one for each new term.
   *
   * @example
   * latch.holding$().pipe(
   *   switchMap((h) => (h === null ? EMPTY : writeReports({ fencingToken: h.fencingToken, signal: h.signal }))),
   * ).subscribe();
   */
  holding$(): Observable<Holding | null> {
    return this.participation$.pipe(distinctUntilChanged());
  }

  /**
   * Runs `work` for each term of leadership: `work(holding)` is subscribed
   * once this participant leads — it gets the term's Holding, fencing token
   * and signal included — and unsubscribed when the term ends (SUSPENDED, an
   * expiry, its node deleted), to be subscribed again with the Holding of the
   * next term (the same Holding when the same session reconnects in time). It
   * takes part through the latch's one shared participation, mirrors work's
   * values and errors, and never completes by itself: it completes when the
   * client closes (a ClientClosedError of work's own requests then is not an
   * error). Unsubscribing stops work and leaves (with the last subscriber).
   *
   * @example
   * latch.run((h) => interval(60_000).pipe(concatMap(() => runSchedule({ fencingToken: h.fencingToken, signal: h.signal })))).subscribe();
   */
  run<T>(work: (holding: Holding) => ObservableInput<T>): Observable<T> {
    if (typeof work !== 'function') return throwError(() => new InvalidArgumentError('run needs a function (holding) => ObservableInput'));
    return this.holding$().pipe(
      switchMap((holding) =>
        holding === null
          ? EMPTY
          : defer(() => work(holding)).pipe(catchError((err: unknown) => (err instanceof ClientClosedError ? EMPTY : throwError(() => err)))),
      ),
    );
  }

  /**
   * The current leader's identifier, for anyone (no participation, no node):
   * `null` when there is none. Emits the current one first, then each change.
   *
   * @example
   * latch.leader$().subscribe((id) => console.log('leader is', id ?? 'nobody'));
   */
  leader$(): Observable<string | null> {
    return leaderIdentifier$(this.zk, this.path, LATCH_MARKERS);
  }

  /**
   * The participants' identifiers in their order, the first being the leader
   * (Curator's getParticipants).
   *
   * @example
   * for (const p of await latch.participants()) console.log(p.identifier, p.isLeader ? '(leader)' : '');
   */
  participants(): Promise<
    {
      /** The participant's identifier (its node's data). */
      identifier: string;
      /** Whether it is the leader (the first participant). */
      isLeader: boolean;
    }[]
  > {
    return readParticipants(this.zk, this.path, LATCH_MARKERS);
  }
}
