import { Observable } from 'rxjs';
import { ClientClosedError } from '../../errors/client-errors';
import { ConnectionLossError, SessionExpiredError } from '../../errors/server-errors';
import { AddWatchMode } from '../../jute/op-codes';
import type { SessionManager } from '../../session/session-manager';
import type { WatchedEvent, Watcher } from '../../session/watched-event';
import { ADD_WATCH } from '../operations/watch-operations';
import { RequestObservable } from '../request-observable';

/**
 * A persistent (optionally recursive) watch (addWatch, ZooKeeper 3.6+): every
 * event on the path — and, recursive, on every descendant — until
 * unsubscribed. The watcher is in the registry before addWatch is sent, so it
 * is restored by SetWatches2 after a dropped connection and sent again on the
 * new session after an expiry. Completes when the client closes; errors if
 * the server refuses addWatch.
 */
/** Sends addWatch for a path, in the given mode. */
export function addWatch(session: SessionManager, serverPath: string, userPath: string, recursive: boolean): Observable<void> {
  const mode = recursive ? AddWatchMode.PERSISTENT_RECURSIVE : AddWatchMode.PERSISTENT;
  return new RequestObservable(session, ADD_WATCH, { path: serverPath, mode }, userPath);
}

export function persistentWatch(session: SessionManager, serverPath: string, userPath: string, recursive: boolean): Observable<WatchedEvent> {
  return new Observable<WatchedEvent>((subscriber) => {
    const kind = recursive ? 'persistentRecursive' : 'persistent';
    const watcher: Watcher = (event) => {
      if (event.type !== 'None') subscriber.next(event);
    };
    session.watches.add(kind, serverPath, watcher);
    // A recursive watch on the path already serves a plain one (see WatchRegistry.childrenChangedUnderRecursive).
    if (!recursive && session.watches.has('persistentRecursive', serverPath)) {
      const closingOnly = session.state$.subscribe((state) => {
        if (state === 'CLOSED') subscriber.complete();
      });
      return () => {
        closingOnly.unsubscribe();
        session.watches.remove(kind, serverPath, watcher);
      };
    }
    const adding = addWatch(session, serverPath, userPath, recursive).subscribe({
      error: (err: unknown) => {
        if (err instanceof ClientClosedError) subscriber.complete();
        // Lost with the connection or the session: the registry's SetWatches2 adds it on the next one.
        else if (!(err instanceof ConnectionLossError || err instanceof SessionExpiredError)) subscriber.error(err);
      },
    });
    const closing = session.state$.subscribe((state) => {
      if (state === 'CLOSED') subscriber.complete();
    });
    return () => {
      adding.unsubscribe();
      closing.unsubscribe();
      session.watches.remove(kind, serverPath, watcher);
    };
  });
}
