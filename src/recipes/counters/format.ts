import { InvalidArgumentError } from '../../index';
import { CounterDataError } from './counter-data-error';

/**
 * How a counter's value is stored in its node:
 * - `'text'`: kazoo's Counter, `repr(value)` in ASCII (`"42"`, `"-3"`, `"1.5"` for a float counter);
 * - `'int32'`: Curator's SharedCount (`ByteBuffer.putInt`, 4 bytes big-endian) and kazoo's Counter with
 *   `support_curator=True` (`struct.pack(">i")`);
 * - `'int64'`: Curator's DistributedAtomicLong (`ByteBuffer.putLong`, 8 bytes big-endian), as a bigint.
 *
 * An empty node holds the counter's initial value in every format (kazoo's `ensure_path` makes the node
 * empty; Curator reads empty data as 0).
 *
 * @example
 * const jobs = new Counter(zk, '/counters/jobs', { format: 'int32' });   // shared with Curator's SharedCount
 */
export type CounterFormat = 'text' | 'int32' | 'int64';

/** A counter's value: a bigint for `'int64'`, a number otherwise. */
export type CounterValue = number | bigint;

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** What kazoo's repr() writes for an int or a float (no inf or nan: they cannot be counted on). */
const TEXT_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Checks a format option as a JavaScript caller may give it. */
export function checkFormat(format: unknown): CounterFormat {
  if (format === undefined) return 'text';
  if (format === 'text' || format === 'int32' || format === 'int64') return format;
  throw new InvalidArgumentError(`format must be 'text', 'int32' or 'int64', not ${String(format)}`);
}

/**
 * A value or a delta in the counter's format (`what` names it in the error): an integer for the
 * binary formats, in their range, as a bigint for `'int64'`; any finite number for `'text'` (kazoo's
 * float counters). Throws InvalidArgumentError otherwise.
 */
export function toCounterValue(format: CounterFormat, value: unknown, what: string): CounterValue {
  if (format === 'int64') {
    const big = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : undefined;
    if (big === undefined || big < INT64_MIN || big > INT64_MAX) throw new InvalidArgumentError(`${what} must be a signed 64-bit integer (a bigint or a safe integer), not ${String(value)}`);
    return big;
  }
  const num = typeof value === 'bigint' && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (format === 'int32') {
    if (typeof num !== 'number' || !Number.isInteger(num) || num < INT32_MIN || num > INT32_MAX) throw new InvalidArgumentError(`${what} must be a signed 32-bit integer, not ${String(value)}`);
    return num;
  }
  if (typeof num !== 'number' || !Number.isFinite(num)) throw new InvalidArgumentError(`${what} must be a finite number, not ${String(value)}`);
  return num;
}

/**
 * `before + delta`, refused with InvalidArgumentError when it leaves the format's range (Java would wrap
 * around silently, kazoo's struct.pack raises): a counter never jumps from the largest value to the smallest.
 */
export function addValues(format: CounterFormat, before: CounterValue, delta: CounterValue): CounterValue {
  const after = typeof before === 'bigint' ? before + BigInt(delta) : before + Number(delta);
  try {
    return toCounterValue(format, after, 'the sum');
  } catch {
    throw new InvalidArgumentError(`adding ${String(delta)} to ${String(before)} leaves the range of a ${format} counter`);
  }
}

/** The value as the format stores it. */
export function encodeValue(format: CounterFormat, value: CounterValue): Buffer {
  if (format === 'int32') {
    const buf = Buffer.alloc(4);
    buf.writeInt32BE(Number(value));
    return buf;
  }
  if (format === 'int64') {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64BE(BigInt(value));
    return buf;
  }
  return Buffer.from(String(value), 'ascii');
}

/** The value a node's data holds (`initial` when empty); CounterDataError when it is not that format's. */
export function decodeValue(format: CounterFormat, data: Buffer, initial: CounterValue, path: string): CounterValue {
  if (data.length === 0) return initial;
  if (format === 'int32') {
    if (data.length !== 4) throw new CounterDataError(path, `an int32 counter holds 4 bytes, not ${data.length}`);
    return data.readInt32BE(0);
  }
  if (format === 'int64') {
    if (data.length !== 8) throw new CounterDataError(path, `an int64 counter holds 8 bytes, not ${data.length}`);
    return data.readBigInt64BE(0);
  }
  const text = data.toString('latin1');
  if (!TEXT_NUMBER.test(text)) throw new CounterDataError(path, `a text counter holds an ASCII number, not ${JSON.stringify(text.slice(0, 40))}`);
  return Number(text);
}
