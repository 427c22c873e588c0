import { map, type Observable } from 'rxjs';
import { describe, toData, type Data } from '../common/arguments';
import { prependChroot, validatePath } from '../common/path';
import { InvalidArgumentError } from '../errors/client-errors';
import type { Stat } from '../jute/records/data';
import { validateAcl } from './acl';
import { awaitable, failed, type AwaitableObservable } from './awaitable';
import { resolveCreateMode, type CreateOptions } from './create-mode';
import type { NodeOps } from './node-ops';
import { CREATE, CREATE2, CREATE_CONTAINER, CREATE_TTL } from './operations/write-operations';
import { protectedCreate } from './protected-create';
import type { Requests } from './requests';
import { createWithParents } from './tree-operations';
import { waitUntilConnected } from './wait-until-connected';

type Created = { path: string; stat: Stat };

/**
 * `create` and `createWithStat`: the mode (7 of them: persistent, ephemeral,
 * sequential, container, TTL), `makePath` (parents created first, as
 * persistent nodes or containers), and Curator's `protected` mode, combined
 * into the one request (create, create2, createContainer or createTTL) or
 * sequence of requests they need. `withStat`: emit `{ path, stat }`, else the path.
 */
export function createNode(requests: Requests, ops: NodeOps, path: string, data: Data | null | undefined, opts: CreateOptions | undefined, withStat: false): AwaitableObservable<string>;
export function createNode(requests: Requests, ops: NodeOps, path: string, data: Data | null | undefined, opts: CreateOptions | undefined, withStat: true): AwaitableObservable<Created>;
export function createNode(
  requests: Requests,
  ops: NodeOps,
  path: string,
  data: Data | null | undefined,
  opts: CreateOptions | undefined,
  withStat: boolean,
): AwaitableObservable<string> | AwaitableObservable<Created> {
  // The common case, a persistent node with the default ACL, without the option machinery below.
  if (opts === undefined && typeof path === 'string') {
    try {
      const userPath = validatePath(path);
      const bytes = toData(data);
      requests.checkSize(bytes);
      const request = { path: prependChroot(requests.chroot, userPath), data: bytes, acl: requests.defaultAcl, flags: 0 };
      return withStat ? requests.send(CREATE2, request, userPath) : requests.send(CREATE, request, userPath);
    } catch (err) {
      return failed<never>(err);
    }
  }
  try {
    if (opts !== undefined && (typeof opts !== 'object' || opts === null)) {
      throw new InvalidArgumentError(`create options must be an object, not ${describe(opts)}`);
    }
    const options = opts ?? {};
    const mode = resolveCreateMode(options);
    const userPath = validatePath(path, mode.sequential);
    const bytes = toData(data);
    const acl = options.acl === undefined ? requests.defaultAcl : validateAcl(options.acl);
    requests.checkSize(bytes);
    const request = (target: string) => ({ path: prependChroot(requests.chroot, target, mode.sequential), data: bytes, acl, flags: mode.flags });
    // Every create but a plain one answers with the stat too; protected creates need it to report a node found by search.
    const createWithStat = (target: string): Observable<Created> => {
      if (mode.ttl > 0) return requests.send(CREATE_TTL, { ...request(target), ttl: mode.ttl }, target);
      if (mode.mode === 'CONTAINER') return requests.send(CREATE_CONTAINER, request(target), target);
      return requests.send(CREATE2, request(target), target);
    };
    const withParents = <T>(target: string, make: (t: string) => Observable<T>) =>
      options.makePath ? createWithParents(ops, target, acl, () => make(target), options.containerParents ? 'CONTAINER' : 'PERSISTENT') : make(target);
    if (options.protected) {
      const created = protectedCreate(ops, waitUntilConnected(requests.session), userPath, (target) => withParents(target, createWithStat));
      return withStat ? awaitable(created) : awaitable(created.pipe(map((c) => c.path)));
    }
    if (withStat) return awaitable(withParents(userPath, createWithStat));
    // Containers and TTL nodes exist only as create2-shaped ops (createContainer, createTTL): their path is taken from the stat's answer.
    if (mode.ttl > 0 || mode.mode === 'CONTAINER') return awaitable(withParents(userPath, createWithStat).pipe(map((c) => c.path)));
    return awaitable(withParents(userPath, (target) => requests.send(CREATE, request(target), target)));
  } catch (err) {
    return failed<never>(err);
  }
}
