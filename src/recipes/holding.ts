import type { Observable } from 'rxjs';

/**
 * What a holding is going through:
 * - `HELD`: this participant holds it.
 * - `SUSPENDED`: the connection dropped; the session — and so the holding —
 *   may already be gone: act as not holding. Back to `HELD` when the same
 *   session reconnects and the node is still there.
 * - `LOST` (terminal): the session expired, the client closed, the node was
 *   deleted by someone else, or no server has been heard for the negotiated
 *   session timeout (the client's `timeSinceLastReceived`).
 * - `RELEASED` (terminal): released (or unsubscribed), and the node is gone.
 *
 * @example
 * holding.state$.pipe(filter((s: HoldingState) => s === 'SUSPENDED')).subscribe(() => pauseWrites());
 */
export type HoldingState = 'HELD' | 'SUSPENDED' | 'LOST' | 'RELEASED';

/**
 * What a lock, a lease or leadership gives: the participant's node, a
 * fencing token, its state as it changes, and a way to let go.
 *
 * @example
 * const holding = await lock.acquire();
 * holding.state$.subscribe((state) => console.log('lock', state));
 * await doWork({ signal: holding.signal, token: holding.fencingToken });
 * await holding.release();
 */
export interface Holding {
  /** The full (chroot-relative) path of this participant's znode. */
  readonly node: string;
  /** The node's czxid: strictly greater for every later holder of the same lock or leadership. */
  readonly fencingToken: bigint;
  /** Replays the current state, then each change; completes after a terminal state. */
  readonly state$: Observable<HoldingState>;
  /**
   * The state now (the last value of `state$`). Reading it first asks the client how long ago it last heard from a
   * server: after a silence of the negotiated session timeout the holding turns LOST at once (and `signal` aborts),
   * before any timer has run — what a process paused past its session (SIGSTOP, a long GC) must learn at its first
   * look. Read it right before each side effect the holding protects (and send the fencing token with it).
   */
  readonly state: HoldingState;
  /** Aborted once LOST or RELEASED: pass it to the work the holding protects. Reading it checks the silence as `state` does. */
  readonly signal: AbortSignal;
  /**
   * Lets go: deletes the node, retried across reconnects until it is gone; then the state is RELEASED and `signal`
   * is aborted. Idempotent: calls during a release share it; on a holding already LOST or RELEASED it resolves at
   * once. Never deletes a node another session owns (after an expiry, the node went with the old session).
   *
   * @example
   * const holding = await lock.acquire({ timeout: 10_000 });
   * try {
   *   await work(holding.signal);
   * } finally {
   *   await holding.release();
   * }
   */
  release(): Promise<void>;
}
