import type { Subscription } from 'rxjs';
import { Connection } from '../transport/connection';
import { formatEndpoint, type Endpoint } from '../transport/connect-string';
import { resolveEndpoint, systemResolver, type ResolveHost } from '../transport/resolve';
import { openSocket } from '../transport/socket-connector';
import { isPermanentTlsError } from '../transport/tls-errors';
import { HostProvider, sameEndpoint } from './host-provider';
import { readTimeoutOf } from './keepalive';
import { ReconnectPacing } from './reconnect-pacing';
import { Backoff } from './retry-policy';
import type { SessionConfig } from './session-config';

/** What the connector needs of the session's configuration. */
export type ConnectorConfig = Pick<SessionConfig, 'endpoints' | 'randomizeHosts' | 'sessionTimeout' | 'tls' | 'reconnect' | 'maxReplySize' | 'logger'>;

/** How the connector talks back to the session. */
export interface ConnectorEvents {
  /** The session timeout the server granted (0 before the first handshake): the connect timeout is shared from it. */
  readonly negotiatedTimeout: number;
  /** A socket is open: the session sends its handshake, which must be answered within `timeout` ms. */
  onSocket(conn: Connection, timeout: number): void;
  /** Every server in a row refused for a TLS reason no retry mends: the session gives up with `error`. */
  onGiveUp(error: Error): void;
  /** An attempt to connect to `server` ('host:port') begins (connectionEvents$' `connecting`). */
  onAttempt(server: string): void;
  /** That attempt failed before a socket was open (connectionEvents$' `disconnected`, `connect-failed`). */
  onAttemptFailed(server: string, error: unknown): void;
}

/**
 * Finds a server to connect to: the servers in turn (HostProvider), at once,
 * or after the reconnect backoff (with jitter) once every server has been
 * tried in vain, never sooner than ReconnectPacing allows after connections
 * that end right after their handshake; each attempt bounded by the Java
 * client's per-host connect timeout (at most its read timeout). A host name is resolved at each turn, and
 * every address it resolves to is tried before the next server (transport/resolve).
 * Keeps the last reason an attempt failed (for start()'s error), and gives up
 * once every server has refused the TLS configuration (see tls-errors).
 */
export class Connector {
  private readonly hosts: HostProvider;
  private readonly backoff: Backoff;
  private readonly pacing = new ReconnectPacing();
  private active = false;
  private attempt: Subscription | null = null;
  private attemptTimer: ReturnType<typeof setTimeout> | undefined;
  /** Consecutive connection attempts refused for a TLS reason no retry mends. */
  private tlsRefusals = 0;
  private failure: unknown = null;
  /** The addresses of the server in turn not tried yet (its name resolved to more than one). */
  private addresses: Endpoint[] = [];
  /** The endpoint of the last socket handed to the session: the server of its connection, if it has one. */
  private socketEndpoint: Endpoint | null = null;

  constructor(
    private readonly config: ConnectorConfig,
    private readonly events: ConnectorEvents,
    /** How host names are resolved (tests give their own). */
    private readonly resolve: ResolveHost = systemResolver,
  ) {
    this.hosts = new HostProvider(config.endpoints, config.randomizeHosts);
    this.backoff = new Backoff(config.reconnect);
  }

  /** The last reason a connection attempt failed (null since the last handshake). */
  get lastError(): unknown {
    return this.failure;
  }

  /**
   * Starts afresh (a client's start()): no failure remembered, no backoff, no pacing. The first attempt is
   * `next()`'s, which the session calls once it has said CONNECTING (a stop() meanwhile then wins).
   */
  start(): void {
    this.active = true;
    this.failure = null;
    this.addresses = [];
    this.tlsRefusals = 0;
    this.backoff.reset();
    this.pacing.reset();
  }

  /** Stops connecting: the attempt in progress or planned is dropped. */
  stop(): void {
    this.active = false;
    clearTimeout(this.attemptTimer);
    this.attemptTimer = undefined;
    this.attempt?.unsubscribe();
    this.attempt = null;
  }

  /**
   * Connects to the next server: at once, or after the backoff once every
   * server has been tried in vain, and never sooner than `pause` (see ReconnectPacing).
   */
  next(immediate: boolean, pause = 0): void {
    if (!this.active) return;
    // The next address of the same name first: it is the same server in turn, so no backoff.
    const address = this.addresses.shift();
    if (address !== undefined) {
      this.after(pause, () => this.connectTo(address));
      return;
    }
    const { endpoint, passComplete } = this.hosts.next();
    const backoff = passComplete && !immediate ? (this.backoff.next() ?? this.config.reconnect.maxDelay) : 0;
    this.after(Math.max(backoff, pause), () => this.resolveAndConnect(endpoint));
  }

  private after(wait: number, run: () => void): void {
    // No timer without a wait: setTimeout(…, 0) costs a millisecond on every connect (the socket work is asynchronous anyway).
    if (wait === 0) {
      run();
      return;
    }
    this.attemptTimer = setTimeout(() => {
      this.attemptTimer = undefined;
      run();
    }, wait);
  }

  /** Resolves the server's name (an IP address needs no look-up), then connects to its first address. */
  private resolveAndConnect(endpoint: Endpoint): void {
    this.attempt = resolveEndpoint(endpoint, this.connectTimeout, this.resolve).subscribe({
      next: ([first, ...rest]) => {
        this.attempt = null;
        this.addresses = rest;
        this.connectTo(first);
      },
      error: (err: unknown) => this.attemptFailed(formatEndpoint(endpoint), err),
    });
  }

  /**
   * The Java client's per-host connect timeout, the session timeout shared among the hosts, but never more than its
   * read timeout (two thirds of the session timeout). With one host, Java's bound is the whole session timeout, so one
   * attempt that the server takes and never answers outlasts the session it was to resume: ZooKeeper 3.8 does that to
   * a connection that comes while it starts (ZOOKEEPER-5051), and the restarted server, which keeps the session for a
   * session timeout from its start, had expired it before the attempt gave up (seen in CI). Within the read timeout,
   * the next attempt comes while the session lives.
   */
  get connectTimeout(): number {
    const negotiated = this.events.negotiatedTimeout;
    const timeout = negotiated > 0 ? negotiated : this.config.sessionTimeout;
    return Math.max(1, Math.min(Math.floor(timeout / this.hosts.size), readTimeoutOf(timeout)));
  }

  /** Connects to one server now (the next in turn, or a read-write server the probe found). */
  connectTo(endpoint: Endpoint): void {
    const timeout = this.connectTimeout;
    const name = formatEndpoint(endpoint);
    this.config.logger.debug(`rxzk: connecting to ${name}${endpoint.address !== undefined && endpoint.address !== endpoint.host ? ` (${endpoint.address})` : ''}`);
    this.events.onAttempt(name);
    // Read in place (plain TCP): the session's frames are decoded as they are read (Connection).
    this.attempt = openSocket(endpoint, { tls: this.config.tls, timeout, readInPlace: true }).subscribe({
      next: (socket) => {
        this.attempt = null;
        this.socketEndpoint = endpoint;
        this.events.onSocket(new Connection(socket, name, this.config.maxReplySize), timeout);
      },
      error: (err: unknown) => this.attemptFailed(name, err),
    });
  }

  private attemptFailed(server: string, err: unknown): void {
    this.attempt = null;
    this.failure = err;
    this.config.logger.debug(`rxzk: ${err instanceof Error ? err.message : String(err)}`);
    this.events.onAttemptFailed(server, err);
    if (this.refusedByTls(err)) return;
    this.next(false);
  }

  /**
   * A new host list (`updateHosts`): the Java client's rebalancing rule (HostProvider.update). True when the
   * client should leave the server of its connection (`connected`: the session has one, ready or in its
   * handshake), or else of its last one; the next attempt then goes where the rule says.
   */
  updateHosts(endpoints: readonly Endpoint[], connected: boolean): boolean {
    this.addresses = [];
    const current = connected ? this.socketEndpoint : null;
    // The server connected to is the same as a listed one when the host strings match, or when a listed IP address is the one connected to.
    return this.hosts.update(endpoints, current, (listed, mine) => sameEndpoint(listed, mine) || (mine.address !== undefined && listed.port === mine.port && listed.host === mine.address));
  }

  /** Whether `endpoints` names the same servers as the current list (in any order). */
  hasHosts(endpoints: readonly Endpoint[]): boolean {
    const current = this.hosts.endpoints;
    return endpoints.length === current.length && endpoints.every((e) => current.some((c) => sameEndpoint(c, e)));
  }

  /** The servers other than `server` ('host:port'): where a read-only client looks for a read-write one. */
  others(server: string): Endpoint[] {
    return this.hosts.endpoints.filter((e) => formatEndpoint(e) !== server);
  }

  /** A server answered the handshake (with a session or with an expiry). */
  answered(): void {
    this.pacing.handshake();
  }

  /** A handshake gave a session: the next failure starts a new pass (with the next server), with no backoff and no failure remembered. */
  connected(): void {
    this.addresses = [];
    this.hosts.connected();
    this.backoff.reset();
    this.tlsRefusals = 0;
    this.failure = null;
  }

  /** The server expired the session: it answered, so this is no outage — the backoff starts over. */
  expired(): void {
    this.hosts.connected();
    this.backoff.reset();
  }

  /** A connection that had been answered ended (or was answered with an expiry): the pause before the next attempt (ReconnectPacing). */
  ended(): number {
    return this.pacing.ended();
  }

  /** Why the connection was lost, or authentication failed for good: the last failure, for start() to report. */
  failed(error: unknown): void {
    this.failure = error;
  }

  /**
   * Counts a refusal no retry mends (see tls-errors); once every server in a
   * row has refused, gives up with that error instead of spinning. True when it gave up.
   */
  refusedByTls(err: unknown): boolean {
    this.tlsRefusals = isPermanentTlsError(err) ? this.tlsRefusals + 1 : 0;
    if (this.tlsRefusals < this.hosts.size) return false;
    this.config.logger.error(`rxzk: TLS refused by every server (${err instanceof Error ? err.message : String(err)}); giving up`);
    this.events.onGiveUp(err instanceof Error ? err : new Error(String(err)));
    return true;
  }
}
