import { InvalidArgumentError } from '../errors/client-errors';
import { CreateFlag, type CreateMode } from '../jute/op-codes';
import type { Acl } from '../jute/records/data';
import { describe } from '../common/arguments';

/**
 * Options of `create` (README); `mode` wins over the boolean flags when given.
 *
 * @example
 * zk.create('/app/workers/w-', 'host-1', { ephemeral: true, sequential: true, makePath: true }).subscribe(console.log);
 */
export interface CreateOptions {
  /** The new node's ACL (default: the client's `defaultAcl`, OPEN_ACL_UNSAFE unless set). */
  acl?: Acl[];
  /** Delete the node when this session ends (an ephemeral node cannot have children). */
  ephemeral?: boolean;
  /** Append a 10-digit, per-parent counter to the name (`job-0000000007`); the emitted path has it. */
  sequential?: boolean;
  /** A container node (ZooKeeper 3.5.3+): the server deletes it some time after its last child is gone. */
  container?: boolean;
  /** Time to live in ms (a TTL node, server with extendedTypesEnabled). */
  ttl?: number;
  /** Create missing parents first (persistent, with the same ACL). */
  makePath?: boolean;
  /**
   * With `makePath`: make the missing parents container nodes (Curator's
   * `creatingParentContainersIfNeeded`), which the server deletes once their
   * last child is gone — where recipes keep their contenders. Persistent on a
   * server without containers (before 3.5.3).
   */
  containerParents?: boolean;
  /** Curator's "withProtection": a unique prefix lets the client find its node after a connection loss. */
  protected?: boolean;
  /** The mode by name (ZooKeeper's CreateMode), instead of the boolean flags above. */
  mode?: CreateMode;
}

/** EphemeralType.TTL's bound: a TTL must fit in 40 bits. */
const MAX_TTL = 0xffffffffff;

/** The resolved mode of a create, and the wire flag and TTL that carry it. */
export interface ResolvedCreateMode {
  mode: CreateMode;
  flags: number;
  ttl: number;
  sequential: boolean;
  ephemeral: boolean;
}

/** The boolean options of a create: JavaScript callers may pass anything there. */
const FLAG_OPTIONS = ['ephemeral', 'sequential', 'container', 'makePath', 'containerParents', 'protected'] as const;

/**
 * Works out the create mode from the options and checks they agree (as
 * CreateMode and EphemeralType do). Options that are not an object, and flags
 * that are not booleans, are refused: `{ ephemeral: 'yes' }` must not quietly
 * make a persistent node.
 */
export function resolveCreateMode(opts: CreateOptions): ResolvedCreateMode {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new InvalidArgumentError(`create options must be an object, not ${describe(opts)}`);
  }
  for (const flag of FLAG_OPTIONS) {
    const value: unknown = opts[flag];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new InvalidArgumentError(`create option ${flag} must be a boolean, not ${describe(value)}`);
    }
  }
  let mode: CreateMode;
  if (opts.mode !== undefined) {
    if (!Object.prototype.hasOwnProperty.call(CreateFlag, opts.mode)) {
      throw new InvalidArgumentError(`mode must be one of ${Object.keys(CreateFlag).join(', ')}, not ${describe(opts.mode)}`);
    }
    mode = opts.mode;
  } else {
    const ephemeral = opts.ephemeral === true;
    const sequential = opts.sequential === true;
    const container = opts.container === true;
    const ttl = opts.ttl !== undefined;
    if (container && (ephemeral || sequential || ttl)) {
      throw new InvalidArgumentError('a container node cannot also be ephemeral, sequential or have a TTL');
    }
    if (ttl && ephemeral) throw new InvalidArgumentError('a TTL node cannot be ephemeral');
    if (container) mode = 'CONTAINER';
    else if (ttl) mode = sequential ? 'PERSISTENT_SEQUENTIAL_WITH_TTL' : 'PERSISTENT_WITH_TTL';
    else if (ephemeral) mode = sequential ? 'EPHEMERAL_SEQUENTIAL' : 'EPHEMERAL';
    else mode = sequential ? 'PERSISTENT_SEQUENTIAL' : 'PERSISTENT';
  }
  const withTtl = mode === 'PERSISTENT_WITH_TTL' || mode === 'PERSISTENT_SEQUENTIAL_WITH_TTL';
  let ttl = -1;
  if (withTtl) {
    const given: unknown = opts.ttl;
    if (typeof given !== 'number' || !Number.isInteger(given) || given <= 0 || given > MAX_TTL) {
      throw new InvalidArgumentError(`ttl must be an integer number of ms from 1 to ${MAX_TTL} for ${mode}, not ${describe(given)}`);
    }
    ttl = given;
  } else if (opts.ttl !== undefined) {
    throw new InvalidArgumentError(`ttl is only for PERSISTENT_WITH_TTL and PERSISTENT_SEQUENTIAL_WITH_TTL, not ${mode}`);
  }
  return {
    mode,
    flags: CreateFlag[mode],
    ttl,
    sequential: mode === 'PERSISTENT_SEQUENTIAL' || mode === 'EPHEMERAL_SEQUENTIAL' || mode === 'PERSISTENT_SEQUENTIAL_WITH_TTL',
    ephemeral: mode === 'EPHEMERAL' || mode === 'EPHEMERAL_SEQUENTIAL',
  };
}
