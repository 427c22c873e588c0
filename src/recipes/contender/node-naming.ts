import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '../../index';

/**
 * How a contender's node is named: a prefix unique to each create, then the
 * recipe's name, then the counter the server appends. The prefix lets the
 * creator find its node when the create's reply was lost (ZOOKEEPER-1262).
 *
 * - `curator`: `_c_<uuid>-<name>` (Curator's withProtection; `name` e.g. `lock-`, `__READ__`, `latch-`)
 * - `kazoo`: `<uuid4 hex><name>` (kazoo's Lock; `name` e.g. `__lock__`, `__rlock__`)
 *
 * @example
 * new LeaderElection(zk, '/election/reports', { layout: 'kazoo' }); // shares the path with kazoo Elections
 */
export type NamingStyle = 'curator' | 'kazoo';

export interface NodeNaming {
  readonly style: NamingStyle;
  /** The recipe's part of the name, before the counter. */
  readonly name: string;
}

/** A fresh unique prefix for one create. */
export function uniquePrefix(style: NamingStyle): string {
  return style === 'curator' ? `_c_${randomUUID()}-` : randomUUID().replace(/-/g, '');
}

/** The layout option of a contender recipe: 'curator' (default) or 'kazoo'. */
export function layoutOption(value: unknown, what: string): NamingStyle {
  if (value === undefined) return 'curator';
  if (value !== 'curator' && value !== 'kazoo') throw new InvalidArgumentError(`${what} layout must be 'curator' or 'kazoo', not ${String(value)}`);
  return value;
}
