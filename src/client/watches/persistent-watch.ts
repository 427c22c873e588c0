import type { Observable, Subscription } from 'rxjs';
import { ClientClosedError } from '../../errors/client-errors';
import { ConnectionLossError, SessionExpiredError } from '../../errors/server-errors';
import { AddWatchMode } from '../../jute/op-codes';
import type { SessionManager } from '../../session/session-manager';
import type { WatchedEvent, Watcher } from '../../session/watched-event';
import { ADD_WATCH } from '../operations/watch-operations';
import { RequestObservable } from '../request-observable';
import { SharedStream, type StreamOwner } from './shared-stream';

/** Sends addWatch for a path, in the given mode. */
export function addWatch(session: SessionManager, serverPath: string, userPath: string, recursive: boolean): Observable<void> {
  const mode = recursive ? AddWatchMode.PERSISTENT_RECURSIVE : AddWatchMode.PERSISTENT;
  return new RequestObservable(session, ADD_WATCH, { path: serverPath, mode }, userPath);
}

/**
 * A persistent (optionally recursive) watch (addWatch, ZooKeeper 3.6+), shared
 * by its subscribers: every event on the path — and, recursive, on every
 * descendant — until the last one leaves. The watcher is in the registry
 * before addWatch is sent, so SetWatches2 restores it after a dropped
 * connection and adds it again on the new session after an expiry. Errors if
 * the server refuses addWatch.
 */
export class PersistentWatch extends SharedStream<WatchedEvent> {
  private adding: Subscription | null = null;
  readonly watcher: Watcher = (event) => {
    if (event.type !== 'None') this.emit(event);
  };

  constructor(
    owner: StreamOwner,
    private readonly session: SessionManager,
    serverPath: string,
    private readonly userPath: string,
    private readonly recursive: boolean,
  ) {
    super(owner, recursive ? 'persistentRecursive' : 'persistent', serverPath);
  }

  private get table(): 'persistent' | 'persistentRecursive' {
    return this.recursive ? 'persistentRecursive' : 'persistent';
  }

  protected start(): void {
    const registry = this.session.watches;
    registry.add(this.table, this.serverPath, this.watcher);
    // A recursive watch on the path already serves a plain one (see WatchRegistry.childrenChangedUnderRecursive).
    if (!this.recursive && registry.has('persistentRecursive', this.serverPath)) return;
    this.adding = addWatch(this.session, this.serverPath, this.userPath, this.recursive).subscribe({
      error: (err: unknown) => {
        this.adding = null;
        if (err instanceof ClientClosedError) this.complete();
        // Lost with the connection or the session: the registry's SetWatches2 adds it on the next one.
        else if (!(err instanceof ConnectionLossError || err instanceof SessionExpiredError)) this.fail(err);
      },
      complete: () => (this.adding = null),
    });
  }

  protected stop(): void {
    this.adding?.unsubscribe();
    this.adding = null;
    this.session.watches.remove(this.table, this.serverPath, this.watcher);
  }
}
