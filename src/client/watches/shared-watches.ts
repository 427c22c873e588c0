import { Observable, ReplaySubject, Subject, finalize, share } from 'rxjs';
import { WatcherType, type WatcherTypeName } from '../../jute/op-codes';
import type { SessionManager } from '../../session/session-manager';
import type { WatchKind } from '../../session/watch-registry';
import { REMOVE_WATCHES } from '../operations/watch-operations';
import { RequestObservable } from '../request-observable';
import { addWatch } from './persistent-watch';

/** What a shared watch follows: a kind of watch on a server path. */
export type SharedKind = 'data' | 'children' | 'exists' | 'persistent' | 'persistentRecursive';

/** The registry kinds a shared watch's watcher may sit under, to know what the path still needs. */
const DATA_KINDS: WatchKind[] = ['data', 'exist'];

/**
 * Shares one server watch among every subscriber to the same path and kind
 * (RxJS' WebSocketSubject.multiplex pattern): the first subscriber starts the
 * follower, later ones join it (readers get the last value first), and the last
 * one to leave stops it and releases the server's watch with removeWatches.
 *
 * ZooKeeper 3.8's removeWatches knows only CHILDREN, DATA and ANY, and a
 * persistent watch sits in both the data and the child tables: it is removed
 * with ANY once nothing else on the client watches that path, and left to
 * linger until then (its extra events reach only the watchers still there).
 */
export class SharedWatches {
  private readonly streams = new Map<string, Observable<unknown>>();
  /** Paths on which the server may still hold a persistent watch of ours. */
  private readonly persistentOnServer = new Set<string>();

  constructor(private readonly session: SessionManager) {}

  /** The shared stream of `kind` on `serverPath`, made with `follow` when nobody follows it yet. */
  get<T>(kind: SharedKind, serverPath: string, follow: () => Observable<T>, replay: boolean): Observable<T> {
    const key = `${kind}\u0000${serverPath}`;
    let stream = this.streams.get(key) as Observable<T> | undefined;
    if (stream === undefined) {
      if (kind === 'persistent' || kind === 'persistentRecursive') this.persistentOnServer.add(serverPath);
      stream = follow().pipe(
        finalize(() => {
          this.streams.delete(key);
          this.release(serverPath, kind);
        }),
        share<T>({
          connector: () => (replay ? new ReplaySubject<T>(1) : new Subject<T>()),
          resetOnError: true,
          resetOnComplete: true,
          resetOnRefCountZero: true,
        }),
      );
      this.streams.set(key, stream as Observable<unknown>);
    }
    return stream;
  }

  /** How many paths and kinds are followed now (for tests and diagnostics). */
  get size(): number {
    return this.streams.size;
  }

  /** A follower stopped: remove what the server holds for `serverPath` that no watcher on the client still needs. */
  private release(serverPath: string, kind: SharedKind): void {
    const registry = this.session.watches;
    if (kind === 'persistentRecursive' && registry.has('persistent', serverPath) && this.session.connected) {
      // A plain persistent watch outlives the recursive one: the server must hold the plain mode again.
      addWatch(this.session, serverPath, serverPath, false).subscribe({ error: () => undefined });
      return;
    }
    const data = DATA_KINDS.some((kind) => registry.has(kind, serverPath));
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
    // Disconnected: the server dropped the connection's watches, and only what the registry holds is restored.
    if (type === null || !this.session.connected) return;
    new RequestObservable(this.session, REMOVE_WATCHES, { path: serverPath, type: WatcherType[type] }, serverPath).subscribe({
      // NoWatcher: the watch had already fired; nothing to remove.
      error: () => undefined,
    });
  }
}
