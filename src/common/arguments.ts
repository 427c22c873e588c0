import { InvalidArgumentError } from '../errors/client-errors';

/** Node data as callers may give it (README: `Buffer | Uint8Array | string`, strings as UTF-8). */
export type Data = Buffer | Uint8Array | string;

const EMPTY = Buffer.alloc(0);

/**
 * The longest wait a Node timer keeps: setTimeout turns anything above
 * 2^31 - 1 ms into 1 ms (with only a warning), so a longer timeout would
 * fire at once instead of never.
 */
export const MAX_TIMER_MS = 0x7fffffff;

/** Checks and converts node data; `null`/`undefined` is empty data (create's default). Never copies a Buffer. */
export function toData(data: unknown, what = 'data'): Buffer {
  if (data === undefined || data === null) return EMPTY;
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new InvalidArgumentError(`${what} must be a Buffer, a Uint8Array or a string, not ${describe(data)}`);
}

/** Like {@link toData}, for arguments that must be given (set's data, a credential): `null` is refused, not taken as empty. */
export function toRequiredData(data: unknown, what = 'data'): Buffer {
  if (data === undefined || data === null) {
    throw new InvalidArgumentError(`${what} must be a Buffer, a Uint8Array or a string, not ${describe(data)}`);
  }
  return toData(data, what);
}

/** A znode version: -1 (any) or any other signed 32-bit integer (versions wrap negative). */
export function toVersion(version: unknown, what = 'version'): number {
  if (version === undefined) return -1;
  // Any signed 32-bit integer: a znode's dataVersion wraps to -2147483648 after 2^31 - 1 sets (CURATOR-688), and a
  // compare-and-set on such a node must still be able to name its version. -1 means "any version", as for the server.
  if (typeof version !== 'number' || !Number.isInteger(version) || version < -0x80000000 || version > 0x7fffffff) {
    throw new InvalidArgumentError(`${what} must be -1 (any) or a signed 32-bit integer, not ${describe(version)}`);
  }
  return version;
}

/** A positive number of ms that fits a timer (at most 2^31 - 1), or the default when absent. */
export function toPositiveMs(value: unknown, what: string, fallback: number): number;
export function toPositiveMs(value: unknown, what: string, fallback?: number): number | undefined;
export function toPositiveMs(value: unknown, what: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new InvalidArgumentError(`${what} must be a positive number of ms up to ${MAX_TIMER_MS}, not ${describe(value)}`);
  }
  return value;
}

/** A number in [min, max] (integer when asked), or the default when absent. */
export function toNumberIn(
  value: unknown,
  what: string,
  range: { min: number; max: number; integer?: boolean },
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const { min, max, integer = false } = range;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new InvalidArgumentError(`${what} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not ${describe(value)}`);
  }
  return value;
}

export function toBoolean(value: unknown, what: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${what} must be a boolean, not ${describe(value)}`);
  return value;
}

/** An options argument: an object (not an array, not null) or undefined. */
export function toOptions<T extends object>(value: T | undefined, what: string): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${what} must be an object, not ${describe(value)}`);
  }
  return value;
}

/** A short description of a bad value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  if (typeof value === 'bigint') return `bigint ${value.toString()}n (0x${value.toString(16)})`;
  return `${typeof value} ${String(value)}`;
}
