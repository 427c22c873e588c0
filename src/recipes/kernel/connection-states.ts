import type { ConnectionState, ZooKeeperClient } from '../../index';

/** The recipes' listeners on one client's `state$`, all served by one subscription. */
type Listeners = Set<(state: ConnectionState) => void>;

/**
 * Per client, made at its first listener and kept for the client's life: a WeakMap entry, and a subscription to the
 * client's own state subject, so both go with the client (as the client's shared watches follow its session).
 */
const fanouts = new WeakMap<ZooKeeperClient, Listeners>();

/**
 * Calls `listener` with the client's connection state now, then at each change, until the returned function is
 * called. Every holding listens for as long as it is held, and a lock cycle makes one: one `state$` subscription per
 * client serves them all (a subscription of its own cost each holding a Subscriber chain, made and torn down on every
 * cycle — issue 20's lock cycle).
 */
export function onConnectionStates(zk: ZooKeeperClient, listener: (state: ConnectionState) => void): () => void {
  let listeners = fanouts.get(zk);
  if (listeners === undefined) {
    const all: Listeners = (listeners = new Set());
    fanouts.set(zk, all);
    // A BehaviorSubject replays the state now, synchronously: nobody listens yet, and `listener` hears it below.
    zk.state$.subscribe((state) => {
      for (const each of [...all]) if (all.has(each)) each(state);
    });
  }
  listeners.add(listener);
  listener(zk.state);
  const all = listeners;
  return () => void all.delete(listener);
}
