import { Observable, ReplaySubject, Subject, filter, firstValueFrom, share, type Subscriber, type Subscription } from 'rxjs';
import {
  BadVersionError,
  ClientClosedError,
  NoNodeError,
  NodeExistsError,
  SessionExpiredError,
  ZooKeeperClientError,
  basename,
  isConnected,
  joinPath,
  parentOf,
  withRetry,
  type Acl,
  type CreateMode,
  type CreateOptions,
  type Stat,
  type ZooKeeperClient,
} from '../../index';
import { isLostReply } from './proof';
import { SAME_SESSION, UNTIL_DONE, retried, retriedDone, untilConnected } from './retry';
import { raced } from './wait';
import { childrenOrEmpty, readOrNull } from './znodes';

/** What a {@link NodeKeeper} keeps: where, how it is made, and what it does about a node in its way. */
export interface KeptNode {
  /** The node's path; for a sequential mode, the prefix of each creation's name. */
  readonly path: string;
  /** How it is made; its parents are containers. A sequential node is made with Curator's protection (`_c_<uuid>-`) unless `protection` is false. */
  readonly mode: CreateMode;
  /**
   * For a sequential mode: false makes it plain `<name><seq>`, as curator-x-discovery's DYNAMIC_SEQUENTIAL
   * instances are (default true: `_c_<uuid>-<name><seq>`). A plain create whose reply was lost on a session still
   * alive is found again by a search of the parent for a node `<name><10 digits>` of this session holding this
   * keeper's data (an ephemeral's owner is proof it is this client's); on a new session the old one is gone with its
   * session, and the node is made again.
   */
  readonly protection?: boolean;
  /** For the `*_WITH_TTL` modes: ms without change or child after which the server deletes it. */
  readonly ttl?: number;
  /** Its ACL (default: the client's `defaultAcl`). */
  readonly acl?: Acl[];
  /**
   * A node at the path that is not this keeper's (another session's, other data):
   * - `'replace'`: deleted and made again, so that watchers fire (curator-x-discovery's internalRegisterService; a
   *   Party member of an earlier session, CURATOR-604);
   * - `'adopt'`: taken as it is and given this keeper's data (Curator's PersistentNode on NodeExists).
   */
  readonly inTheWay: 'replace' | 'adopt';
  /**
   * Also look again whenever the node is seen gone (an exists watch on it: deleted by someone, or with an expired
   * session), not only at each (re)connection. curator-x-discovery re-registers at (re)connections only.
   */
  readonly watch: boolean;
}

/** The longest pause between tries after an error a retry cannot mend (NoAuth, a read-only server). */
const MAX_BACKOFF_MS = 10_000;

/** Thrown once the keeper is stopped: what was in flight was abandoned. */
class Stopped extends Error {
  constructor() {
    super('the node keeper stopped');
  }
}

/**
 * THE node keeper of the recipes, under PersistentNode, Party and service discovery: keeps one node of ours at a
 * path, whatever happens to the session. Each time the client is connected (again) — and, with `watch`, whenever
 * the node is seen gone — it looks at the path and makes the node again when it is missing (the session that owned
 * the ephemeral expired, someone deleted it) or not this keeper's (`inTheWay`); a node that is already this keeper's
 * (its owner: this session for an ephemeral, none for a persistent node; its data: this keeper's) is left alone, so
 * a reconnect on the same session costs one read. One look at a time (a trigger meanwhile asks for one more); every
 * request retried across dropped connections and expiries, abandoned when the keeper stops.
 *
 * A create whose reply was lost is found again: a plain node by the next look, a sequential one by its protection.
 * An error no retry mends fails the first placement (`placed` rejects); after that the keeper tries again later,
 * backing off up to 10 s (nobody is waiting to be told). A client closed before the first placement rejects it with
 * ClientClosedError; after it, the keeper goes on when the client is started again (a new session).
 */
export class NodeKeeper {
  private data: Buffer;
  private readonly ephemeral: boolean;
  private readonly sequential: boolean;
  /** Aborted by stop(): requests in flight are abandoned. */
  private readonly stops = new AbortController();
  private states: Subscription | null = null;
  private following: { path: string; subscription: Subscription } | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopping: Promise<void> | undefined;
  private removing: Promise<void> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  /** The node this keeper placed last: its path (a sequential one's full name) and czxid. */
  private own: { path: string; czxid: bigint } | null = null;
  /** A create in flight: what it makes must be removed too if the keeper stops first. */
  private creating: Promise<{ path: string; stat: Stat } | null> = Promise.resolve(null);
  private everPlaced = false;
  private placedFirst!: (path: string) => void;
  private failedFirst!: (err: unknown) => void;
  private readonly placements = new Subject<string>();

  /** The node's path each time it is placed (made, replaced or adopted); not when a look finds it in place. */
  readonly placed$: Observable<string> = this.placements.asObservable();
  /** The first placement's path; rejects when the first try met an error no retry mends, or the client closed first. */
  readonly placed: Promise<string>;

  constructor(
    private readonly zk: ZooKeeperClient,
    private readonly kept: KeptNode,
    data: Buffer,
  ) {
    this.data = data;
    this.ephemeral = kept.mode.startsWith('EPHEMERAL');
    this.sequential = kept.mode.includes('SEQUENTIAL');
    this.placed = new Promise<string>((resolve, reject) => {
      this.placedFirst = resolve;
      this.failedFirst = reject;
    });
    // Marked handled: a caller that gave up (timeout) stops the keeper and never reads it.
    this.placed.catch(() => undefined);
  }

  /** The node's path while placed (a sequential one's current name), `null` before. */
  get current(): string | null {
    return this.own?.path ?? null;
  }

  /** Starts keeping the node; the first look runs once the client is connected. */
  start(): void {
    if (this.states !== null || this.stopping !== undefined) return;
    let connected = false;
    let open = false;
    this.states = this.zk.state$.subscribe((state) => {
      const now = isConnected(state);
      if (now && !connected) this.look();
      connected = now;
      // Closed after it was running (a keeper started on a closed client waits for its next start()).
      if (state === 'CLOSED' && open && !this.everPlaced) this.failedFirst(new ClientClosedError('the client closed before the node was made'));
      open = state !== 'CLOSED';
    });
  }

  /** Sets the node's data: written now when the node is placed (retried), and used by every later creation. */
  async setData(data: Buffer): Promise<void> {
    this.data = data;
    const own = this.own;
    if (own === null) return;
    try {
      const stat = await retried(this.zk.set(own.path, data), UNTIL_DONE, this.stops.signal);
      if (this.own === own) this.own = { path: own.path, czxid: stat.czxid };
    } catch (err) {
      // Being made again: the new node gets the new data.
      if (!(err instanceof NoNodeError) && !(err instanceof Stopped)) throw err;
    }
  }

  /**
   * Stops keeping the node; with `remove`, deletes it if it is still this keeper's (retried until done; nothing
   * when it is another's, or when the client is closed: its ephemerals went with the session). Idempotent.
   */
  async stop(remove: boolean): Promise<void> {
    this.stopping ??= (async () => {
      this.states?.unsubscribe();
      this.following?.subscription.unsubscribe();
      this.following = null;
      clearTimeout(this.retryTimer);
      this.stops.abort(new Stopped());
      if (!this.everPlaced) this.failedFirst(new ZooKeeperClientError(`stopped before ${this.kept.path} was made`));
      await this.running;
    })();
    await this.stopping;
    // A keeper stopped without removal (a PERMANENT registration at close()) may still be removed later.
    if (remove) await (this.removing ??= this.remove());
  }

  /** Looks at the node (one look at a time: a call during a look asks for one more after it). */
  private look(): void {
    if (this.stops.signal.aborted) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.lookOnce();
      } while (this.again && !this.stops.signal.aborted);
      this.running = null;
    })();
  }

  private async lookOnce(): Promise<void> {
    try {
      const changed = await this.place();
      this.failures = 0;
      const own = this.own;
      if (own === null) return;
      if (this.kept.watch) this.follow(own.path);
      if (!this.everPlaced) {
        this.everPlaced = true;
        this.placedFirst(own.path);
      }
      if (changed) this.placements.next(own.path);
    } catch (err) {
      // Stopped, or closed: the next connection (a start() after close()) looks again.
      if (err instanceof Stopped || err instanceof ClientClosedError || this.stops.signal.aborted) return;
      if (!this.everPlaced) {
        this.failedFirst(err);
        return;
      }
      // Unexpected after a first success (NoAuth after an ACL change, say): try again later, backing off.
      const pause = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.failures++);
      this.retryTimer = setTimeout(() => this.look(), pause);
    }
  }

  /** Looks again whenever the node at `path` is seen gone. */
  private follow(path: string): void {
    if (this.following?.path === path) return;
    this.following?.subscription.unsubscribe();
    this.following = {
      path,
      subscription: this.zk
        .exists$(path)
        .pipe(filter((stat) => stat === null))
        .subscribe({ next: () => this.look(), error: () => undefined }),
    };
  }

  /**
   * Makes the node this keeper's: left alone when it already is, else replaced, adopted or created. True when it
   * changed. The first look makes the node straight away (one request when the path is free, as Curator's recipes
   * do); a look after a reconnect reads first, so that one on the same session costs one read.
   */
  private async place(): Promise<boolean> {
    const signal = this.stops.signal;
    let read = this.own !== null;
    for (;;) {
      if (read) {
        // A sequential node is looked for under the name it was given; a plain one at the path.
        const target = this.sequential ? (this.own?.path ?? null) : this.kept.path;
        const found = target === null ? null : await readOrNull(this.zk, target, UNTIL_DONE, signal);
        if (target !== null && found !== null) {
          if (this.isMine(found)) {
            this.own = { path: target, czxid: found.stat.czxid };
            return false;
          }
          if (this.kept.inTheWay === 'adopt') {
            try {
              const stat = await retried(this.zk.set(target, this.data), UNTIL_DONE, signal);
              this.own = { path: target, czxid: stat.czxid };
              return true;
            } catch (err) {
              if (err instanceof NoNodeError) continue;
              throw err;
            }
          }
          try {
            await retriedDone(this.zk.delete(target, { version: found.stat.version }), UNTIL_DONE, signal);
          } catch (err) {
            if (err instanceof NoNodeError || err instanceof BadVersionError) continue;
            throw err;
          }
        }
        // Gone (or deleted just now): a sequential one is made under a new name.
        if (this.sequential) this.own = null;
      }
      try {
        const { path, stat } = await this.create();
        this.own = { path, czxid: stat.czxid };
        return true;
      } catch (err) {
        // Someone's node, or ours from a create whose reply was lost and retried: the look decides.
        if (err instanceof NodeExistsError) {
          read = true;
          continue;
        }
        // The container parent was reaped between making it and the create: make it again.
        if (err instanceof NoNodeError && parentOf(this.kept.path) !== '/') continue;
        throw err;
      }
    }
  }

  /** The create, retried across dropped connections and expiries; recorded so that a stop removes what it made. */
  private create(): Promise<{ path: string; stat: Stat }> {
    const opts: CreateOptions = { mode: this.kept.mode, makePath: true, containerParents: true };
    if (this.kept.ttl !== undefined) opts.ttl = this.kept.ttl;
    if (this.kept.acl !== undefined) opts.acl = this.kept.acl;
    const plain = this.sequential && this.kept.protection === false;
    if (this.sequential && !plain) opts.protected = true;
    const request = plain ? this.createPlain(opts) : firstValueFrom(this.zk.createWithStat(this.kept.path, this.data, opts).pipe(withRetry(UNTIL_DONE)));
    this.creating = request.catch(() => null);
    return raced(request, this.stops.signal);
  }

  /**
   * A plain sequential create (no protection to find it by), sent again after an expiry; after a lost reply on the
   * same session it is looked for first ({@link findPlain}). A create in flight is never abandoned (a stop waits
   * for it, to remove what it made); a stop only ends the waits between tries.
   */
  private async createPlain(opts: CreateOptions): Promise<{ path: string; stat: Stat }> {
    let search = false;
    for (;;) {
      const session = this.zk.session?.id;
      try {
        if (search) {
          search = false;
          const found = await this.findPlain();
          if (found !== null) return found;
        }
        if (this.stops.signal.aborted) throw new Stopped();
        return await firstValueFrom(this.zk.createWithStat(this.kept.path, this.data, opts));
      } catch (err) {
        if (!isLostReply(err) && !(err instanceof SessionExpiredError)) throw err;
        await raced(untilConnected(this.zk), this.stops.signal);
        search = isLostReply(err) && this.zk.session?.id === session;
      }
    }
  }

  /**
   * This keeper's plain sequential node made by a create whose reply was lost, or null: after a `sync` (a follower
   * may not have applied the leader's commit yet), a node `<name><10 digits>` under the parent that is this
   * keeper's ({@link isMine}: this session's, this data). Reads on this session only: an expiry meanwhile throws
   * SessionExpiredError, and the node, if made, went with the session.
   */
  private async findPlain(): Promise<{ path: string; stat: Stat } | null> {
    const parent = parentOf(this.kept.path);
    const prefix = basename(this.kept.path);
    await retriedDone(this.zk.sync(parent), SAME_SESSION);
    const names = await childrenOrEmpty(this.zk, parent, SAME_SESSION);
    for (const name of names) {
      if (!name.startsWith(prefix) || !/^\d{10}$/.test(name.slice(prefix.length))) continue;
      const path = joinPath(parent, name);
      const found = await readOrNull(this.zk, path, SAME_SESSION);
      if (found !== null && this.isMine(found)) return { path, stat: found.stat };
    }
    return null;
  }

  /** A node at the path that is this keeper's: its owner (this session for an ephemeral, none for a persistent node) and its data. */
  private isMine(node: { data: Buffer; stat: Stat }): boolean {
    const owner = node.stat.ephemeralOwner;
    const ownerOk = this.ephemeral ? owner !== 0n && owner === this.zk.session?.id : owner === 0n;
    return ownerOk && node.data.equals(this.data);
  }

  /** The node this keeper placed (by czxid: its data may have been changed since), or, before any, one with its data. */
  private isOurs(node: { data: Buffer; stat: Stat }): boolean {
    if (this.ephemeral && node.stat.ephemeralOwner !== this.zk.session?.id) return false;
    return this.own !== null ? node.stat.czxid === this.own.czxid : this.isMine(node);
  }

  /** Deletes the node if it is this keeper's, retried across reconnects; nothing when it is another's. */
  private async remove(): Promise<void> {
    // A create still in flight when the keeper stopped: what it made is this keeper's too.
    // Also one whose reply the stop cut short after an earlier placement (the node was deleted and is being made
    // again): the newer node is the one to remove — the higher czxid, as a node adopted after that create is newer still.
    const created = await this.creating;
    if (created !== null && (this.own === null || created.stat.czxid > this.own.czxid)) {
      this.own = { path: created.path, czxid: created.stat.czxid };
    }
    const path = this.own?.path ?? (this.sequential ? null : this.kept.path);
    if (path === null) return;
    for (;;) {
      let current;
      try {
        current = await readOrNull(this.zk, path);
      } catch (err) {
        // A closed client has deleted its ephemerals; a persistent node waits for a remove on a running client.
        if (err instanceof ClientClosedError) return;
        throw err;
      }
      if (current === null || !this.isOurs(current)) return;
      try {
        await retriedDone(this.zk.delete(path, { version: current.stat.version }));
        return;
      } catch (err) {
        if (err instanceof NoNodeError || err instanceof ClientClosedError) return;
        if (err instanceof BadVersionError) continue;
        throw err;
      }
    }
  }
}

/** How a {@link KeptWhileHeld} ends its hold, and what runs beside its keeper. */
export interface HoldOptions {
  /**
   * Whether the last unsubscribe deletes the node (PersistentNode: yes, retried across reconnects until gone; never
   * on a closed client, whose ephemerals went with its session). PersistentTtlNode: no, the node expires by itself
   * (Curator's PersistentTtlNode overrides deleteNode with a no-op).
   */
  readonly remove: boolean;
  /**
   * Runs for the span of each hold, beside its keeper (PersistentTtlNode's touches): subscribed before the keeper
   * starts, after the hold's own listening to `placed$` (so a placement is emitted before it hears of it), and
   * unsubscribed before the keeper stops; its error fails the hold.
   */
  readonly beside?: (keeper: NodeKeeper) => Observable<never>;
}

/**
 * A node kept while `held$()` is subscribed — THE hold of PersistentNode and PersistentTtlNode (Curator's
 * PersistentNode start()/close()): one {@link NodeKeeper} for all subscribers (two holds of one path would each
 * delete the other's), made at the first subscribe and stopped at the last unsubscribe; emits the node's path at
 * each placement, replayed to a late subscriber; completes when the client closes after it ran, or closed before the
 * first placement; errors on what no retry mends. A later subscribe makes a new keeper with the data set last.
 */
export class KeptWhileHeld {
  /** The keeper of the hold under way, null between holds. */
  private keeper: NodeKeeper | null = null;
  private readonly shared: Observable<string>;

  constructor(
    private readonly zk: ZooKeeperClient,
    private readonly kept: KeptNode,
    private data: Buffer,
    private readonly opts: HoldOptions,
  ) {
    this.shared = new Observable<string>((subscriber) => this.hold(subscriber)).pipe(
      share({ connector: () => new ReplaySubject<string>(1), resetOnError: true, resetOnComplete: true, resetOnRefCountZero: true }),
    );
  }

  /** The node's path at each placement while subscribed (see the class). */
  held$(): Observable<string> {
    return this.shared;
  }

  /** Sets the node's data: written now when held (see {@link NodeKeeper.setData}), and used by every later hold. */
  async setData(data: Buffer): Promise<void> {
    this.data = data;
    await this.keeper?.setData(data);
  }

  private hold(subscriber: Subscriber<string>): () => void {
    const keeper = new NodeKeeper(this.zk, this.kept, this.data);
    this.keeper = keeper;
    const placements = keeper.placed$.subscribe((path) => subscriber.next(path));
    keeper.placed.catch((err: unknown) => (err instanceof ClientClosedError ? subscriber.complete() : subscriber.error(err)));
    const beside = this.opts.beside?.(keeper).subscribe({ error: (err: unknown) => subscriber.error(err) });
    // A client that closes once it was connected ends the hold (a close before the first placement: `placed` says so).
    let started = false;
    const states = this.zk.state$.subscribe((state) => {
      if (isConnected(state)) started = true;
      else if (state === 'CLOSED' && started) subscriber.complete();
    });
    keeper.start();
    return () => {
      beside?.unsubscribe();
      states.unsubscribe();
      placements.unsubscribe();
      if (this.keeper === keeper) this.keeper = null;
      // Deleted (retried across reconnects until gone) unless the client closed: its ephemerals went with the session.
      void keeper.stop(this.opts.remove && this.zk.state !== 'CLOSED').catch(() => undefined);
    };
  }
}
