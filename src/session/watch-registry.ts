import type { Watcher, WatchedEvent, WatchedEventType } from './watched-event';
import { WatcherTable } from './watcher-table';

/** The kinds of server-side watch a client can hold on a path. */
export type WatchKind = 'data' | 'exist' | 'child' | 'persistent' | 'persistentRecursive';

/** A watch to record once the server has answered the request that set it. */
export interface WatchRegistration {
  kind: 'data' | 'exist' | 'child';
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

  /** @param toUserPath maps a server path to the caller's (chroot stripped), or null when outside the chroot. */
  constructor(private readonly toUserPath: (serverPath: string) => string | null) {}

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
  coveredByPersistent(path: string, kind: 'data' | 'exist' | 'child'): boolean {
    if (this.byKind.persistent.has(path)) return true;
    return kind !== 'child' && this.byKind.persistentRecursive.has(path);
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
   * While a path has both a plain and a recursive persistent watch, the server
   * holds the recursive one (it keeps one mode per path before 3.9,
   * ZOOKEEPER-4466) and sends no NodeChildrenChanged: the plain watchers get it
   * from the creation or deletion of a direct child, which is what it means.
   */
  private childrenChangedUnderRecursive(serverPath: string): void {
    const parent = parentPath(serverPath);
    if (parent === null || !this.byKind.persistentRecursive.has(parent)) return;
    const plain = new Set<Watcher>();
    this.byKind.persistent.collect(parent, plain);
    const parentForUser = this.toUserPath(parent);
    if (plain.size > 0 && parentForUser !== null) notifyAll(plain, { type: 'NodeChildrenChanged', path: parentForUser, state: 'SyncConnected' });
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
  }
}

function parentPath(path: string): string | null {
  if (path === '/') return null;
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Runs user callbacks so that one throwing cannot stop the others or the caller. */
export function notifyAll(watchers: Iterable<Watcher>, event: WatchedEvent): void {
  for (const watcher of watchers) {
    try {
      watcher(event);
    } catch (err) {
      // Surface the user's bug where it can be seen, outside our frame stream (ioredis does the same).
      process.nextTick(() => {
        throw err;
      });
    }
  }
}
