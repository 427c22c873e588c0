import { Observable } from 'rxjs';
import { ClientClosedError } from '../../errors/client-errors';
import { WatcherType, type WatcherTypeName } from '../../jute/op-codes';
import type { SessionManager } from '../../session/session-manager';
import type { Watcher } from '../../session/watched-event';
import { REMOVE_WATCHES } from '../operations/watch-operations';
import { RequestObservable } from '../request-observable';
import { NodeFollower } from './node-follower';
import { addWatch } from './persistent-watch';
import type { SharedStream } from './shared-stream';

/** What a shared watch follows: a kind of watch on a server path. */
export type SharedKind = 'data' | 'children' | 'exists' | 'persistent' | 'persistentRecursive';

/**
 * The client's shared watches: one follower per path and kind, whatever the
 * number of subscribers, and the release of the server's watch when the last
 * one leaves.
 *
 * ZooKeeper 3.8's removeWatches knows only CHILDREN, DATA and ANY, and a
 * persistent watch sits in both the data and the child tables: it is removed
 * with ANY once nothing else on the client watches that path, and left to
 * linger until then (its extra events reach only the watchers still there).
 */
export class SharedWatches {
  private readonly streams: Record<SharedKind, Map<string, SharedStream<unknown>>> = {
    data: new Map(),
    children: new Map(),
    exists: new Map(),
    persistent: new Map(),
    persistentRecursive: new Map(),
  };
  /** Paths on which the server may still hold a persistent watch of ours. */
  private readonly persistentOnServer = new Set<string>();

  constructor(private readonly session: SessionManager) {
    // One subscription for every follower: they all complete when the client closes.
    session.state$.subscribe((state) => {
      if (state !== 'CLOSED') return;
      for (const map of Object.values(this.streams)) for (const stream of [...map.values()]) stream.complete();
    });
  }

  /** A cold Observable of the shared stream of `kind` on `serverPath`, made by `create` when nobody follows it yet. */
  observe<T>(kind: SharedKind, serverPath: string, create: (onEnd: (stream: SharedStream<T>) => void) => SharedStream<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      if (this.session.state === 'CLOSED') {
        subscriber.error(new ClientClosedError());
        return;
      }
      const map = this.streams[kind] as Map<string, SharedStream<T>>;
      let stream = map.get(serverPath);
      if (stream === undefined) {
        stream = create((ended) => this.ended(kind, serverPath, ended as SharedStream<unknown>));
        map.set(serverPath, stream);
        if (kind === 'persistent' || kind === 'persistentRecursive') this.persistentOnServer.add(serverPath);
      }
      return stream.attach(subscriber);
    });
  }

  /** How many paths and kinds are followed now (for tests and diagnostics). */
  get size(): number {
    let n = 0;
    for (const map of Object.values(this.streams)) n += map.size;
    return n;
  }

  private ended(kind: SharedKind, serverPath: string, stream: SharedStream<unknown>): void {
    const map = this.streams[kind];
    if (map.get(serverPath) === stream) map.delete(serverPath);
    if (stream instanceof NodeFollower) this.forgetOneShot(serverPath, stream.watcher as Watcher);
    this.release(serverPath, kind);
  }

  /** Takes a follower's watcher out of every one-shot table of its path. */
  private forgetOneShot(serverPath: string, watcher: Watcher): void {
    const registry = this.session.watches;
    registry.remove('data', serverPath, watcher);
    registry.remove('exist', serverPath, watcher);
    registry.remove('child', serverPath, watcher);
  }

  /** A follower stopped: remove what the server holds for `serverPath` that no watcher on the client still needs. */
  private release(serverPath: string, kind: SharedKind): void {
    if (!this.session.connected) return; // the server dropped the connection's watches; only the registry is restored
    const registry = this.session.watches;
    if (kind === 'persistentRecursive' && registry.has('persistent', serverPath)) {
      // A plain persistent watch outlives the recursive one: the server must hold the plain mode again.
      addWatch(this.session, serverPath, serverPath, false).subscribe({ error: () => undefined });
      return;
    }
    const data = registry.has('data', serverPath) || registry.has('exist', serverPath);
    const child = registry.has('child', serverPath);
    const persistent = registry.has('persistent', serverPath) || registry.has('persistentRecursive', serverPath);
    let type: WatcherTypeName | null = null;
    if (!data && !child && !persistent) {
      type = 'ANY';
      this.persistentOnServer.delete(serverPath);
    } else if (!this.persistentOnServer.has(serverPath)) {
      // Only one-shot watches here: drop the table nobody on the client needs any more.
      if (!data) type = 'DATA';
      else if (!child) type = 'CHILDREN';
    }
    if (type === null) return;
    new RequestObservable(this.session, REMOVE_WATCHES, { path: serverPath, type: WatcherType[type] }, serverPath).subscribe({
      // NoWatcher: the watch had already fired; nothing to remove.
      error: () => undefined,
    });
  }
}
