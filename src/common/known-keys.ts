import { InvalidArgumentError } from '../errors/client-errors';

/**
 * Refuses an options object with a key nobody reads (issue 18.4: `sesionTimeout` was taken in silence and the default
 * used): an InvalidArgumentError naming the key, the nearest known one when there is one, and the keys `what` takes.
 * `known` is typed by the caller as a record of its options type's keys, so adding an option without listing it fails
 * to compile. The client, rxzk/testing and every recipe check their options with it; code built on rxzk may too.
 *
 * @param options the options object as the caller gave it
 * @param known every key `what` takes
 * @param what who takes the options, for the message (`'createClient'`, `'Lock'`)
 * @throws InvalidArgumentError for the first key not in `known`
 * @example
 * interface JobOptions { retries?: number; queue?: string }
 * const JOB_OPTIONS: Record<keyof JobOptions, true> = { retries: true, queue: true };
 * checkKnownKeys({ retires: 3 }, JOB_OPTIONS, 'Job');
 * // throws InvalidArgumentError: Job: unknown option 'retires' (did you mean 'retries'?); the options are retries, queue
 */
export function checkKnownKeys(options: object, known: Readonly<Record<string, true>>, what: string): void {
  const names = Object.keys(known);
  for (const key of Object.keys(options)) {
    if (Object.prototype.hasOwnProperty.call(known, key)) continue;
    const nearest = nearestKey(key, names);
    const hint = nearest === undefined ? '' : ` (did you mean '${nearest}'?)`;
    throw new InvalidArgumentError(`${what}: unknown option '${key}'${hint}; the options are ${names.join(', ')}`);
  }
}

/**
 * The known key a mistyped `key` most likely meant: the nearest by edit distance (a swap of two neighbours counts
 * once; case is ignored), if it is close enough to be a typo: at most 2 edits, or a third of the key's length when that is more.
 *
 * @param key the key as given
 * @param known the keys it may have meant
 * @returns the nearest known key, or `undefined` when none is near enough
 * @example
 * nearestKey('sesionTimeout', ['sessionTimeout', 'connectTimeout']); // 'sessionTimeout'
 * nearestKey('colour', ['sessionTimeout']);                          // undefined
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const bound = Math.max(2, Math.floor(key.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= bound && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and transpositions of neighbours. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}
