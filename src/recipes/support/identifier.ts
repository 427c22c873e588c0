import { hostname } from 'node:os';

/** A participant's default identifier, as kazoo's and Curator's defaults say who they are: `<hostname>:<pid>`. */
export function defaultIdentifier(): string {
  return `${hostname()}:${process.pid}`;
}
