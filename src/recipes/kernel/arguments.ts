import { hostname } from 'node:os';
import { InvalidArgumentError, checkKnownKeys, validatePath, type ZooKeeperClient } from '../../index';

/**
 * The one home of the recipes' argument checks: what a JavaScript caller may hand a recipe's constructor or method
 * (a client, a path, an options object, an identifier, data), checked before anything is sent, each mistake an
 * InvalidArgumentError (InvalidPathError for a path) that names the recipe.
 */

/**
 * Refuses, at construction, a client argument that is not one (a JavaScript caller's mix-up, such as a connect
 * string where the client goes), before anything is sent: without it the mistake would surface later, inside a
 * method, as "this.zk.createWithStat is not a function".
 */
export function checkClient(zk: unknown, what: string): asserts zk is ZooKeeperClient {
  const client = zk as Partial<ZooKeeperClient> | null;
  if (
    typeof zk !== 'object' ||
    client === null ||
    typeof client.createWithStat !== 'function' ||
    typeof client.getChildren !== 'function' ||
    typeof client.watchChildren$ !== 'function' ||
    typeof client.transaction !== 'function'
  ) {
    const given = zk === null ? 'null' : Array.isArray(zk) ? 'an array' : typeof zk === 'object' ? 'another object' : `a ${typeof zk}`;
    throw new InvalidArgumentError(`${what} needs a ZooKeeperClient as its first argument, not ${given}`);
  }
}

/** A recipe's path argument, checked as the client checks paths (a bad one throws InvalidPathError at construction). */
export function recipePath(path: unknown): string {
  return validatePath(path);
}

/**
 * A recipe's options argument as a JavaScript caller may give it: absent, or a plain object whose every key is one
 * of `known` — an unknown key (a typo: `identifer`) is refused with an InvalidArgumentError that names it and the
 * nearest known one (issue 18.4), rather than taken in silence with the default used. `known` is typed by the caller
 * as a record of its options type's keys (`Record<keyof LockOptions, true>`), so an option added to the type but
 * not to the list fails to compile.
 */
export function optionsObject<K extends string>(opts: unknown, what: string, known: Readonly<Record<K, true>>): Partial<Record<K, unknown>> {
  if (opts === undefined) return {};
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new InvalidArgumentError(`${what} options must be an object`);
  checkKnownKeys(opts, known, what);
  return opts as Partial<Record<K, unknown>>;
}

/** A participant's default identifier, as kazoo's and Curator's defaults say who they are: `<hostname>:<pid>`. */
export function defaultIdentifier(): string {
  return `${hostname()}:${process.pid}`;
}

/** The identifier option: a string (stored as UTF-8), or the default `<hostname>:<pid>`. */
export function identifierOption(value: unknown, what: string): string {
  if (value === undefined) return defaultIdentifier();
  if (typeof value !== 'string') throw new InvalidArgumentError(`${what} identifier must be a string, not ${typeof value}`);
  return value;
}

/** A recipe's data argument as bytes (strings as UTF-8), refusing anything else with InvalidArgumentError. */
export function toBuffer(data: unknown, what = 'data'): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new InvalidArgumentError(`${what} must be a Buffer, a Uint8Array or a string`);
}
