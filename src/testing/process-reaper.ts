/**
 * Last-resort cleanup: every JVM still alive when Node exits is killed.
 *
 * Each server already has a watchdog that kills it when Node dies (see
 * `server-process.ts`); this hook also covers a normal `process.exit()` in
 * the middle of a test run, synchronously, before the pipes are even closed.
 * One listener for the whole module, not one per server, so long test runs
 * never hit the MaxListenersExceeded warning.
 */
const live = new Set<number>();
let hooked = false;

function killAll(): void {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

/** Remembers a server process to kill if Node exits first. */
export function trackPid(pid: number): void {
  if (!hooked) {
    hooked = true;
    process.on('exit', killAll);
  }
  live.add(pid);
}

/** Forgets a server process that has exited. */
export function untrackPid(pid: number): void {
  live.delete(pid);
}
