import type { Stat } from '../../index';

/** A node as a TreeCache holds it: its data and its stat when last read. */
export interface CachedNode {
  /** The node's data when last read. */
  readonly data: Buffer;
  /** The node's stat when last read (czxid and mzxid tell a re-created or changed node). */
  readonly stat: Stat;
}

/**
 * What a TreeCache tells: kazoo TreeCache's event names (Curator
 * CuratorCache's CREATED / CHANGED / DELETED and initialized()).
 *
 * - `NODE_ADDED`, `NODE_UPDATED`, `NODE_REMOVED`: a node of the subtree, with
 *   its data and stat (the last ones seen, for a removed node).
 * - `INITIALIZED`: the cache equals the server's subtree, after start() and
 *   after every resync.
 * - `CONNECTION_SUSPENDED`: the connection dropped (the cache may go stale).
 * - `CONNECTION_RECONNECTED`: connected again (same or new session); a resync
 *   follows, ending with INITIALIZED.
 * - `CONNECTION_LOST`: the session expired (or the client closed).
 *
 * @example
 * cache.events$.subscribe((e) => {
 *   if (e.type === 'NODE_UPDATED') console.log(e.path, 'is now', e.data.toString());
 * });
 */
export type TreeCacheEvent =
  | {
      /** What happened to the node. */
      type: 'NODE_ADDED' | 'NODE_UPDATED' | 'NODE_REMOVED';
      /** The node's full (chroot-relative) path. */
      path: string;
      /** Its data (the last seen, for a removed node). */
      data: Buffer;
      /** Its stat (the last seen, for a removed node). */
      stat: Stat;
    }
  | {
      /** What happened to the cache or its connection. */
      type: 'INITIALIZED' | 'CONNECTION_SUSPENDED' | 'CONNECTION_RECONNECTED' | 'CONNECTION_LOST';
    };

/** A node event of a TreeCache. */
export type TreeNodeEvent = Extract<TreeCacheEvent, { path: string }>;

/**
 * How a TreeCache learns of changes.
 *
 * - `'auto'` (default): one persistent recursive watch (addWatch, ZooKeeper
 *   3.6+); per-node watches if the server answers addWatch with
 *   UNIMPLEMENTED (a server before 3.6).
 * - `'recursive'`: the persistent recursive watch only (an older server
 *   fails the cache).
 * - `'per-node'`: a data watch and a child watch on every node, as kazoo's
 *   TreeCache and Curator's deprecated TreeCache do.
 */
export type TreeCacheWatchMode = 'auto' | 'recursive' | 'per-node';

/**
 * Which nodes a TreeCache holds, by full path (Curator's TreeCacheSelector): the root is always held; another node
 * is held when its parent is held and traversed and `acceptChild` accepts it. A method left out accepts everything.
 * Both are called with full (chroot-relative) paths, as often as the cache needs an answer (when it reads a node's
 * children, and for each change it is told of): they should answer the same for the same path. One that throws
 * fails the cache (`events$` errors with what it threw).
 *
 * @example
 * // Everything under /services, but not the `locks` subtrees, and no `_tmp` nodes.
 * const selector: TreeCacheSelector = {
 *   traverseChildren: (path) => !path.endsWith('/locks'),
 *   acceptChild: (path) => !path.endsWith('_tmp'),
 * };
 */
export interface TreeCacheSelector {
  /**
   * Whether the children of this (held) node are read and held; false: none of them is (the node itself is).
   *
   * @example
   * const selector: TreeCacheSelector = { traverseChildren: (path) => path !== '/services/archive' };
   */
  traverseChildren?(path: string): boolean;
  /**
   * Whether this node (a child of a held, traversed node) is held; false: neither it nor anything below it is.
   *
   * @example
   * const selector: TreeCacheSelector = { acceptChild: (path) => !path.split('/').pop()!.startsWith('.') };
   */
  acceptChild?(path: string): boolean;
}

/** Options of a TreeCache. */
export interface TreeCacheOptions {
  /** How changes are watched (default `'auto'`). */
  watchMode?: TreeCacheWatchMode;
  /** How many reads a (re)sync keeps in flight at once (default 1000). */
  concurrency?: number;
  /**
   * How deep below the root nodes are held (Curator's TreeCache.Builder.setMaxDepth): 0 holds the root only, 1 the
   * root and its children, and so on; an integer ≥ 0 or `Infinity` (the default: the whole subtree).
   */
  maxDepth?: number;
  /** Which nodes are held (Curator's TreeCacheSelector); default: every node within `maxDepth`. */
  selector?: TreeCacheSelector;
}
