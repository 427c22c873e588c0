/**
 * A watch notification as users see it (README, "Watches"), its path relative
 * to the chroot. `None` events carry a session `state` instead of a node change:
 * a one-shot watch learns with `{ type: 'None', state: 'Expired' }` that its
 * session, and so its server-side watch, is gone (as the Java client tells its watchers).
 *
 * @example
 * zk.watch$('/app', { recursive: true }).subscribe((e: WatchedEvent) => console.log(e.type, e.path)); // NodeDataChanged /app/config
 */
export interface WatchedEvent {
  /** What happened (Watcher.Event.EventType): a node change, a watch removed, or `'None'` for a session event. */
  type:
    | 'NodeCreated'
    | 'NodeDeleted'
    | 'NodeDataChanged'
    | 'NodeChildrenChanged'
    | 'DataWatchRemoved'
    | 'ChildWatchRemoved'
    | 'PersistentWatchRemoved'
    | 'None';
  /** The node the event is about, relative to the chroot ('' for a `'None'` event). */
  path: string;
  /** The session state at the event: 'SyncConnected' for node events. */
  state?: 'SyncConnected' | 'Disconnected' | 'Expired' | 'AuthFailed' | 'ConnectedReadOnly' | 'Closed';
}

export type WatchedEventType = WatchedEvent['type'];

/**
 * A callback given through an operation's `watch` option.
 *
 * @example
 * const watcher: Watcher = (event) => console.log(event.type, event.path);
 * zk.exists('/app/lock', { watch: watcher }).subscribe();
 */
export type Watcher = (event: WatchedEvent) => void;

const eventTypeNames: Record<number, WatchedEventType | undefined> = {
  [-1]: 'None',
  1: 'NodeCreated',
  2: 'NodeDeleted',
  3: 'NodeDataChanged',
  4: 'NodeChildrenChanged',
  5: 'DataWatchRemoved',
  6: 'ChildWatchRemoved',
  7: 'PersistentWatchRemoved',
};

/** The name of a wire event type (Watcher.Event.EventType), or undefined for an unknown one. */
export function eventTypeName(type: number): WatchedEventType | undefined {
  return eventTypeNames[type];
}
