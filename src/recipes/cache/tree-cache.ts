import { ReplaySubject, Subject, Subscription, map, type Observable } from 'rxjs';
import {
  ClientClosedError,
  UnimplementedError,
  ZooKeeperClientError,
  isConnected,
  validatePath,
  type ConnectionState,
  type RecipeActivity,
  type ZooKeeperClient,
} from '../../index';
import { checkClient, recipePath } from '../kernel/arguments';
import { checkTreeCacheOptions, type CheckedTreeCacheOptions } from './options';
import { TreeScope } from './tree-scope';
import { TreeState } from './tree-state';
import { TreeSync } from './tree-sync';
import type { CachedNode, TreeCacheEvent, TreeCacheOptions, TreeNodeEvent } from './types';

/**
 * A whole subtree kept in memory (Curator's CuratorCache, with kazoo
 * TreeCache's event names), on ONE persistent recursive watch (addWatch,
 * ZooKeeper 3.6+) however many nodes it holds: where kazoo's TreeCache sets a
 * data and a child watch per node, the server keeps one watch for the cache.
 * On a server before 3.6 (addWatch answered UNIMPLEMENTED) it falls back to
 * per-node watches.
 *
 * `start()` reads the subtree (NODE_ADDED for every node, then
 * INITIALIZED); changes follow in the server's order. After a dropped
 * connection (CONNECTION_SUSPENDED, CONNECTION_RECONNECTED) or an expiry
 * (CONNECTION_LOST, then CONNECTION_RECONNECTED on the new session) it reads
 * the subtree again and emits only what differs from what it holds (by czxid
 * and mzxid: a node deleted and re-created has version 0 again), then
 * INITIALIZED again. As the CuratorCache javadoc warns, a change undone while
 * the client was cut off is never told.
 *
 * The root need not exist: it is cached once created, and forgotten with its
 * subtree when deleted, while the cache goes on watching.
 *
 * `maxDepth` and `selector` limit what it holds, as Curator's TreeCache's
 * (0: the root only; a selector's `traverseChildren` false: that node's
 * children are not held; `acceptChild` false: that node and its subtree are
 * not held). Still one recursive watch: changes outside are ignored, and a
 * node outside never shows in `get`, `children`, `size`, the events or the
 * snapshots.
 *
 * Observability (issue 22): from `start()` to the first INITIALIZED a
 * `tree-cache-load` activity on `zk.recipeEvents$` (a span with
 * rxzk/opentelemetry), and a `tree-cache-size` count after that load and on
 * every later change of `size` (the `zookeeper.recipe.tree_cache.nodes`
 * gauge); nothing is built while nobody listens.
 *
 * @example
 * const cache = new TreeCache(zk, '/services');
 * cache.events$.subscribe((e) => console.log(e.type, 'path' in e ? e.path : ''));
 * await cache.start();
 * console.log(cache.children('/services'));
 * await cache.close();
 */
export class TreeCache {
  private readonly root: string;
  private readonly options: CheckedTreeCacheOptions;
  private readonly state: TreeState;
  private readonly sync: TreeSync;
  private readonly events = new Subject<TreeCacheEvent>();
  private readonly snapshotTicks = new ReplaySubject<void>(1);
  private snapshotCopy: { version: number; nodes: ReadonlyMap<string, CachedNode> } | null = null;
  private running: Subscription | null = null;
  private watching: Subscription | null = null;
  private connected = false;
  private everConnected = false;
  private sessionLost = false;
  private initializedOnce = false;
  private closed = false;
  private starting: Promise<void> | null = null;
  private startWaiters: { resolve: () => void; reject: (err: unknown) => void } | null = null;
  /** The initial load's activity (issue 22), until the first INITIALIZED. */
  private loading: RecipeActivity | null = null;
  /** The size last reported as `tree-cache-size`; -1 before the first. */
  private reportedSize = -1;

  /**
   * Every event of the cache, from `start()` on (hot: a late subscriber sees
   * only what follows). Completes at `close()`; errors when a read fails with
   * an error no reconnect mends (NoAuth on a node, addWatch refused).
   *
   * @example
   * cache.events$.pipe(filter((e) => e.type === 'NODE_REMOVED')).subscribe((e) => console.log('gone:', e));
   */
  readonly events$: Observable<TreeCacheEvent> = this.events.asObservable();

  /**
   * The whole cache as a map from full path to `{ data, stat }`, after the
   * first INITIALIZED and after each change; it replays the latest to a new
   * subscriber. Each emitted map is a copy later changes do not touch.
   *
   * @example
   * cache.snapshot$.subscribe((nodes) => console.log(nodes.size, 'nodes'));
   */
  readonly snapshot$: Observable<ReadonlyMap<string, CachedNode>> = this.snapshotTicks.pipe(map(() => this.snapshot()));

  /**
   * Nothing is sent until `start()`; a bad path or option throws here.
   *
   * @example
   * const cache = new TreeCache(zk, '/config', { watchMode: 'auto' });
   * // The root and its children only, leaving out `locks`: as Curator's TreeCache.newBuilder(...).setMaxDepth(1).setSelector(...).
   * const services = new TreeCache(zk, '/services', { maxDepth: 1, selector: { acceptChild: (path) => !path.endsWith('/locks') } });
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
    opts?: TreeCacheOptions,
  ) {
    checkClient(zk, 'TreeCache');
    this.root = recipePath(path);
    this.options = checkTreeCacheOptions(opts);
    this.state = new TreeState(this.root);
    this.sync = new TreeSync(zk, this.root, this.state, {
      changed: (event) => this.changed(event),
      initialized: () => this.initialized(),
      failed: (err) => this.fail(err),
    }, new TreeScope(this.root, this.options.maxDepth, this.options.selector, (err) => this.fail(err)), this.options.concurrency);
    if (this.options.watchMode === 'per-node') this.sync.usePerNodeWatches();
  }

  /**
   * Starts caching (once the client is connected) and resolves at the first
   * INITIALIZED: the cache then holds the whole subtree. Calling it again
   * gives the same promise. Rejects after `close()`, when the client is
   * closed before the cache is initialized, and when the cache fails.
   *
   * @example
   * await cache.start();
   * console.log(cache.get('/services')?.data.toString());
   */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new ZooKeeperClientError(`the TreeCache of ${this.root} is closed`));
    this.starting ??= new Promise<void>((resolve, reject) => {
      this.loading = this.zk.startRecipeActivity({ kind: 'tree-cache-load', recipe: 'TreeCache', path: this.root });
      this.startWaiters = { resolve, reject };
      this.running = this.zk.state$.subscribe((state) => this.onState(state));
    });
    return this.starting;
  }

  /**
   * Stops caching: the server watch is removed, `events$` and `snapshot$`
   * complete; what was cached stays readable. Idempotent; a closed cache
   * does not start again (make a new one).
   *
   * @example
   * process.on('SIGTERM', () => void cache.close());
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.stop();
    this.endLoad('aborted');
    this.startWaiters?.reject(new ZooKeeperClientError(`the TreeCache of ${this.root} was closed before it was initialized`));
    this.startWaiters = null;
    this.events.complete();
    this.snapshotTicks.complete();
    return Promise.resolve();
  }

  /**
   * A cached node's data and stat by full (chroot-relative) path, or
   * `undefined` when the cache does not hold it.
   *
   * @example
   * const url = cache.get('/services/db/url')?.data.toString();
   */
  get(path: string): CachedNode | undefined {
    return this.state.get(validatePath(path));
  }

  /**
   * How many nodes the cache holds now, its root included (0 before `start()` has read the root, or when the root
   * does not exist).
   *
   * @example
   * await cache.start();
   * console.log(`${cache.size} nodes under /services, /services included`);
   */
  get size(): number {
    return this.state.size;
  }

  /**
   * The names of a cached node's children (sorted), or `undefined` when the
   * cache does not hold that node.
   *
   * @example
   * for (const name of cache.children('/services') ?? []) console.log(name);
   */
  children(path: string): string[] | undefined {
    return this.state.children(validatePath(path));
  }

  private onState(state: ConnectionState): void {
    if (isConnected(state)) {
      if (this.connected) return;
      this.connected = true;
      if (this.everConnected) this.emit({ type: 'CONNECTION_RECONNECTED' });
      this.everConnected = true;
      this.sessionLost = false;
      // The watch first: the walk's reads go after addWatch on the session, so no change falls between them.
      this.ensureWatch();
      this.sync.resync();
      return;
    }
    if (this.connected) {
      this.connected = false;
      this.sync.cancel();
      if (state === 'SUSPENDED') this.emit({ type: 'CONNECTION_SUSPENDED' });
    }
    if ((state === 'EXPIRED' || state === 'CLOSED') && this.everConnected && !this.sessionLost) {
      this.sessionLost = true;
      this.emit({ type: 'CONNECTION_LOST' });
    }
    if (state === 'CLOSED' && !this.initializedOnce) {
      this.endLoad('aborted');
      this.startWaiters?.reject(new ClientClosedError());
      this.startWaiters = null;
    }
  }

  /** The persistent recursive watch, once: the client restores it after a reconnect and adds it again after an expiry. */
  private ensureWatch(): void {
    if (this.options.watchMode === 'per-node' || this.watching !== null) return;
    this.watching = this.zk.watch$(this.root, { recursive: true }).subscribe({
      next: (event) => this.sync.notified(event),
      error: (err: unknown) => {
        this.watching = null;
        if (err instanceof UnimplementedError && this.options.watchMode === 'auto') {
          // A server before 3.6: per-node watches, set by a walk that reads every node again.
          this.sync.usePerNodeWatches();
          this.watching = Subscription.EMPTY;
          if (this.connected) this.sync.resync();
        } else this.fail(err);
      },
      // The client closed (the watch ends with it): subscribed again on the next start.
      complete: () => (this.watching = null),
    });
  }

  private changed(event: TreeNodeEvent): void {
    this.emit(event);
    if (this.initializedOnce) {
      if (event.type !== 'NODE_UPDATED') this.reportSize();
      this.snapshotTicks.next();
    }
  }

  private initialized(): void {
    this.initializedOnce = true;
    this.endLoad('ok');
    this.reportSize();
    this.emit({ type: 'INITIALIZED' });
    this.snapshotTicks.next();
    this.startWaiters?.resolve();
    this.startWaiters = null;
  }

  private snapshot(): ReadonlyMap<string, CachedNode> {
    // One copy per version of the state, shared by every subscriber; none made while nobody subscribes.
    if (this.snapshotCopy?.version !== this.state.version) this.snapshotCopy = { version: this.state.version, nodes: this.state.copy() };
    return this.snapshotCopy.nodes;
  }

  /** Ends the initial load's activity, once. */
  private endLoad(outcome: 'ok' | 'aborted' | 'error', err?: unknown): void {
    this.loading?.end(outcome, err);
    this.loading = null;
  }

  /** `tree-cache-size` when the count changed since the last report (the initial load's end is the first). */
  private reportSize(): void {
    const nodes = this.state.size;
    if (nodes === this.reportedSize || this.closed) return;
    this.reportedSize = nodes;
    this.zk.reportRecipeEvent({ type: 'tree-cache-size', recipe: 'TreeCache', path: this.root, nodes });
  }

  private emit(event: TreeCacheEvent): void {
    if (!this.closed) this.events.next(event);
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    this.endLoad('error', err);
    this.startWaiters?.reject(err);
    this.startWaiters = null;
    this.events.error(err);
    this.snapshotTicks.error(err);
  }

  private stop(): void {
    this.running?.unsubscribe();
    this.running = null;
    this.watching?.unsubscribe();
    this.watching = null;
    this.sync.stop();
  }
}
