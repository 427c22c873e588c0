import { parentOf } from '../common/path';
import type { Watcher, WatchedEvent, WatchedEventType } from './watched-event';
import { WatcherTable } from './watcher-table';
import { rethrowOutside } from './user-code';
import { serverTableOf, type OneShotWatchKind, type WatchKind } from './watch-kind';

export type { WatchKind } from './watch-kind';

/** A request that sets a one-shot watch, from its submission to its reply: the server may set the watch any moment. */
export interface WatchBeingSet {
  /** The watch it sets (never null for the requests tracked here; typed as a request holds it). */
  readonly watch: WatchRegistration | null;
  /** False once its caller has left: its watch will not be recorded, so nobody needs it. */
  readonly wanted: boolean;
}

/** A watch to record once the server has answered the request that set it. */
export interface WatchRegistration {
  kind: OneShotWatchKind;
  /** The server path (chroot included). */
  path: string;
  watcher: Watcher;
}

/** The paths of the watches to restore on a new connection (SetWatches / SetWatches2). */
export interface WatchPaths {
  data: string[];
  exist: string[];
  child: string[];
  persistent: string[];
  persistentRecursive: string[];
}

/**
 * How many paths the client holds a watch on, by kind (`zk.watchCounts`): what the server keeps for this session
 * (one watch per path and kind, however many callbacks share it), and the `kind` of the `zookeeper.client.watches`
 * metric.
 *
 * @example
 * const { data, exist, child } = zk.watchCounts;
 * console.log(`${data + exist + child} one-shot watches`);
 */
export interface WatchCounts {
  /** Data watches (getData with a watch, watchData$). */
  data: number;
  /** Exist watches on nodes that do not exist (exists with a watch on a missing node, exists$). */
  exist: number;
  /** Child watches (getChildren with a watch, watchChildren$). */
  child: number;
  /** Persistent watches (watch$). */
  persistent: number;
  /** Recursive persistent watches (watch$ with `recursive`). */
  persistentRecursive: number;
}

const NO_NODE = -101;

/**
 * The client side of the server's watches (ZKWatchManager's role in the Java
 * client): which callbacks wait on which server path, who a notification
 * wakes, and what to restore after a reconnect.
 *
 * One-shot watches are removed when they fire. Callbacks are user code: each
 * runs in its own try/catch, and a throw is re-raised on a later tick, so one
 * bad callback can neither skip the others nor break the frame stream.
 */
export class WatchRegistry {
  private readonly byKind: Record<WatchKind, WatcherTable> = {
    data: new WatcherTable(),
    exist: new WatcherTable(),
    child: new WatcherTable(),
    persistent: new WatcherTable(),
    persistentRecursive: new WatcherTable(),
  };

  /**
   * Requests in flight that set a one-shot watch, by server path. They count as
   * needing their watch: a removeWatches decided from the recorded watches
   * alone would go out behind them and delete what they set (issue: a get with
   * a watch made in the tick a watchData$ on the path ends never fired).
   */
  private readonly beingSet = new Map<string, WatchBeingSet[]>();

  /** @param toUserPath maps a server path to the caller's (chroot stripped), or null when outside the chroot. */
  constructor(private readonly toUserPath: (serverPath: string) => string | null) {}

  /** A request that sets a watch was submitted. */
  settingStarted(request: WatchBeingSet): void {
    if (request.watch === null) return;
    const path = request.watch.path;
    const list = this.beingSet.get(path);
    if (list === undefined) this.beingSet.set(path, [request]);
    else list.push(request);
  }

  /** That request was answered, failed or abandoned (after `register`, so its watch is never unaccounted for). */
  settingEnded(request: WatchBeingSet): void {
    if (request.watch === null) return;
    const list = this.beingSet.get(request.watch.path);
    if (list === undefined) return;
    const i = list.indexOf(request);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.beingSet.delete(request.watch.path);
  }

  /**
   * Whether anyone on the client still needs the server's `table` of one-shot
   * watches on `path`: a recorded watcher, or a request setting one whose
   * caller is still there.
   */
  needs(path: string, table: 'DATA' | 'CHILDREN'): boolean {
    if (table === 'DATA' ? this.has('data', path) || this.has('exist', path) : this.has('child', path)) return true;
    const list = this.beingSet.get(path);
    return list !== undefined && list.some((r) => r.wanted && r.watch !== null && serverTableOf(r.watch.kind) === table);
  }

  /**
   * Records the watch a request set, given the request's reply code: like
   * ZooKeeper, exists sets a watch on a missing node (an exist watch), the other
   * reads set one only when they succeed.
   */
  register(registration: WatchRegistration, err: number): void {
    let kind: WatchKind | null = null;
    if (err === 0) kind = registration.kind === 'exist' ? 'data' : registration.kind;
    else if (err === NO_NODE && registration.kind === 'exist') kind = 'exist';
    if (kind !== null) this.add(kind, registration.path, registration.watcher);
  }

  add(kind: WatchKind, path: string, watcher: Watcher): void {
    this.byKind[kind].add(path, watcher);
  }

  /** Removes one watcher; returns true when it was the path's last of that kind. */
  remove(kind: WatchKind, path: string, watcher: Watcher): boolean {
    return this.byKind[kind].remove(path, watcher);
  }

  has(kind: WatchKind, path: string): boolean {
    return this.byKind[kind].has(path);
  }

  /**
   * True when a persistent watch held on exactly `path` already delivers the
   * events a one-shot watch of `kind` waits for: a persistent watch delivers
   * them all, a recursive one all but NodeChildrenChanged. Such a one-shot
   * watch must stay on the client: ZooKeeper before 3.9 keeps one mode per
   * connection and path, and a one-shot watch set on the server would replace
   * the persistent one (ZOOKEEPER-4466).
   */
  coveredByPersistent(path: string, kind: OneShotWatchKind): boolean {
    if (this.byKind.persistent.has(path)) return true;
    return kind !== 'child' && this.byKind.persistentRecursive.has(path);
  }

  /** How many paths hold a watch, by kind. */
  counts(): WatchCounts {
    const size = (kind: WatchKind) => this.byKind[kind].size;
    return { data: size('data'), exist: size('exist'), child: size('child'), persistent: size('persistent'), persistentRecursive: size('persistentRecursive') };
  }

  get isEmpty(): boolean {
    for (const kind of Object.keys(this.byKind) as WatchKind[]) if (this.byKind[kind].size > 0) return false;
    return true;
  }

  /** Every watched path by kind, for SetWatches after a reconnect. */
  paths(): WatchPaths {
    const keys = (kind: WatchKind) => this.byKind[kind].paths();
    return {
      data: keys('data'),
      exist: keys('exist'),
      child: keys('child'),
      persistent: keys('persistent'),
      persistentRecursive: keys('persistentRecursive'),
    };
  }

  /**
   * Delivers a node event from the server to the watchers it wakes
   * (ZKWatchManager.materialize): data and exist watches on NodeCreated and
   * NodeDataChanged, child watches on NodeChildrenChanged, all three on
   * NodeDeleted; persistent watches on the path see every event, recursive ones
   * on the path or an ancestor every event but NodeChildrenChanged.
   */
  dispatch(type: WatchedEventType, serverPath: string): void {
    const path = this.toUserPath(serverPath);
    if (path === null) return;
    const woken = new Set<Watcher>();
    const take = (kind: WatchKind) => this.byKind[kind].take(serverPath, woken);
    switch (type) {
      case 'NodeCreated':
      case 'NodeDataChanged':
        take('data');
        take('exist');
        break;
      case 'NodeChildrenChanged':
        take('child');
        break;
      case 'NodeDeleted':
        take('data');
        take('exist');
        take('child');
        break;
      default:
        break;
    }
    this.byKind.persistent.collect(serverPath, woken);
    if (type !== 'NodeChildrenChanged' && this.byKind.persistentRecursive.size > 0) {
      for (let p: string | null = serverPath; p !== null; p = parentPath(p)) this.byKind.persistentRecursive.collect(p, woken);
    }
    if (woken.size > 0) notifyAll(woken, { type, path, state: 'SyncConnected' });
    if (type === 'NodeCreated' || type === 'NodeDeleted') this.childrenChangedUnderRecursive(serverPath);
  }

  /**
   * While a path has a recursive persistent watch, the server holds that mode
   * for it in its child table too (one mode per connection and path before
   * 3.9, ZOOKEEPER-4466) and sends no NodeChildrenChanged for it: neither to a
   * plain persistent watch nor to a one-shot child watch set before the
   * recursive one. Those watchers get it from the creation or deletion of a
   * direct child, which is what it means (a one-shot child watch is used up by it).
   */
  private childrenChangedUnderRecursive(serverPath: string): void {
    const parent = parentPath(serverPath);
    if (parent === null || !this.byKind.persistentRecursive.has(parent)) return;
    const woken = new Set<Watcher>();
    this.byKind.persistent.collect(parent, woken);
    this.byKind.child.take(parent, woken);
    const parentForUser = this.toUserPath(parent);
    if (woken.size > 0 && parentForUser !== null) notifyAll(woken, { type: 'NodeChildrenChanged', path: parentForUser, state: 'SyncConnected' });
  }

  /**
   * The session expired: every one-shot watch is gone with it. Their callbacks
   * are told (`None` / `Expired`) and forgotten; persistent watches stay, to be
   * added again on the new session.
   */
  expireOneShot(): void {
    const woken = new Set<Watcher>();
    for (const kind of ['data', 'exist', 'child'] as const) this.byKind[kind].takeAll(woken);
    notifyAll(woken, { type: 'None', path: '', state: 'Expired' });
  }

  /**
   * The server removed watches (removeWatches): forget them, and tell their
   * callbacks with DataWatchRemoved / ChildWatchRemoved as the Java client does.
   */
  removeAll(serverPath: string, which: 'CHILDREN' | 'DATA' | 'ANY'): void {
    const path = this.toUserPath(serverPath) ?? serverPath;
    const pull = (kinds: WatchKind[], type: WatchedEventType) => {
      const woken = new Set<Watcher>();
      for (const kind of kinds) this.byKind[kind].take(serverPath, woken);
      notifyAll(woken, { type, path, state: 'SyncConnected' });
    };
    if (which !== 'CHILDREN') pull(['data', 'exist'], 'DataWatchRemoved');
    if (which !== 'DATA') pull(['child'], 'ChildWatchRemoved');
  }

  /** Forgets everything (the client closed). */
  clear(): void {
    for (const kind of Object.keys(this.byKind) as WatchKind[]) this.byKind[kind].clear();
    this.beingSet.clear();
  }
}

/** The parent of a server path, null for the root (where a climb towards it stops). */
function parentPath(path: string): string | null {
  return path === '/' ? null : parentOf(path);
}

/** Runs user callbacks so that one throwing cannot stop the others or the caller. */
export function notifyAll(watchers: Iterable<Watcher>, event: WatchedEvent): void {
  for (const watcher of watchers) {
    try {
      watcher(event);
    } catch (err) {
      rethrowOutside(err);
    }
  }
}
