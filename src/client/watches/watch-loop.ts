import { Observable, type Subscription } from 'rxjs';
import { ClientClosedError } from '../../errors/client-errors';
import { ConnectionLossError, OperationTimeoutError, SessionExpiredError } from '../../errors/server-errors';
import { isConnected } from '../../session/connection-state';
import type { SessionManager } from '../../session/session-manager';
import type { Watcher } from '../../session/watched-event';

/** One read of a followed node: the value to emit and a key that changes whenever the value does. */
export interface Reading<T> {
  value: T;
  /** Equal keys mean an equal value (e.g. same czxid and mzxid): it is not emitted twice. */
  key: string;
}

/** Errors after which the read is simply made again once connected. */
function isTransient(err: unknown): boolean {
  return err instanceof ConnectionLossError || err instanceof SessionExpiredError || err instanceof OperationTimeoutError;
}

/**
 * Follows a node through ZooKeeper's one-shot watches: reads it with a watch,
 * emits the value, and reads it again (re-arming the watch) whenever the watch
 * fires — Curator's NodeCache and kazoo's DataWatch loop.
 *
 * - Reads never overlap: an event during a read marks the value stale and one
 *   more read follows, so a burst of changes ends with the final value.
 * - A value equal to the last one emitted (same key) is not emitted again.
 * - A read failing with connection loss, session expiry or an operation timeout
 *   is made again once the client is connected; after an expiry the watches'
 *   `Expired` notice triggers a re-read on the new session, so what changed
 *   meanwhile is emitted.
 * - Completes when the client closes; errors on anything a retry cannot mend
 *   (e.g. NoAuthError).
 *
 * @param read reads the node once, setting a watch that calls the given watcher
 * @param forget takes the watcher out of the registry when the last subscriber leaves
 */
export function watchLoop<T>(
  session: SessionManager,
  read: (watcher: Watcher) => Observable<Reading<T>>,
  forget: (watcher: Watcher) => void,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    let lastKey: string | undefined;
    let reading: Subscription | null = null;
    let stale = false;
    let waitingForConnection: Subscription | null = null;

    const watcher: Watcher = () => refresh();

    function refresh(): void {
      if (subscriber.closed) return;
      if (reading !== null) {
        stale = true;
        return;
      }
      stale = false;
      let done = false;
      const subscription = read(watcher).subscribe({
        next: ({ value, key }) => {
          if (key === lastKey) return;
          lastKey = key;
          subscriber.next(value);
        },
        error: (err: unknown) => {
          done = true;
          reading = null;
          if (err instanceof ClientClosedError) subscriber.complete();
          else if (isTransient(err)) retryWhenConnected();
          else subscriber.error(err);
        },
        complete: () => {
          done = true;
          reading = null;
          if (stale) refresh();
        },
      });
      if (!done) reading = subscription;
    }

    function retryWhenConnected(): void {
      if (waitingForConnection !== null) return;
      let ready = false;
      const subscription = session.state$.subscribe((state) => {
        if (!isConnected(state)) return;
        ready = true;
        waitingForConnection?.unsubscribe();
        waitingForConnection = null;
        refresh();
      });
      if (!ready) waitingForConnection = subscription;
      else subscription.unsubscribe();
    }

    const closing = session.state$.subscribe((state) => {
      if (state === 'CLOSED') subscriber.complete();
    });
    refresh();

    return () => {
      closing.unsubscribe();
      reading?.unsubscribe();
      waitingForConnection?.unsubscribe();
      forget(watcher);
    };
  });
}
