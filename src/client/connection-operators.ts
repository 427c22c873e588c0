import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import { isConnected, type ConnectionState, type Session } from '../session/connection-state';

/**
 * What the connection-state operators read of a client: its state and its session, each replaying the current one.
 * A ZooKeeperClient is one; a test can pass two BehaviorSubjects.
 *
 * @example
 * const fake: ConnectionStateSource = { state$: new BehaviorSubject<ConnectionState>('CONNECTED'), session$: new BehaviorSubject<Session | null>(null) };
 */
export interface ConnectionStateSource {
  /** The connection state, replaying the current one to each subscriber (`zk.state$`). */
  readonly state$: Observable<ConnectionState>;
  /** The session (`null` while there is none), replaying the current one (`zk.session$`). */
  readonly session$: Observable<Session | null>;
}

/**
 * Mirrors the source while the client is connected (CONNECTED or
 * CONNECTED_READ_ONLY): subscribes to it when the connection is up,
 * unsubscribes when it drops, subscribes again when it is back. Completes
 * when the client closes or the source completes; errors when the source
 * errors. For work that must run only while ZooKeeper can be trusted.
 *
 * @example
 * zk.watchChildren$('/workers').pipe(whileConnected(zk)).subscribe(rebalance);
 * interval(1000).pipe(switchMap(() => zk.get('/heartbeat')), whileConnected(zk)).subscribe(report);
 */
export function whileConnected<T>(zk: ConnectionStateSource): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let inner: Subscription | null = null;
      const stop = (): void => {
        inner?.unsubscribe();
        inner = null;
      };
      const states = zk.state$.subscribe({
        next: (state) => {
          if (state === 'CLOSED') {
            stop();
            subscriber.complete();
          } else if (isConnected(state)) {
            if (inner !== null) return;
            inner = source.subscribe({
              next: (value) => subscriber.next(value),
              error: (err: unknown) => subscriber.error(err),
              complete: () => subscriber.complete(),
            });
          } else stop();
        },
        error: (err: unknown) => subscriber.error(err),
      });
      return () => {
        stop();
        states.unsubscribe();
      };
    });
}

/**
 * Mirrors the source until the session it started in ends — or, subscribed
 * before the client has a session, the first session it gets — then
 * completes. A session ends with EXPIRED, AUTH_FAILED or CLOSED; a dropped
 * connection (SUSPENDED) does not end it. For work bound to a session's
 * ephemerals and watches.
 *
 * @example
 * zk.watchData$('/config').pipe(takeUntilSessionLost(zk)).subscribe({ complete: () => console.log('session gone') });
 */
export function takeUntilSessionLost<T>(zk: ConnectionStateSource): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let sessionId: bigint | null = null;
      const lost = (): void => subscriber.complete();
      const watchers: Subscription[] = [];
      watchers.push(
        zk.session$.subscribe((session) => {
          if (session === null) {
            // null between sessions: the tracked one, if any, has ended.
            if (sessionId !== null) lost();
          } else if (sessionId === null) sessionId = session.id;
          else if (session.id !== sessionId) lost();
        }),
      );
      if (subscriber.closed) return undefined;
      watchers.push(
        zk.state$.subscribe((state) => {
          if (state === 'CLOSED' || state === 'AUTH_FAILED' || (state === 'EXPIRED' && sessionId !== null)) lost();
        }),
      );
      if (!subscriber.closed) watchers.push(source.subscribe(subscriber));
      return () => {
        for (const w of watchers) w.unsubscribe();
      };
    });
}
