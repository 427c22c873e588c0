import { debounceTime, filter, firstValueFrom, fromEvent, map, merge, takeUntil, type Observable, type Subscriber } from 'rxjs';
import { isConnected, joinPath, type ZooKeeperClient } from '../../index';
import type { Holding } from '../holding';
import { Lock } from '../locks/lock';
import type { Party } from './party';
import { shareOf, type PartitionFunction } from './partition';

/** kazoo's PartitionState names. */
export type PartitionState = 'ALLOCATING' | 'ACQUIRED' | 'RELEASE' | 'FAILURE';

/** What a partitioner reports: its state, and its share while ACQUIRED ([] otherwise). */
export interface PartitionEvent {
  /** Where the member stands: ALLOCATING (waiting for membership to settle, taking locks), ACQUIRED, RELEASE, FAILURE. */
  state: PartitionState;
  /** This member's share while ACQUIRED (every item's lock held); `[]` in every other state. */
  items: string[];
}

/** What a partitioner runs with. */
export interface PartitionSetup {
  readonly zk: ZooKeeperClient;
  readonly party: Party;
  /** `<path>/locks` */
  readonly locksPath: string;
  readonly items: string[];
  readonly identifier: string;
  readonly partition: PartitionFunction;
  readonly settle: number;
}

const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Why an ACQUIRED share (or an allocation in progress) ends. */
type Interruption = 'members' | 'connection' | 'lock' | 'closed' | 'stopped';

/**
 * One subscription of `partitions$()`: the loop kazoo's SetPartitioner runs,
 * without its dead ends (it is unusable after FAILURE, partitioner.py
 * `_fail_out`; it can stay ALLOCATING, kazoo#392):
 *
 * ALLOCATING — wait for the party's membership to be unchanged for `settle`
 * ms (kazoo's PatientChildrenWatch), compute this member's share, and take
 * the kazoo Lock `<path>/locks/<item>` of each item, giving up (and letting
 * go of those taken) as soon as the membership changes or the connection drops;
 * ACQUIRED — every lock of the share held, emitted only then; RELEASE —
 * emitted, then the locks released, when the membership changes, the
 * connection drops (SUSPENDED: the locks may be gone already) or a lock is
 * lost; FAILURE — the session expired, then back to ALLOCATING on the new
 * session (the party member is made again by itself).
 *
 * So no item is ever in two members' ACQUIRED shares: a member says ACQUIRED
 * only while holding the item's lock, and says RELEASE before letting it go.
 */
export class PartitionRun {
  private readonly stop = new AbortController();
  private readonly stopped$: Observable<Event>;
  private held: Holding[] = [];
  private last: PartitionState | null = null;

  constructor(
    private readonly setup: PartitionSetup,
    private readonly subscriber: Subscriber<PartitionEvent>,
  ) {
    this.stopped$ = fromEvent(this.stop.signal, 'abort');
  }

  start(): void {
    this.run().then(
      () => this.subscriber.complete(),
      (err: unknown) => this.subscriber.error(err),
    );
  }

  /** Unsubscribed: stop allocating, let go of the locks, leave the party. */
  teardown(): void {
    this.stop.abort(new Error('unsubscribed'));
  }

  private emit(state: PartitionState, items: string[] = []): void {
    if (state === this.last && state !== 'ACQUIRED') return;
    this.last = state;
    if (!this.stop.signal.aborted) this.subscriber.next({ state, items });
  }

  private async run(): Promise<void> {
    const { zk, party } = this.setup;
    try {
      this.emit('ALLOCATING');
      await party.join();
      for (;;) {
        const session = zk.session?.id;
        const ended = await this.allocateAndHold();
        if (ended === 'stopped' || ended === 'closed') return;
        // Let go: RELEASE was said first (when a share was held).
        await this.releaseAll();
        if (!(await this.connected())) return;
        if (zk.session?.id !== session) this.emit('FAILURE');
        this.emit('ALLOCATING');
      }
    } finally {
      await this.releaseAll();
      await party.leave().catch(() => undefined);
    }
  }

  /** Waits until connected; false when stopped or closed first. */
  private async connected(): Promise<boolean> {
    const state = await firstValueFrom(
      this.setup.zk.state$.pipe(
        filter((s) => isConnected(s) || s === 'CLOSED' || s === 'AUTH_FAILED'),
        takeUntil(this.stopped$),
      ),
      { defaultValue: 'CLOSED' as const },
    );
    return isConnected(state);
  }

  /** One round: settle, take the share's locks, say ACQUIRED, and hold until something interrupts it. */
  private async allocateAndHold(): Promise<Interruption> {
    const { party, settle, identifier, items, partition } = this.setup;
    // Membership stable for `settle` ms, and this member in it (its node may be re-made just now, after an expiry).
    const members = await firstValueFrom(
      party.members$().pipe(
        debounceTime(settle),
        filter((m) => m.includes(identifier)),
        takeUntil(merge(this.stopped$, this.interruptions(null))),
      ),
      { defaultValue: null },
    );
    if (members === null) return this.why(null);
    const share = shareOf(partition, members, items, identifier);
    const abort = new AbortController();
    const watching = this.interruptions(members).subscribe((why) => abort.abort(why));
    const onStop = () => abort.abort('stopped');
    this.stop.signal.addEventListener('abort', onStop, { once: true });
    try {
      for (const item of share) {
        const lock = new Lock(this.setup.zk, joinPath(this.setup.locksPath, item), { identifier, layout: 'kazoo' });
        try {
          this.held.push(await lock.acquire({ signal: abort.signal }));
        } catch (err) {
          if (abort.signal.aborted) return abort.signal.reason as Interruption;
          throw err;
        }
      }
      if (abort.signal.aborted) return abort.signal.reason as Interruption;
      this.emit('ACQUIRED', share);
      const why = await firstValueFrom(
        merge(this.interruptions(members), ...this.held.map((h) => h.state$.pipe(filter((s) => s !== 'HELD'), map(() => 'lock' as const)))).pipe(
          takeUntil(this.stopped$),
        ),
        { defaultValue: 'stopped' as const },
      );
      if (why !== 'stopped') this.emit('RELEASE');
      return why;
    } finally {
      watching.unsubscribe();
      this.stop.signal.removeEventListener('abort', onStop);
    }
  }

  /** The reason a settle or an allocation ended without a share. */
  private why(members: string[] | null): Interruption {
    if (this.stop.signal.aborted) return 'stopped';
    const state = this.setup.zk.state;
    if (state === 'CLOSED' || state === 'AUTH_FAILED') return 'closed';
    return members === null ? 'connection' : 'members';
  }

  /** Emits why the current round must end: the membership differs from `members` (when given), or the connection dropped. */
  private interruptions(members: string[] | null): Observable<Interruption> {
    const connection$ = this.setup.zk.state$.pipe(
      filter((s) => !isConnected(s)),
      map((s): Interruption => (s === 'CLOSED' || s === 'AUTH_FAILED' ? 'closed' : 'connection')),
    );
    if (members === null) return connection$;
    const changed$ = this.setup.party.members$().pipe(
      filter((m) => !same(m, members)),
      map((): Interruption => 'members'),
    );
    return merge(connection$, changed$);
  }

  private async releaseAll(): Promise<void> {
    const held = this.held.splice(0);
    await Promise.all(held.map((h) => h.release().catch(() => undefined)));
  }
}
