import type { Observable } from 'rxjs';
import type { Data } from '../common/arguments';
import type { Stat } from '../jute/records/data';
import type { Watcher } from '../session/watched-event';
import type { CreateOptions } from './create-mode';

/**
 * The `watch` option of the reads: a callback run once, on the next change.
 *
 * @example
 * zk.get('/app/config', { watch: (event) => console.log(event.type, event.path) }).subscribe();
 */
export interface WatchOptions {
  /**
   * Called once with the WatchedEvent of the next change (kazoo's `watch=`): NodeDataChanged or NodeDeleted
   * after `get`/`exists` (NodeCreated too after `exists` of a missing node), NodeChildrenChanged after
   * `getChildren`. Re-arm it by reading again; `watchData$` and friends do that for you.
   */
  watch?: Watcher;
}

/**
 * The node operations the client's own helpers are written against — the tree operations (ensurePath,
 * makePath, recursive delete), protected creates and the shared watch streams — instead of the whole
 * ZooKeeperClient. The client implements it with its public methods, so a helper's request is exactly the
 * one a user would make (same checks, same chroot, same typed errors).
 */
export interface NodeOps {
  get(path: string, opts?: WatchOptions): Observable<{ data: Buffer; stat: Stat }>;
  exists(path: string, opts?: WatchOptions): Observable<Stat | null>;
  getChildren(path: string, opts?: WatchOptions): Observable<string[]>;
  getChildrenWithStat(path: string, opts?: WatchOptions): Observable<{ children: string[]; stat: Stat }>;
  create(path: string, data?: Data | null, opts?: CreateOptions): Observable<string>;
  delete(path: string, opts?: { version?: number; recursive?: boolean }): Observable<void>;
}
