import { BehaviorSubject, Observable, type Subscription } from 'rxjs';
import { isConnected, type ConnectionState, type WatchedEvent, type ZooKeeperClient } from '../../index';
import { LockLostError } from '../errors';
import type { Holding, HoldingState } from '../holding';
import { silentFor, untilSilentFor } from '../kernel/silence';
import { replayStates, isTerminal } from '../support/holding-states';
import { removeNode } from '../kernel/znodes';

/** What a holding is made from: the node held and the session that holds it. */
export interface HeldNode {
  node: string;
  czxid: bigint;
  /** The node's ephemeralOwner, the session that created it. */
  sessionId: bigint;
  /** The negotiated session timeout when it was taken: how long SUSPENDED may last before LOST. */
  sessionTimeout: number;
}

/**
 * A holding's life after it was granted (Curator's ConnectionStateListener
 * advice and TN14 made part of the recipe):
 * - SUSPENDED when the connection drops, and LOST once nothing has been
 *   heard from a server for the negotiated session timeout, without waiting
 *   for a reconnect (the server has expired the session by then, and given
 *   the node to the next); reading `state` or `signal` checks that silence
 *   first, so a process paused past the session timeout sees LOST (and an
 *   aborted signal) at its first look, before any timer of rxzk has run;
 * - back to HELD when the same session reconnects and its node is still
 *   there, owned by it;
 * - LOST at once on EXPIRED, CLOSED or AUTH_FAILED, and when the node is
 *   deleted by someone else;
 * - RELEASED once release() has deleted the node.
 * A node left behind by a LOST holding (a session that outlived its
 * connection) is deleted in the background, retried until it is gone.
 */
export class HoldingImpl implements Holding {
  readonly node: string;
  readonly fencingToken: bigint;
  private readonly states: BehaviorSubject<HoldingState>;
  private readonly controller = new AbortController();
  private readonly watchers: Subscription[] = [];
  private lostTimer: ReturnType<typeof setTimeout> | undefined;
  private releasing: Promise<void> | null = null;
  private checking: Subscription | null = null;
  /** Whether a one-shot watch on the node is set on the server (its exists answered). */
  private nodeWatched = false;

  constructor(
    private readonly zk: ZooKeeperClient,
    private readonly held: HeldNode,
    /** Told once the holding is over (LOST or RELEASED): the recipe stops what it runs for it. */
    private readonly onEnd: () => void = () => undefined,
  ) {
    this.node = held.node;
    this.fencingToken = held.czxid;
    this.states = new BehaviorSubject<HoldingState>('HELD');
    this.watch(zk.state$.subscribe((state) => this.onConnectionState(state)));
    // Deleted by someone else (or gone with the session): exists$ sees the node go.
    this.watchNode();
  }

  /**
   * A one-shot exists watch on the node, so a deletion by someone else ends the holding (LOST). One-shot, not a
   * re-arming follower: our own release() consumes it on the server (NodeDeleted), so a lock cycle costs no
   * re-arm and no removeWatches (4 requests, as kazoo's). The client restores it across reconnects (setWatches).
   */
  private watchNode(): void {
    if (this.ended) return;
    this.watch(
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

  /** Keeps a subscription until the holding ends (one that ended it while subscribing is let go at once). */
  private watch(subscription: Subscription): void {
    if (this.ended) subscription.unsubscribe();
    else this.watchers.push(subscription);
  }

  /** Replays the current state, terminal ones included (a completed BehaviorSubject would give a late subscriber nothing). */
  get state$(): Observable<HoldingState> {
    return replayStates(this.states);
  }

  /** The state now: LOST at once when no server has been heard for the session timeout (a paused process). */
  get state(): HoldingState {
    this.checkSilence();
    return this.states.value;
  }

  get signal(): AbortSignal {
    this.checkSilence();
    return this.controller.signal;
  }

  private get ended(): boolean {
    return isTerminal(this.states.value);
  }

  /** Silent for the session timeout: the session may be gone, and the node given to the next holder. */
  private checkSilence(): void {
    if (!this.ended && silentFor(this.zk, this.held.sessionTimeout)) this.lose();
  }

  release(): Promise<void> {
    if (this.releasing !== null) return this.releasing;
    if (this.ended) return Promise.resolve();
    this.releasing = removeNode(this.zk, this.node).then(() => this.end('RELEASED'));
    return this.releasing;
  }

  private onConnectionState(state: ConnectionState): void {
    if (this.ended) return;
    if (state === 'SUSPENDED') {
      if (this.states.value !== 'HELD') return;
      this.states.next('SUSPENDED');
      // The session timeout counts from the last bytes heard, not from the drop the client noticed later.
      this.lostTimer = setTimeout(() => this.lose(), untilSilentFor(this.zk, this.held.sessionTimeout));
    } else if (isConnected(state)) {
      if (this.states.value === 'SUSPENDED') this.confirm();
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
        if (this.states.value !== 'SUSPENDED') return;
        if (stat === null || stat.ephemeralOwner !== this.held.sessionId || stat.czxid !== this.held.czxid) this.nodeGone();
        else {
          clearTimeout(this.lostTimer);
          this.states.next('HELD');
          if (!this.nodeWatched) this.watchNode();
        }
      },
      // Dropped again meanwhile: the next SUSPENDED/CONNECTED decides.
      error: () => (this.checking = null),
    });
  }

  /** The node is gone (or is not ours): LOST, unless release() is deleting it — then it ends RELEASED. */
  private nodeGone(): void {
    if (this.releasing === null) this.lose();
  }

  private lose(): void {
    if (this.ended) return;
    // A release in progress finishes as RELEASED only if the node went while still held; LOST wins.
    this.end('LOST');
    // The session may outlive its connection: the node would then block the next holder until it expired.
    removeNode(this.zk, this.node).catch(() => undefined);
  }

  private end(state: 'LOST' | 'RELEASED'): void {
    if (this.ended) return;
    clearTimeout(this.lostTimer);
    this.checking?.unsubscribe();
    for (const w of this.watchers.splice(0)) w.unsubscribe();
    this.states.next(state);
    this.states.complete();
    this.controller.abort(state === 'LOST' ? new LockLostError(this) : new Error(`${this.node} was released`));
    this.onEnd();
  }
}
