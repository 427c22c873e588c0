import { InvalidArgumentError, type Acl, type CreateMode } from '../../index';
import { optionsObject } from '../kernel/arguments';

/** Options of a PersistentNode. */
export interface PersistentNodeOptions {
  /** How the node is created (default `'EPHEMERAL'`); a sequential mode makes a new name at each creation. */
  mode?: CreateMode;
  /** For the `*_WITH_TTL` modes (required there, refused elsewhere): ms without change or child after which the server deletes the node. */
  ttl?: number;
  /** The node's ACL (default: the client's `defaultAcl`). */
  acl?: Acl[];
}

/** The keys of {@link PersistentNodeOptions}. */
const PERSISTENT_NODE_OPTIONS: Record<keyof PersistentNodeOptions, true> = { mode: true, ttl: true, acl: true };

const MODES: readonly CreateMode[] = [
  'PERSISTENT', 'EPHEMERAL', 'PERSISTENT_SEQUENTIAL', 'EPHEMERAL_SEQUENTIAL', 'CONTAINER', 'PERSISTENT_WITH_TTL', 'PERSISTENT_SEQUENTIAL_WITH_TTL',
];

/** The checked options of a PersistentNode. */
export interface NodeSpec {
  mode: CreateMode;
  ttl: number | undefined;
  acl: Acl[] | undefined;
}

/** A PersistentNode's options as a JavaScript caller may give them, checked before anything is sent. */
export function checkNodeOptions(opts: unknown): NodeSpec {
  const { mode = 'EPHEMERAL', ttl, acl } = optionsObject(opts, 'PersistentNode', PERSISTENT_NODE_OPTIONS);
  if (!MODES.includes(mode as CreateMode)) throw new InvalidArgumentError(`PersistentNode mode must be one of ${MODES.join(', ')}, not ${String(mode)}`);
  const withTtl = (mode as string).endsWith('_WITH_TTL');
  if (withTtl && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl <= 0)) {
    throw new InvalidArgumentError(`PersistentNode mode ${String(mode)} needs a ttl in ms (a positive integer), not ${String(ttl)}`);
  }
  if (!withTtl && ttl !== undefined) throw new InvalidArgumentError(`PersistentNode ttl needs a *_WITH_TTL mode, not ${String(mode)}`);
  if (acl !== undefined && !Array.isArray(acl)) throw new InvalidArgumentError('PersistentNode acl must be an array of { perms, scheme, id }');
  return { mode: mode as CreateMode, ttl: ttl as number | undefined, acl: acl as Acl[] | undefined };
}
