import type { ZooKeeperClient } from '../../index';

/**
 * Whether the client has heard nothing from any server for `sessionTimeout` ms (its `timeSinceLastReceived`):
 * the server may have expired the session by now and given what it held to another (TN14). A holding asks this
 * whenever its state is read, so that a process that was paused (SIGSTOP, a long GC or synchronous task) learns it
 * at its first look, before rxzk's own timers have had a chance to run (issue 17, item 3).
 */
export function silentFor(zk: ZooKeeperClient, sessionTimeout: number): boolean {
  const silence = zk.timeSinceLastReceived;
  return silence !== null && silence >= sessionTimeout;
}

/** How long from now until the silence reaches `sessionTimeout` (0 once it has): when a holding's lost timer fires. */
export function untilSilentFor(zk: ZooKeeperClient, sessionTimeout: number): number {
  const silence = zk.timeSinceLastReceived;
  return Math.max(0, sessionTimeout - (silence ?? 0));
}
