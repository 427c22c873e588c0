import { createHook } from 'node:async_hooks';
import * as path from 'node:path';

const SOURCES = path.resolve(__dirname, '../../src') + path.sep;
const TESTING = path.join(SOURCES, 'testing') + path.sep;

/**
 * Records the timers and sockets the client's own code creates from now on;
 * `live()` lists those not yet destroyed (cleared, fired or closed).
 * Resources made by Jest, the test, or the rxzk/testing harness (its server
 * processes and probes) are not counted: their creation stack has no frame in
 * src/ outside src/testing.
 */
export function trackResources(): { live(): string[]; stop(): void } {
  const alive = new Map<number, string>();
  const hook = createHook({
    init(id, type) {
      if (type !== 'Timeout' && type !== 'Immediate' && !type.startsWith('TCP') && !type.startsWith('TLS')) return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 50;
      const stack = new Error().stack ?? '';
      Error.stackTraceLimit = limit;
      const lines = stack.split('\n');
      if (lines.some((line) => line.includes(TESTING))) return;
      const ours = lines.find((line) => line.includes(SOURCES));
      if (ours) alive.set(id, `${type} from ${ours.trim()}`);
    },
    destroy(id) {
      alive.delete(id);
    },
  }).enable();
  return { live: () => [...alive.values()], stop: () => hook.disable() };
}

/**
 * What is still live once the tracked resources had time to go: closed sockets and cleared timers leave
 * the list when their destroy hooks run, a little after the close; this waits for that (up to `timeout`).
 */
export async function liveAfterRelease(tracker: { live(): string[] }, timeout = 5_000): Promise<string[]> {
  const deadline = Date.now() + timeout;
  while (tracker.live().length > 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  return tracker.live();
}
