// What the memory measurements share: a full GC, and a pause that lets pending
// callbacks and socket events run before a reading.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full GC: --expose-gc's gc(), or one exposed at run time when the flag was not given. */
export function gcFunction(): () => void {
  let gc: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof gc !== 'function') {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc');
  }
  if (typeof gc !== 'function') throw new Error('no gc(): run node with --expose-gc');
  const f = gc as () => void;
  return () => {
    f();
    f();
  };
}

/** Lets pending callbacks and socket events run before a measurement. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setTimeout(resolve, 20));
}
