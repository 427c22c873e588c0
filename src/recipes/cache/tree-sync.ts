import {
  ClientClosedError,
  ConnectionLossError,
  NoNodeError,
  SessionExpiredError,
  joinPath,
  type Stat,
  type WatchedEvent,
  type ZooKeeperClient,
} from '../../index';
import { ReadQueue } from './read-queue';
import type { TreeScope } from './tree-scope';
import type { TreeState } from './tree-state';
import type { TreeNodeEvent } from './types';

/** What a TreeSync reports to its cache. */
export interface SyncListener {
  /** A node event, in the order the server's answers and notifications came. */
  changed(event: TreeNodeEvent): void;
  /** A (re)sync finished: the cache equals the subtree as the server had it. */
  initialized(): void;
  /** A read failed with an error no resync mends (NoAuth, …). */
  failed(err: unknown): void;
}

/**
 * Keeps a TreeState equal to a subtree on the server: a full walk on each
 * (re)connection, then a read for each watch notification.
 *
 * Order: one session's replies and notifications come in the order the
 * server applied what they tell, and every result is applied when it comes,
 * so the state follows the server's order; a read answered after a newer one
 * of the same node is ignored (czxid, then mzxid: kazoo#645's event-order
 * race cannot overwrite newer data).
 *
 * A resync after a dropped connection or an expiry compares what it reads
 * with what is cached and reports only the differences (a node re-created
 * meanwhile has a new czxid and mzxid although its version is 0 again,
 * Curator 127efd5e); whatever was cached and is neither found by the walk
 * nor told by a notification meanwhile is removed; then INITIALIZED again
 * (CURATOR-296).
 *
 * With `perNode` every read also sets a one-shot watch (data on each node,
 * children on each traversed node, existence on a missing root): a server
 * before 3.6 has no persistent watches.
 *
 * Only the nodes of its TreeScope (maxDepth, selector) are read and held: a
 * node's children are listed only when the scope traverses it, a child read
 * only when the scope accepts it, and a notification of a node outside the
 * scope is ignored (the recursive watch tells of every node under the root).
 */
export class TreeSync {
  private readonly reads: ReadQueue;
  private walking = 0;
  /** Paths found by the current resync (or told by a notification during it); null outside a resync. */
  private seen: Set<string> | null = null;
  private perNode = false;
  private stopped = false;
  /** Results are applied in the order their notifications (or walk steps) came, whatever order their reads end in. */
  private nextTicket = 0;
  private nextToApply = 0;
  private readonly ready = new Map<number, () => void>();
  /** One watcher for every per-node watch: the client keeps a set of watchers per path, so it is registered once per node. */
  private readonly watcher = (event: WatchedEvent): void => this.notified(event);

  constructor(
    private readonly zk: ZooKeeperClient,
    private readonly root: string,
    private readonly state: TreeState,
    private readonly listener: SyncListener,
    private readonly scope: TreeScope,
    concurrency: number,
  ) {
    this.reads = new ReadQueue(concurrency);
  }

  /** Whether every read sets a one-shot watch (no persistent recursive watch). */
  usePerNodeWatches(): void {
    this.perNode = true;
  }

  /** Walks the whole subtree anew (dropping a walk under way), then reports INITIALIZED. */
  resync(): void {
    this.cancel();
    this.seen = new Set();
    this.readNode(this.root, true);
  }

  /** For good (the cache closed or failed): nothing more is read, even by a walk step under way. */
  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  /** Drops every read in flight: the connection they went on is gone, and a resync follows the next one. */
  cancel(): void {
    this.reads.cancel();
    this.walking = 0;
    this.ready.clear();
    this.nextToApply = this.nextTicket;
  }

  /**
   * A place in the order of application. A NodeDeleted told after a
   * NodeCreated whose read is still out must not be applied first: the
   * server made them in that order, and so the events go out in it.
   */
  private ticket(): (apply: () => void) => void {
    const ticket = this.nextTicket++;
    return (apply) => {
      if (ticket < this.nextToApply) return; // dropped by cancel()
      this.ready.set(ticket, apply);
      for (let next = this.ready.get(this.nextToApply); next !== undefined; next = this.ready.get(this.nextToApply)) {
        this.ready.delete(this.nextToApply++);
        next();
      }
    };
  }

  /** A notification of the recursive watch (or of a per-node watch). */
  notified(event: WatchedEvent): void {
    const { path } = event;
    if (path !== this.root && !path.startsWith(this.root === '/' ? '/' : `${this.root}/`)) return;
    if (!this.scope.holds(path)) {
      // Not held; its parent's stat (numChildren, pzxid) still changes when it comes or goes.
      if (event.type === 'NodeCreated' || event.type === 'NodeDeleted') this.refreshParent(path);
      return;
    }
    this.seen?.add(path);
    switch (event.type) {
      case 'NodeCreated':
        this.readNode(path, false);
        this.refreshParent(path);
        break;
      case 'NodeDataChanged':
        this.readNode(path, false, false);
        break;
      case 'NodeDeleted':
        this.ticket()(() => this.gone(path));
        this.refreshParent(path);
        break;
      case 'NodeChildrenChanged':
        if (this.scope.traverses(path)) this.readChildren(path, false);
        if (this.state.get(path) !== undefined) this.readNode(path, false, false);
        break;
      default:
        break;
    }
  }

  /**
   * A recursive watch tells no NodeChildrenChanged: the parent of a node
   * created or deleted is read again, so that its stat (numChildren,
   * cversion, pzxid) stays what a fresh read gives. Its data is unchanged,
   * so this makes no event. Also when the node is outside the scope (its
   * parent, held, has a child more or less all the same; Curator's TreeCache
   * lets such a stat lag, having no child watch on an untraversed node).
   */
  private refreshParent(path: string): void {
    if (this.perNode || path === this.root) return;
    const parent = path.slice(0, Math.max(1, path.lastIndexOf('/')));
    if (this.state.get(parent) !== undefined) this.readNode(parent, false, false);
  }

  /**
   * Reads a node, applies it, then reads its children when it has any (a
   * per-node cache always: that sets its child watch) and the scope traverses
   * it. `walk` counts the read in the resync under way; `children: false`
   * reads the data only.
   */
  private readNode(path: string, walk: boolean, children = true): void {
    if (this.stopped) return;
    if (walk) this.walking++;
    const watch = this.perNode ? { watch: this.watcher } : undefined;
    const done = this.ticket();
    this.reads.read(
      () => this.zk.get(path, watch),
      ({ data, stat }) => done(() => {
        this.put(path, data, stat);
        if (children && (this.perNode || stat.numChildren > 0) && this.scope.traverses(path)) this.readChildren(path, walk);
        if (walk) this.walked();
      }),
      (err) => done(() => {
        if (err instanceof NoNodeError) {
          this.gone(path);
          if (this.perNode && path === this.root) this.awaitRoot(walk);
        } else this.readFailed(err);
        if (walk) this.walked();
      }),
    );
  }

  /** Reads a node's children and reads each accepted one not cached yet (every one, in a walk: it compares them all). */
  private readChildren(path: string, walk: boolean): void {
    if (this.stopped) return;
    if (walk) this.walking++;
    const watch = this.perNode ? { watch: this.watcher } : undefined;
    const done = this.ticket();
    this.reads.read(
      () => this.zk.getChildren(path, watch),
      (names) => done(() => {
        for (const name of names) {
          const child = joinPath(path, name);
          if ((walk || this.state.get(child) === undefined) && this.scope.accepts(child)) this.readNode(child, walk);
        }
        if (walk) this.walked();
      }),
      (err) => done(() => {
        if (!(err instanceof NoNodeError)) this.readFailed(err);
        if (walk) this.walked();
      }),
    );
  }

  /** A per-node cache of a missing root: an existence watch tells when it is created. */
  private awaitRoot(walk: boolean): void {
    if (this.stopped) return;
    if (walk) this.walking++;
    const done = this.ticket();
    this.reads.read(
      () => this.zk.exists(this.root, { watch: this.watcher }),
      (stat) => done(() => {
        // Created between the read and this watch: no notification will come for it.
        if (stat !== null) this.readNode(this.root, walk);
        if (walk) this.walked();
      }),
      (err) => done(() => {
        this.readFailed(err);
        if (walk) this.walked();
      }),
    );
  }

  private put(path: string, data: Buffer, stat: Stat): void {
    this.seen?.add(path);
    const event = this.state.put(path, { data, stat });
    if (event !== null) this.listener.changed(event);
  }

  private gone(path: string): void {
    for (const removed of this.state.remove(path)) this.listener.changed(removed);
  }

  private readFailed(err: unknown): void {
    // Lost with the connection, the session or a close: the resync on the next connection reads it again.
    if (err instanceof ConnectionLossError || err instanceof SessionExpiredError || err instanceof ClientClosedError) return;
    this.listener.failed(err);
  }

  /** One read of the resync answered; the last one ends it. */
  private walked(): void {
    if (--this.walking > 0 || this.seen === null) return;
    const seen = this.seen;
    this.seen = null;
    const stale = [...this.state.paths()].filter((path) => !seen.has(path));
    for (const path of stale) for (const removed of this.state.remove(path)) this.listener.changed(removed);
    this.listener.initialized();
  }
}

