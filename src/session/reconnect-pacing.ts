/**
 * How long a connection must stay up after its handshake to count as
 * established: one that ends sooner (a server, proxy or load balancer that
 * accepts the session and then drops it, or answers every handshake with an
 * expiry) is a flap.
 */
export const STABLE_CONNECTION_MS = 1_000;

/** The Java client's pause before reconnecting after a session was established (ClientCnxn.startConnect: r.nextInt(1000)). */
export const FLAP_PAUSE_MAX_MS = 1_000;

/**
 * Paces reconnection after connections that end right after their handshake.
 *
 * A handshake that succeeds resets the reconnect backoff, so a peer that
 * completes it and then drops the connection would be reconnected to at
 * once, forever — thousands of times a second. The Java client sleeps a
 * random time up to a second before every reconnect once it has been
 * connected; here the first loss of an established connection still
 * reconnects at once (fast failover), and only a second short-lived
 * connection in a row, on any host, waits a random pause up to a second.
 */
export class ReconnectPacing {
  private handshakeAt: number | null = null;
  private flaps = 0;

  constructor(
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  /** A server answered the handshake (with a session or with an expiry). */
  handshake(): void {
    this.handshakeAt = this.now();
  }

  /**
   * A connection that had been answered ended (or was answered with an
   * expiry). Returns the pause before the next attempt: 0, or a random wait
   * up to FLAP_PAUSE_MAX_MS once connections keep ending within
   * STABLE_CONNECTION_MS of their handshake.
   */
  ended(): number {
    const at = this.handshakeAt;
    this.handshakeAt = null;
    if (at === null) return 0;
    if (this.now() - at >= STABLE_CONNECTION_MS) {
      this.flaps = 0;
      return 0;
    }
    this.flaps++;
    return this.flaps >= 2 ? Math.floor(this.random() * FLAP_PAUSE_MAX_MS) : 0;
  }

  /** Forgets the history (a fresh start). */
  reset(): void {
    this.handshakeAt = null;
    this.flaps = 0;
  }
}
