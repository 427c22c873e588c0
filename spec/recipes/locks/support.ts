// Helpers shared by the lock specs: which session watches which node (the server's wchp), a fence-paced probe, and
// whether a promise has settled yet (after a fence, not a timer).
import type { ZooKeeperClient } from '../../../src';
import { one } from '../../support/fixtures';

/** The session ids (0x…) that hold a watch on each path, from the server's `wchp`. */
export async function watchersByPath(observer: ZooKeeperClient): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of (await one(observer.command('wchp'))).split('\n')) {
    if (line.startsWith('/')) out.set(line.trim(), (current = []));
    else if (line.trim().startsWith('0x') && current !== null) current.push(line.trim());
  }
  return out;
}

/** A client's session id as the four-letter words print it. */
export const sessionHex = (zk: ZooKeeperClient): string => `0x${zk.session!.id.toString(16)}`;

/**
 * For server state no watch reports (which session watches what): `probe` again after each sync round trip (a fence,
 * no timer) until it gives non-null; bounded.
 */
export async function fencedUntil<T>(observer: ZooKeeperClient, probe: () => Promise<T | null>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await one(observer.sync('/'));
  }
}

/** Tracks whether a promise has settled, for "still waiting" checks made after a fence. */
export function settled<T>(promise: Promise<T>): { readonly done: boolean; readonly promise: Promise<T> } {
  const state = { done: false, promise };
  promise.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  return state;
}
