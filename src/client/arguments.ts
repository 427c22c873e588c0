import { InvalidArgumentError } from '../errors/client-errors';

/** Node data as callers may give it (API.md: `Buffer | Uint8Array | string`, strings as UTF-8). */
export type Data = Buffer | Uint8Array | string;

const EMPTY = Buffer.alloc(0);

/** Checks and converts node data; `null`/`undefined` is empty data. Never copies a Buffer. */
export function toData(data: unknown, what = 'data'): Buffer {
  if (data === undefined || data === null) return EMPTY;
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new InvalidArgumentError(`${what} must be a Buffer, a Uint8Array or a string, not ${describe(data)}`);
}

/** A znode version: -1 (any) or a non-negative 32-bit integer. */
export function toVersion(version: unknown, what = 'version'): number {
  if (version === undefined) return -1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < -1 || version > 0x7fffffff) {
    throw new InvalidArgumentError(`${what} must be -1 or an integer from 0 to 2147483647, not ${describe(version)}`);
  }
  return version;
}

/** A positive number of ms, or the default when absent. */
export function toPositiveMs(value: unknown, what: string, fallback: number): number;
export function toPositiveMs(value: unknown, what: string, fallback?: number): number | undefined;
export function toPositiveMs(value: unknown, what: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`${what} must be a positive number of ms, not ${describe(value)}`);
  }
  return value;
}

export function toBoolean(value: unknown, what: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${what} must be a boolean, not ${describe(value)}`);
  return value;
}

/** A short description of a bad value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return `${typeof value} ${String(value)}`;
}
