import type { Subscription } from 'rxjs';
import {
  BadVersionError,
  ClientClosedError,
  NoNodeError,
  NodeExistsError,
  isConnected,
  parentOf,
  type ZooKeeperClient,
} from '../../index';
import { Ops, Stopped } from './znode-ops';

/** The longest pause between tries after an error a retry cannot mend (NoAuth, a read-only server). */
const MAX_BACKOFF_MS = 10_000;

/**
 * Keeps one instance's node in place, as curator-x-discovery's
 * ServiceDiscoveryImpl re-registers on CONNECTED and RECONNECTED: each time
 * the client is connected again it checks the node, and makes it again when
 * it is missing (the session that owned the ephemeral expired) or is not
 * this registration's (another session's ephemeral, other data). As in
 * Curator's internalRegisterService, a node in the way is deleted and
 * re-created rather than overwritten, "so that watchers fire". A node that
 * is already this registration's is left alone: a reconnect on the same
 * session costs one read.
 *
 * Parents are containers (Curator's creatingParentContainersIfNeeded).
 */
export class Registration {
  private readonly ops: Ops;
  private states: Subscription | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private removing: Promise<void> | undefined;
  /** The czxid of the node this registration last made or adopted: the one unregister deletes, whatever its data now. */
  private czxid: bigint | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private placedOnce!: () => void;
  private failedFirst!: (err: unknown) => void;
  /** Resolves once the node was first in place; rejects when the first try met an error no retry mends. */
  readonly placed: Promise<void>;
  private everPlaced = false;

  constructor(
    private readonly zk: ZooKeeperClient,
    readonly path: string,
    private readonly data: Buffer,
    private readonly ephemeral: boolean,
  ) {
    this.ops = new Ops(zk);
    this.placed = new Promise<void>((resolve, reject) => {
      this.placedOnce = resolve;
      this.failedFirst = reject;
    });
    // Marked handled: a caller that gave up (timeout) stops the registration and never reads it.
    this.placed.catch(() => undefined);
  }

  /** Starts keeping the node; the first check runs once the client is connected. */
  start(): void {
    let connected = false;
    this.states = this.zk.state$.subscribe((state) => {
      const now = isConnected(state);
      if (now && !connected) this.kick();
      connected = now;
    });
  }

  /** Stops keeping the node; with `remove`, deletes it if it is still this registration's (retried until done). */
  async stop(remove: boolean): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      this.states?.unsubscribe();
      clearTimeout(this.retryTimer);
      this.ops.stop();
      await this.running;
    })();
    await this.stopping;
    // A registration stopped without removal (a PERMANENT one at close()) may still be unregistered later.
    if (remove) await (this.removing ??= this.remove());
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.ensureOnce();
      } while (this.again && !this.stopped);
      this.running = null;
    })();
  }

  private async ensureOnce(): Promise<void> {
    try {
      await this.place();
      this.failures = 0;
      this.everPlaced = true;
      this.placedOnce();
    } catch (err) {
      // Stopped, or closed: the next connection (a start() after close()) checks again.
      if (err instanceof Stopped || err instanceof ClientClosedError) return;
      if (!this.everPlaced) {
        this.failedFirst(err);
        return;
      }
      // Unexpected after a first success (say NoAuth after an ACL change): try again later, backing off.
      const pause = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.failures++);
      this.retryTimer = setTimeout(() => this.kick(), pause);
    }
  }

  /** Makes the node this registration's: adopted when it already is, else (deleted and) created. */
  private async place(): Promise<void> {
    for (;;) {
      const current = await this.ops.read(this.path);
      if (current !== null) {
        if (this.isMine(current.stat.ephemeralOwner, current.data)) {
          this.czxid = current.stat.czxid;
          return;
        }
        try {
          await this.ops.run(this.zk.delete(this.path, { version: current.stat.version }));
        } catch (err) {
          if (err instanceof NoNodeError || err instanceof BadVersionError) continue;
          throw err;
        }
      }
      try {
        const { stat } = await this.ops.run(
          this.zk.createWithStat(this.path, this.data, { mode: this.ephemeral ? 'EPHEMERAL' : 'PERSISTENT', makePath: true, containerParents: true }),
        );
        this.czxid = stat.czxid;
        return;
      } catch (err) {
        // A create whose reply was lost and retried finds its own node: the next read adopts it.
        if (err instanceof NodeExistsError) continue;
        // The container parent was reaped between making it and the create: make it again.
        if (err instanceof NoNodeError && parentOf(this.path) !== '/') continue;
        throw err;
      }
    }
  }

  /** This registration's node: its data, and for an ephemeral the current session's. */
  private isMine(owner: bigint, data: Buffer): boolean {
    if (!data.equals(this.data)) return false;
    return this.ephemeral ? owner !== 0n && owner === this.zk.session?.id : owner === 0n;
  }

  /**
   * The node this registration made or adopted (by czxid: its data may have
   * been changed since, as Curator's updateService does), or, when a create
   * was abandoned before its reply, one with this registration's data.
   */
  private isOurs(czxid: bigint, owner: bigint, data: Buffer): boolean {
    if (this.ephemeral && owner !== this.zk.session?.id) return false;
    return this.czxid !== null ? czxid === this.czxid : this.isMine(owner, data);
  }

  /** Deletes the node if it is this registration's, retried across reconnects; nothing when another's. */
  private async remove(): Promise<void> {
    const ops = new Ops(this.zk);
    for (;;) {
      let current;
      try {
        current = await ops.read(this.path);
      } catch (err) {
        // A closed client has deleted its ephemerals; a persistent node waits for the next close() on a running client.
        if (err instanceof ClientClosedError) return;
        throw err;
      }
      if (current === null || !this.isOurs(current.stat.czxid, current.stat.ephemeralOwner, current.data)) return;
      try {
        await ops.run(this.zk.delete(this.path, { version: current.stat.version }));
        return;
      } catch (err) {
        if (err instanceof NoNodeError || err instanceof ClientClosedError) return;
        if (err instanceof BadVersionError) continue;
        throw err;
      }
    }
  }
}
