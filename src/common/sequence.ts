/**
 * The width ZooKeeper pads a sequential node's counter to (`String.format("%010d", cversion)`).
 *
 * @example
 * const counter = name.slice(-SEQUENCE_DIGITS); // 'job-0000000042' -> '0000000042'
 */
export const SEQUENCE_DIGITS = 10;

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/**
 * The sequence number of a sequential node's name, parsed as the signed
 * 32-bit counter the server keeps (the parent's cversion): past 2147483647 it
 * wraps, and names end in `-2147483648`, `-2147483647`, … (ZOOKEEPER-2944).
 * Recipes must order contenders by this number, never by name: as strings,
 * `…-2147483648` sorts before `…0000000001` (kazoo#606).
 *
 * With a `marker` (the part of the name just before the counter, e.g.
 * `'-lock-'` or `'__lock__'`), the counter is what follows its last
 * occurrence; this reads every counter, the 11-character negative ones
 * included. Without one, the counter is the last 10 characters, which holds
 * for every counter from -999999999 up.
 *
 * @returns the number, or `null` when the name does not end with a counter
 * @example
 * sequenceNumber('_c_8a1f…-lock-0000000042', '-lock-');  // 42
 * sequenceNumber('x__lock__-2147483648', '__lock__');    // -2147483648
 * sequenceNumber('member0000000007');                    // 7
 */
export function sequenceNumber(name: string, marker?: string): number | null {
  let digits: string;
  if (marker === undefined) digits = name.slice(-SEQUENCE_DIGITS);
  else {
    const at = marker === '' ? -1 : name.lastIndexOf(marker);
    if (at < 0) return null;
    digits = name.slice(at + marker.length);
  }
  if (!/^-?\d{9,10}$/.test(digits) || (digits.length < SEQUENCE_DIGITS && digits[0] !== '-')) return null;
  const n = Number(digits);
  return n >= INT32_MIN && n <= INT32_MAX ? n : null;
}

/**
 * Compares two sequence numbers as the server's counter runs: serial-number
 * arithmetic (RFC 1982) on 32 bits, so that after the counter wraps,
 * `-2147483648` comes after `2147483647`, as it was created after it. Correct
 * for any two counters less than 2^31 creations apart.
 *
 * @returns negative when `a` was assigned first, positive when `b` was, 0 when equal
 * @example
 * compareSequence(1, 2);                     // < 0
 * compareSequence(-2147483648, 2147483647);  // > 0: the wrapped counter is the later one
 */
export function compareSequence(a: number, b: number): number {
  return (a - b) | 0;
}

/**
 * The names that carry a sequence number after one of `markers`, in the
 * order the server assigned them ({@link compareSequence}); names without
 * one are left out. Equal counters keep the order of their names.
 *
 * @param names children's names, e.g. from `getChildren`
 * @param markers the parts of a name just before its counter; tried in order
 *
 * @example
 * sortBySequence(['b-lock-0000000002', 'x', 'a-lock--2147483648', 'c-lock-2147483647'], ['-lock-']).map((n) => n.name);
 * // ['b-lock-0000000002', 'c-lock-2147483647', 'a-lock--2147483648']
 */
export function sortBySequence(
  names: readonly string[],
  markers: readonly string[],
): {
  /** The child's name, as given. */
  name: string;
  /** Its counter, as {@link sequenceNumber} reads it. */
  sequence: number;
  /** The marker (of `markers`, the first that matched) the counter follows. */
  marker: string;
}[] {
  const out: { name: string; sequence: number; marker: string }[] = [];
  for (const name of names) {
    for (const marker of markers) {
      const sequence = sequenceNumber(name, marker);
      if (sequence !== null) {
        out.push({ name, sequence, marker });
        break;
      }
    }
  }
  return out.sort((a, b) => compareSequence(a.sequence, b.sequence) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
