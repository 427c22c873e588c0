import { Observable, type Subscriber, type TeardownLogic } from 'rxjs';
import { ClientClosedError } from '../../errors/client-errors';
import { WatcherType, type WatcherTypeName } from '../../jute/op-codes';
import type { SessionManager } from '../../session/session-manager';
import { REMOVE_WATCHES } from '../operations/watch-operations';
import { RequestObservable } from '../request-observable';
import type { NodeOps } from '../node-ops';
import { NodeFollower } from './node-follower';
import { CHILDREN_READER, DATA_READER, STAT_READER, type NodeReader } from './node-readers';
import { addWatch, PersistentWatch } from './persistent-watch';
import type { WatchKind } from '../../session/watch-kind';
import type { SharedStream, StreamOwner } from './shared-stream';

const READERS: Record<'data' | 'child' | 'exist', NodeReader<unknown, unknown>> = {
  data: DATA_READER,
  child: CHILDREN_READER,
  exist: STAT_READER,
};

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
export class SharedWatches implements StreamOwner {
  private readonly streams: Record<WatchKind, Map<string, SharedStream<unknown>>> = {
    data: new Map(),
    child: new Map(),
    exist: new Map(),
    persistent: new Map(),
    persistentRecursive: new Map(),
  };
  /** Paths on which the server may still hold a persistent watch of ours. */
  private readonly persistentOnServer = new Set<string>();

  constructor(
    private readonly ops: NodeOps,
    private readonly session: SessionManager,
  ) {
    // One subscription for every follower: they all complete when the client closes.
    session.state$.subscribe((state) => {
      if (state !== 'CLOSED') return;
      for (const map of Object.values(this.streams)) for (const stream of [...map.values()]) stream.complete();
    });
  }

  /** StreamOwner: streams subscribed before the client's first start() wait for it. */
  get canStart(): boolean {
    return this.session.hasStarted;
  }

  /** The client started: streams subscribed before it begin now. */
  clientStarted(): void {
    for (const map of Object.values(this.streams)) for (const stream of [...map.values()]) stream.begin();
  }

  /** A cold Observable of the shared stream of `kind` on a path: subscribing joins it, or starts it. */
  observe<T>(kind: WatchKind, serverPath: string, userPath: string): Observable<T> {
    return new SharedObservable<T>(this, kind, serverPath, userPath);
  }

  /** Attaches a subscriber to the stream of `kind` on `serverPath`, made when nobody follows it yet. */
  attach<T>(kind: WatchKind, serverPath: string, userPath: string, subscriber: Subscriber<T>): TeardownLogic {
    if (this.session.state === 'CLOSED') {
      subscriber.error(new ClientClosedError());
      return;
    }
    const map = this.streams[kind];
    let stream = map.get(serverPath);
    if (stream === undefined) {
      stream = this.create(kind, serverPath, userPath);
      map.set(serverPath, stream);
      if (kind === 'persistent' || kind === 'persistentRecursive') this.persistentOnServer.add(serverPath);
    }
    return stream.attach(subscriber);
  }

  private create(kind: WatchKind, serverPath: string, userPath: string): SharedStream<unknown> {
    if (kind === 'persistent' || kind === 'persistentRecursive') {
      return new PersistentWatch(this, this.session, serverPath, userPath, kind === 'persistentRecursive');
    }
    return new NodeFollower(this, kind, serverPath, this.ops, userPath, READERS[kind]);
  }

  /** StreamOwner: a stream ended; forget it and release what the server holds for it. */
  ended(stream: SharedStream<unknown>): void {
    const { kind, serverPath } = stream;
    const map = this.streams[kind];
    if (map.get(serverPath) === stream) map.delete(serverPath);
    if (stream instanceof NodeFollower) {
      // Take the follower's watcher out of every one-shot table of its path.
      const registry = this.session.watches;
      registry.remove('data', serverPath, stream.watcher);
      registry.remove('exist', serverPath, stream.watcher);
      registry.remove('child', serverPath, stream.watcher);
    }
    this.release(serverPath, kind);
  }

  /** Removes what the server holds for `serverPath` that no watcher on the client still needs. */
  private release(serverPath: string, kind: WatchKind): void {
    if (!this.session.connected) return; // the server dropped the connection's watches; only the registry is restored
    const registry = this.session.watches;
    if (kind === 'persistentRecursive' && registry.has('persistent', serverPath)) {
      // A plain persistent watch outlives the recursive one: the server must hold the plain mode again.
      addWatch(this.session, serverPath, serverPath, false).subscribe({ error: () => undefined });
      return;
    }
    // Watches still being set count as needed: a removeWatches sent now would go out behind them and delete them.
    const data = registry.needs(serverPath, 'DATA');
    const child = registry.needs(serverPath, 'CHILDREN');
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

/** What `watchData$()` and its siblings return: its data on the Observable, one subscribe function for all (no closure). */
class SharedObservable<T> extends Observable<T> {
  constructor(
    readonly watches: SharedWatches,
    readonly kind: WatchKind,
    readonly serverPath: string,
    readonly userPath: string,
  ) {
    super(subscribeShared as (this: Observable<T>, subscriber: Subscriber<T>) => TeardownLogic);
  }
}

function subscribeShared(this: SharedObservable<unknown>, subscriber: Subscriber<unknown>): TeardownLogic {
  return this.watches.attach(this.kind, this.serverPath, this.userPath, subscriber);
}
