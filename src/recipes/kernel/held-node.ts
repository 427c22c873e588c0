import { BehaviorSubject, Observable, firstValueFrom, type Subscription } from 'rxjs';
import {
  NoNodeError,
  RolledBackError,
  SessionExpiredError,
  SessionMovedError,
  isConnected,
  type ConnectionState,
  type Stat,
  type WatchedEvent,
  type ZooKeeperClient,
} from '../../index';
import { LockLostError, OutcomeUnknownError } from '../errors';
import type { Holding, HoldingState } from '../holding';
import { SessionTrail, isLostReply, readOnSameSession } from './proof';
import { retried, untilConnected } from './retry';
import { onConnectionStates } from './connection-states';
import { silentFor, untilSilentFor } from './silence';
import type { WatchRelay } from './watch-relay';
import { removeNode } from './znodes';

/** The node a holding holds: its path, its czxid (the fencing token), and the session that made it. */
export interface HeldNodeSpec {
  readonly node: string;
  readonly czxid: bigint;
  /** The node's ephemeralOwner: the session that created it. */
  readonly sessionId: bigint;
  /** The negotiated session timeout when it was taken: how long a silence may last before LOST. */
  readonly sessionTimeout: number;
}

/**
 * How a holding's node is deleted — the one difference between the recipes' holdings:
 * - `by-path`: a contender's node (a lock, a lease, leadership). Its name is unique to the create that made it, so
 *   a delete sent again on a later session can only find it gone: release() deletes it retried across reconnects
 *   AND expiries, and a node left behind by a LOST holding is deleted in the background. A one-shot exists watch on
 *   the node turns the holding LOST when someone else deletes it.
 * - `proven-owner`: a LockingQueue's entry lock, `<path>/taken/<entry>`, a name every consumer that ever locks the
 *   entry uses (kazoo's layout). It is deleted only after proving it is still this session's (its ephemeralOwner and
 *   czxid), with a versioned delete, and never by a request sent again on a later session: that request could delete
 *   the lock another consumer made since on the same path. A lock LOST by silence while its session may live on is
 *   deleted if that same session comes back.
 */
export type Removal = 'by-path' | 'proven-owner';

/** A PERSISTENT_SEQUENTIAL node made in the transaction that deletes a held node ({@link HeldNode.removeWith}). */
export interface SequentialCreate {
  /** The node's path before the server appends its counter. */
  readonly path: string;
  readonly data: Buffer;
}

/** Whether a holding's state is final (LOST or RELEASED). */
function isTerminal(state: HoldingState): boolean {
  return state === 'LOST' || state === 'RELEASED';
}

/**
 * THE Holding of the recipes: a node held by this session, and its life after it was granted (Curator's
 * ConnectionStateListener advice and TN14 made part of the recipe):
 * - SUSPENDED when the connection drops, and LOST once nothing has been heard from a server for the negotiated
 *   session timeout, without waiting for a reconnect (the server has expired the session by then, and given the
 *   node to the next); reading `state` or `signal` checks that silence first, so a process paused past the session
 *   timeout sees LOST (and an aborted signal) at its first look, before any timer of rxzk has run (issue 17);
 * - back to HELD when the same session reconnects and its node is still there, owned by it (CURATOR-696);
 * - LOST at once on EXPIRED, CLOSED or AUTH_FAILED, and when the node is found deleted by someone else;
 * - RELEASED once release() has deleted the node.
 * How the node is deleted is its {@link Removal}.
 */
export class HeldNode implements Holding {
  readonly node: string;
  readonly fencingToken: bigint;
  /** The state now. */
  private current: HoldingState = 'HELD';
  /** `state$`'s subject, made when someone first subscribes while it is not over (most holdings are never watched). */
  private states: BehaviorSubject<HoldingState> | null = null;
  /** Stops this holding's listening to the client's connection states. */
  private stopStates: (() => void) | null = null;
  /** Made when `signal` is first read (most holdings never read it): aborted at the end. */
  private controller: AbortController | null = null;
  /** The LockLostError of a loss, once LOST. */
  private lostError: LockLostError | null = null;
  private readonly watchers: Subscription[] = [];
  private lostTimer: ReturnType<typeof setTimeout> | undefined;
  /** The removal under way (release(), or removeWith()): the node going meanwhile is ours going, not a loss. */
  private removing: Promise<void> | null = null;
  private checking: Subscription | null = null;
  /** Whether a one-shot watch on the node is set on the server (its exists answered); `by-path` only. */
  private nodeWatched = false;
  /** `by-path`: the watch to be set once the caller's turn of the event loop is over (see the constructor). */
  private watchSoon: ReturnType<typeof setImmediate> | undefined;
  /** `proven-owner`: LOST by the silence while the session may live on; its node is deleted if that session comes back. */
  private orphaned = false;
  private orphanWatch: Subscription | null = null;
  /** Told once the holding ends (see {@link whenEnded}). */
  private endListeners: ((state: 'LOST' | 'RELEASED', cause: LockLostError | null) => void)[] | null = null;

  /**
   * @param watched `by-path`: a one-shot watch on the node already set by the read that proved it this session's
   *   (the contender's last look before holding): the holding takes it over instead of setting its own.
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    private readonly held: HeldNodeSpec,
    private readonly removal: Removal,
    watched?: WatchRelay,
  ) {
    this.node = held.node;
    this.fencingToken = held.czxid;
    const stop = onConnectionStates(zk, (state) => this.onConnectionState(state));
    // Ended by the state it heard first (a closed client): let go at once.
    if (this.ended) stop();
    else this.stopStates = stop;
    if (removal !== 'by-path') return;
    // After the caller's turn of the event loop: a holding released within it (no I/O in between, so no event could
    // have told anything) never sends its watch — the delete says all: a cycle of 3 requests and 2 writes, not 4 and 3.
    // Held across any I/O, the watch is set; a node already gone then is LOST at its answer, as it would be now.
    if (watched === undefined) this.watchSoon = setImmediate(() => this.watchIfHeld());
    else {
      this.nodeWatched = true;
      watched.connect((event) => this.onNodeEvent(event));
    }
  }

  /**
   * Calls `listener` once the holding ends, with its terminal state (and the LockLostError of a loss): at once if it
   * has ended. Costs no subscription (a recipe reporting its hold time on every cycle).
   */
  whenEnded(listener: (state: 'LOST' | 'RELEASED', cause: LockLostError | null) => void): void {
    const state = this.current;
    if (isTerminal(state)) {
      listener(state as 'LOST' | 'RELEASED', this.lostError);
      return;
    }
    (this.endListeners ??= []).push(listener);
  }

  /**
   * Replays the current state, terminal ones included (a completed BehaviorSubject would give a late subscriber
   * nothing: it must still learn LOST or RELEASED).
   */
  get state$(): Observable<HoldingState> {
    return new Observable<HoldingState>((subscriber) => {
      if (!isTerminal(this.current)) return (this.states ??= new BehaviorSubject(this.current)).subscribe(subscriber);
      subscriber.next(this.current);
      subscriber.complete();
      return undefined;
    });
  }

  /** The state now: LOST at once when no server has been heard for the session timeout (a paused process). */
  get state(): HoldingState {
    this.checkSilence();
    return this.current;
  }

  get signal(): AbortSignal {
    this.checkSilence();
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.ended) this.controller.abort(this.endReason());
    }
    return this.controller.signal;
  }

  /**
   * Lets go (the Holding's contract): the node deleted, by its {@link Removal}; then RELEASED. Idempotent; on a
   * holding already LOST or RELEASED it resolves at once, and it never deletes a node another session owns.
   */
  release(): Promise<void> {
    if (this.removing !== null) return this.removing;
    if (this.ended) return Promise.resolve();
    this.stopWatchSoon();
    this.removing =
      this.removal === 'by-path'
        ? removeNode(this.zk, this.node).then(() => this.end('RELEASED'))
        : this.removeProven([]).catch((err: unknown) => {
            // Not this session's any more: LOST (the Holding's release resolves then); anything else is the caller's.
            if (!(err instanceof LockLostError)) throw err;
          });
    return this.removing;
  }

  /**
   * `proven-owner`: deletes the node together with `paths` in one transaction (a LockingQueue's ack: the entry and
   * its lock), once the node is proven this session's; a path already gone is left out. LockLostError when the node
   * was no longer this session's (nothing was deleted); OutcomeUnknownError when the transaction's reply was lost and
   * the session ended before it could be proven applied or not — never LockLostError then, which would say the
   * others were not deleted (issue 17: an item acked so was reported not acked, and no one processed it again).
   * `creates` (PERSISTENT_SEQUENTIAL nodes) go in the same transaction, after the deletes, and only while every one of
   * `paths` is still there (a path found gone drops them): a Curator queue's requeue, which deletes the item node and
   * puts its bytes back at the end of the queue under the consumer's lock (DistributedQueue.processWithLockSafety).
   */
  removeWith(paths: readonly string[], creates: readonly SequentialCreate[] = []): Promise<void> {
    if (this.removing !== null) return this.removing;
    if (this.state === 'LOST') return Promise.reject(new LockLostError(this));
    this.removing = this.removeProven(paths, creates);
    return this.removing;
  }

  /** True while the node is there and still this session's, as the server says after a sync (kazoo's `holds_lock`). */
  async holds(): Promise<boolean> {
    if (this.ended) return false;
    await firstValueFrom(this.zk.sync(this.node)).catch(() => undefined);
    return this.isMine(await retried(this.zk.exists(this.node)));
  }

  /** The signal's reason once ended: the LockLostError of a loss, or that it was released. */
  private endReason(): Error {
    return this.lostError ?? new Error(`${this.node} was released`);
  }

  private get ended(): boolean {
    return isTerminal(this.current);
  }

  /** Keeps a subscription until the holding ends (one that ended it while subscribing is let go at once). */
  private keep(subscription: Subscription): void {
    if (this.ended) subscription.unsubscribe();
    else this.watchers.push(subscription);
  }

  /** The watch put off by the constructor, once the caller's turn is over: set while HELD and not being released. */
  private watchIfHeld(): void {
    this.watchSoon = undefined;
    // SUSPENDED: confirm() sets it once the same session is back; released or releasing: the delete is under way.
    if (this.current === 'HELD' && this.removing === null) this.watchNode();
  }

  /**
   * `by-path`: a one-shot exists watch on the node, so a deletion by someone else ends the holding (LOST). One-shot,
   * not a re-arming follower: our own release() consumes it on the server (NodeDeleted), so a lock cycle costs no
   * re-arm and no removeWatches (4 requests at most, as kazoo's). The client restores it across reconnects (setWatches).
   */
  private watchNode(): void {
    if (this.ended) return;
    this.keep(
      this.zk.exists(this.node, { watch: (event) => this.onNodeEvent(event) }).subscribe({
        next: (stat) => {
          this.nodeWatched = stat !== null;
          if (stat === null) this.nodeGone();
        },
        // Not set (the connection dropped with the request): confirm() sets it again on the reconnect.
        error: () => (this.nodeWatched = false),
      }),
    );
  }

  private onNodeEvent(event: WatchedEvent): void {
    if (event.type === 'None') return; // a session event: the connection states handle it
    this.nodeWatched = false;
    if (this.ended) return;
    if (event.type === 'NodeDeleted') this.nodeGone();
    else this.watchNode(); // its data changed: still ours, watch on
  }

  /** Silent for the session timeout: the session may be gone, and the node given to the next holder. */
  private checkSilence(): void {
    if (!this.ended && silentFor(this.zk, this.held.sessionTimeout)) this.loseToSilence();
  }

  /**
   * LOST when the silence reaches the session timeout. A timer may fire a fraction of a millisecond early by the
   * monotonic clock `timeSinceLastReceived` reads (timers run on the event loop's whole-ms clock): then it waits the
   * rest, so LOST never comes before the silence is a full session timeout (seen: 2,999.98 ms of 3,000).
   */
  private armLostTimer(): void {
    this.lostTimer = setTimeout(() => {
      if (this.ended) return;
      if (silentFor(this.zk, this.held.sessionTimeout)) this.loseToSilence();
      else this.armLostTimer();
    }, Math.ceil(untilSilentFor(this.zk, this.held.sessionTimeout)));
  }

  private onConnectionState(state: ConnectionState): void {
    if (this.ended) return;
    if (state === 'SUSPENDED') {
      if (this.current !== 'HELD') return;
      this.setState('SUSPENDED');
      // The session timeout counts from the last bytes heard, not from the drop the client noticed later.
      this.armLostTimer();
    } else if (isConnected(state)) {
      if (this.current === 'SUSPENDED') this.confirm();
    } else if (state === 'EXPIRED' || state === 'CLOSED' || state === 'AUTH_FAILED') {
      this.lose();
    }
  }

  /** Reconnected: HELD again only on the same session, with the node still there and its own. */
  private confirm(): void {
    if (this.zk.session?.id !== this.held.sessionId) {
      this.lose();
      return;
    }
    this.checking?.unsubscribe();
    this.checking = this.zk.exists(this.node).subscribe({
      next: (stat) => {
        this.checking = null;
        if (this.current !== 'SUSPENDED') return;
        if (!this.owns(stat)) this.nodeGone();
        else {
          clearTimeout(this.lostTimer);
          this.setState('HELD');
          if (this.removal === 'by-path' && !this.nodeWatched) {
            this.stopWatchSoon();
            this.watchNode();
          }
        }
      },
      // Dropped again meanwhile: the next SUSPENDED/CONNECTED decides.
      error: () => (this.checking = null),
    });
  }

  /** The node is gone (or is not ours): LOST, unless release() is deleting it — then it ends RELEASED. */
  private nodeGone(): void {
    if (this.removing === null) this.lose();
  }

  /** LOST by the silence (timer or a read of `state`): the session may live on, and the node with it. */
  private loseToSilence(): void {
    if (this.ended) return;
    this.orphaned = this.removal === 'proven-owner';
    this.lose();
  }

  private lose(): void {
    if (this.ended) return;
    // A release in progress finishes as RELEASED only if the node went while still held; LOST wins.
    this.end('LOST');
    // The session may outlive its connection: the node would then block the next holder until it expired.
    if (this.removal === 'by-path') removeNode(this.zk, this.node).catch(() => undefined);
    else if (this.orphaned) this.removeOrphanOnReturn();
  }

  private stopWatchSoon(): void {
    if (this.watchSoon === undefined) return;
    clearImmediate(this.watchSoon);
    this.watchSoon = undefined;
  }

  private setState(state: HoldingState): void {
    this.current = state;
    this.states?.next(state);
  }

  private end(state: 'LOST' | 'RELEASED'): void {
    if (this.ended) return;
    clearTimeout(this.lostTimer);
    this.stopWatchSoon();
    this.checking?.unsubscribe();
    this.stopStates?.();
    this.stopStates = null;
    for (const w of this.watchers.splice(0)) w.unsubscribe();
    const cause = state === 'LOST' ? new LockLostError(this) : null;
    this.lostError = cause;
    this.setState(state);
    this.states?.complete();
    this.controller?.abort(this.endReason());
    const listeners = this.endListeners;
    this.endListeners = null;
    if (listeners !== null) for (const listener of listeners) listener(state, cause);
  }

  /** The node as `stat` shows it is this holding's: this session's, the very node (its czxid). */
  private owns(stat: Stat | null): stat is Stat {
    return stat !== null && stat.ephemeralOwner === this.held.sessionId && stat.czxid === this.held.czxid;
  }

  private isMine(stat: Stat | null): stat is Stat {
    return this.owns(stat) && this.zk.session?.id === this.held.sessionId && this.current !== 'LOST';
  }

  /**
   * `proven-owner`'s delete (with `also`, in one transaction), by the write-proof rule (kernel/proof): the node
   * proven this session's before; a reply lost on the way settled back on the same session by whether the node is
   * still there (it is its own receipt: nothing else deletes a live session's ephemeral), and sent again when it is.
   */
  private async removeProven(also: readonly string[], creating: readonly SequentialCreate[] = []): Promise<void> {
    const paths = [...also];
    let creates = [...creating];
    for (;;) {
      const stat = await retried(this.zk.exists(this.node));
      if (!this.isMine(stat)) throw this.lost();
      const trail = new SessionTrail(this.zk);
      try {
        if (paths.length === 0 && creates.length === 0) await firstValueFrom(this.zk.delete(this.node, { version: stat.version }));
        else {
          const tx = this.zk.transaction();
          for (const path of paths) tx.delete(path);
          for (const c of creates) tx.create(c.path, c.data, { sequential: true });
          await firstValueFrom(tx.delete(this.node, stat.version).commit());
        }
        this.end('RELEASED');
        return;
      } catch (err) {
        // Refused as expired (never applied): the session is gone, and the node with it.
        if (err instanceof SessionExpiredError) throw this.lost(err);
        // Refused by the leader (never applied): the session moved; send it again once connected.
        if (err instanceof SessionMovedError) {
          await untilConnected(this.zk);
          continue;
        }
        // One of the others was gone already (deleted by hand): what it would delete is deleted; the rest again.
        if (err instanceof RolledBackError && err.failedIndex < paths.length && err.cause instanceof NoNodeError) {
          paths.splice(err.failedIndex, 1);
          creates = [];
          continue;
        }
        if (isLostReply(err)) {
          const seen = await readOnSameSession(this.zk, trail, this.node, () => this.zk.exists(this.node));
          if (seen === 'unknown' || trail.only !== this.held.sessionId) {
            // The session ended: the node is gone whatever happened, but whether the others went with it is unknown.
            const lost = this.lost(err);
            if (paths.length === 0) throw lost;
            throw new OutcomeUnknownError(this.node, undefined, { cause: err });
          }
          if (!this.owns(seen.value)) {
            this.end('RELEASED');
            return;
          }
          continue;
        }
        if (err instanceof NoNodeError || (err instanceof RolledBackError && err.failedIndex === paths.length + creates.length)) throw this.lost(err);
        throw err;
      } finally {
        trail.stop();
      }
    }
  }

  /** LOST (when it was not yet), as an error for the caller. */
  private lost(cause?: unknown): LockLostError {
    this.lose();
    return new LockLostError(this, undefined, cause === undefined ? undefined : { cause });
  }

  /** `proven-owner`, LOST by the silence: if the same session comes back, hand the node back rather than keep it. */
  private removeOrphanOnReturn(): void {
    this.orphanWatch = this.zk.state$.subscribe((state) => {
      if (isConnected(state)) {
        const sameSession = this.zk.session?.id === this.held.sessionId;
        this.stopOrphanWatch();
        if (sameSession) void this.removeOrphan().catch(() => undefined);
      } else if (state !== 'SUSPENDED' && state !== 'CONNECTING') this.stopOrphanWatch();
    });
    if (this.orphaned === false) this.stopOrphanWatch();
  }

  private async removeOrphan(): Promise<void> {
    const stat = await retried(this.zk.exists(this.node));
    if (!this.owns(stat) || this.zk.session?.id !== this.held.sessionId) return;
    await firstValueFrom(this.zk.delete(this.node, { version: stat.version }));
  }

  private stopOrphanWatch(): void {
    this.orphaned = false;
    const watch = this.orphanWatch;
    this.orphanWatch = null;
    watch?.unsubscribe();
  }
}
