import { BehaviorSubject, Observable, firstValueFrom, type Subscription } from 'rxjs';
import {
  ConnectionLossError,
  NoNodeError,
  RolledBackError,
  SessionExpiredError,
  isConnected,
  type ConnectionState,
  type Stat,
  type ZooKeeperClient,
} from '../../index';
import { LockLostError } from '../errors';
import type { Holding, HoldingState } from '../holding';
import { silentFor, untilSilentFor } from '../kernel/silence';
import { replayStates, isTerminal } from '../support/holding-states';
import { retried } from '../kernel/retry';

/** The lock node a LockingQueue consumer made: `<path>/taken/<entry name>`, ephemeral, and who made it. */
export interface LockNode {
  readonly node: string;
  readonly czxid: bigint;
  /** Its ephemeralOwner: the session that made it. */
  readonly sessionId: bigint;
  /** The negotiated session timeout then: how long SUSPENDED may last before LOST. */
  readonly sessionTimeout: number;
}

/**
 * The lock on a LockingQueue entry, as a {@link Holding}: HELD, SUSPENDED
 * while the connection is down (LOST once no server has been heard for the
 * negotiated session timeout — checked whenever `state` or `signal` is read,
 * so a paused process sees it at its first look — or at once on an expiry, a
 * close, another session), RELEASED once deleted.
 *
 * Its name is the entry's, the same for every consumer that ever locks that
 * entry (kazoo's layout), so it is deleted only after proving it is still
 * this session's (its ephemeralOwner and czxid), with a versioned delete, and
 * never by a request sent again on a later session: such a request could
 * delete the lock another consumer has made since on the same path. (The
 * shared HoldingImpl deletes by path, retried across expiries, which is safe
 * for contender nodes, whose names are unique, but not here.)
 */
export class EntryLock implements Holding {
  readonly node: string;
  readonly fencingToken: bigint;
  private readonly states = new BehaviorSubject<HoldingState>('HELD');
  private readonly controller = new AbortController();
  private watching: Subscription | null = null;
  private lostTimer: ReturnType<typeof setTimeout> | undefined;
  /** LOST by the silence (timer or a read of `state`) while the session may live on: its node is removed if the session comes back. */
  private orphaned = false;
  private finishing: { op: 'ack' | 'release'; done: Promise<void> } | null = null;

  constructor(
    private readonly zk: ZooKeeperClient,
    private readonly lock: LockNode,
  ) {
    this.node = lock.node;
    this.fencingToken = lock.czxid;
    const watching = zk.state$.subscribe((state) => this.onState(state));
    // The current state is replayed during subscribe: one that ended the lock already lets it go at once.
    if (this.ended && !this.orphaned) watching.unsubscribe();
    else this.watching = watching;
  }

  /** The state now: LOST at once when no server has been heard for the session timeout (a paused process). */
  get state(): HoldingState {
    this.checkSilence();
    return this.states.value;
  }

  get state$(): Observable<HoldingState> {
    return replayStates(this.states);
  }

  get signal(): AbortSignal {
    this.checkSilence();
    return this.controller.signal;
  }

  private get ended(): boolean {
    return isTerminal(this.states.value);
  }

  /** Silent for the session timeout: as the lost timer, LOST, with the lock removed should the session come back. */
  private checkSilence(): void {
    if (this.ended || !silentFor(this.zk, this.lock.sessionTimeout)) return;
    this.orphaned = true;
    this.lose();
  }

  /** Hands the entry back: deletes the lock (LockLostError when it is no longer this session's). */
  release(): Promise<void> {
    return this.finish('release', null);
  }

  /** True while the lock node is there and still this session's (kazoo's `holds_lock`, by owner rather than data). */
  async holds(): Promise<boolean> {
    if (this.ended) return false;
    await firstValueFrom(this.zk.sync(this.node)).catch(() => undefined);
    return this.isMine(await retried(this.zk.exists(this.node)));
  }

  /**
   * Deletes the lock — with `entry`, the entry and the lock in one
   * transaction (an ack) — once it is proven this session's. Idempotent per
   * op; LockLostError when the lock was gone (or became someone else's).
   */
  finish(op: 'ack' | 'release', entry: string | null): Promise<void> {
    if (this.finishing !== null) {
      return this.finishing.op === op ? this.finishing.done : Promise.reject(new LockLostError(this, `${this.node} was already ${this.finishing.op}ed`));
    }
    if (this.state === 'LOST') return Promise.reject(new LockLostError(this));
    const done = this.remove(entry);
    this.finishing = { op, done };
    return done;
  }

  private async remove(entry: string | null): Promise<void> {
    for (;;) {
      const stat = await retried(this.zk.exists(this.node));
      if (!this.isMine(stat)) throw this.lose();
      try {
        if (entry === null) await firstValueFrom(this.zk.delete(this.node, { version: stat.version }));
        else await firstValueFrom(this.zk.transaction().delete(entry).delete(this.node, stat.version).commit());
        this.end('RELEASED');
        return;
      } catch (err) {
        // The session is gone, and the lock with it: the entry was handed back, not by us.
        if (err instanceof SessionExpiredError) throw this.lose();
        if (err instanceof RolledBackError && err.failedIndex === 0 && err.cause instanceof NoNodeError) {
          // The entry went without us (deleted by hand): nothing left to ack but our lock.
          entry = null;
          continue;
        }
        if (err instanceof ConnectionLossError) {
          // Applied or not? Back on the same session, a lock still ours means not (send it again); a lock gone means
          // it was (nothing else deletes a live session's ephemeral). On another session we cannot tell.
          const after = await retried(this.zk.exists(this.node));
          if (this.state === 'LOST' || this.zk.session?.id !== this.lock.sessionId) throw this.lose();
          if (after === null) {
            this.end('RELEASED');
            return;
          }
          continue;
        }
        if (err instanceof NoNodeError || (err instanceof RolledBackError && err.failedIndex === 1)) throw this.lose();
        throw err;
      }
    }
  }

  private isMine(stat: Stat | null): stat is Stat {
    return (
      stat !== null &&
      stat.ephemeralOwner === this.lock.sessionId &&
      stat.czxid === this.lock.czxid &&
      this.zk.session?.id === this.lock.sessionId &&
      this.states.value !== 'LOST'
    );
  }

  private onState(state: ConnectionState): void {
    if (this.ended) {
      if (!this.orphaned) return;
      if (isConnected(state)) this.removeOrphan();
      else if (state !== 'SUSPENDED' && state !== 'CONNECTING') this.stopWatching();
      return;
    }
    if (state === 'SUSPENDED') {
      if (this.states.value !== 'HELD') return;
      this.states.next('SUSPENDED');
      // The server expires the session one session timeout after it last heard from us (TN14): act as lost by then,
      // counting from the last bytes heard.
      this.lostTimer = setTimeout(() => {
        this.orphaned = true;
        this.lose();
      }, untilSilentFor(this.zk, this.lock.sessionTimeout));
    } else if (isConnected(state)) {
      if (this.states.value !== 'SUSPENDED') return;
      if (this.zk.session?.id !== this.lock.sessionId) this.lose();
      else {
        clearTimeout(this.lostTimer);
        this.states.next('HELD');
      }
    } else if (state === 'EXPIRED' || state === 'CLOSED' || state === 'AUTH_FAILED') {
      this.orphaned = false;
      this.lose();
    }
  }

  /** Declared LOST by the timer, and the session came back after all: hand the entry back rather than keep it locked. */
  private removeOrphan(): void {
    const sameSession = this.zk.session?.id === this.lock.sessionId;
    this.stopWatching();
    if (!sameSession) return;
    void retried(this.zk.exists(this.node))
      .then((stat) => {
        if (stat === null || stat.ephemeralOwner !== this.lock.sessionId || stat.czxid !== this.lock.czxid) return undefined;
        return firstValueFrom(this.zk.delete(this.node, { version: stat.version }));
      })
      .catch(() => undefined);
  }

  private stopWatching(): void {
    this.orphaned = false;
    this.watching?.unsubscribe();
    this.watching = null;
  }

  private lose(): LockLostError {
    this.end('LOST');
    return new LockLostError(this);
  }

  private end(state: 'LOST' | 'RELEASED'): void {
    if (this.ended) return;
    clearTimeout(this.lostTimer);
    if (!this.orphaned) this.stopWatching();
    this.states.next(state);
    this.states.complete();
    this.controller.abort(state === 'LOST' ? new LockLostError(this) : new Error(`${this.node} was released`));
  }
}
