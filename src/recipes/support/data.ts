import { InvalidArgumentError, type Data } from '../../index';

/** A recipe's data argument as bytes (strings as UTF-8), refusing anything else with InvalidArgumentError. */
export function toBuffer(data: unknown, what = 'data'): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new InvalidArgumentError(`${what} must be a Buffer, a Uint8Array or a string`);
}

export type { Data };
