import { isConnected, type ZooKeeperClient } from '../../index';

/** How long a failed wait waits for its clean-up before reporting (a create in flight may take that long to settle). */
const CLEANUP_BOUND_MS = 10_000;

/**
 * Lets a failed wait's clean-up (removing its node) finish before the
 * failure is reported, as a lock's does: connected, the removal is one quick
 * request, and a caller who sees the error may count on the node being gone
 * (CURATOR-318: a timed-out entrant's node must not let a latecomer pass).
 * Disconnected, the error is reported at once and the removal goes on when
 * the connection is back (it retries across reconnects).
 */
export async function settleCleanup(zk: ZooKeeperClient, cleanup: Promise<void>): Promise<void> {
  const done = cleanup.catch(() => undefined);
  if (!isConnected(zk.state)) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLEANUP_BOUND_MS)));
  await Promise.race([done, bound]);
  clearTimeout(timer);
}

/** `Promise.race` of waits that may each reject later, unseen: the losers' rejections are handled. */
export function firstOf<T>(waits: Promise<T>[]): Promise<T> {
  for (const w of waits) w.catch(() => undefined);
  return Promise.race(waits);
}
