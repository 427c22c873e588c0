import { randomUUID } from 'node:crypto';
import { Observable, catchError, defer, map, switchMap, throwError, of } from 'rxjs';
import { ConnectionLossError, NoNodeError } from '../errors/server-errors';
import type { Stat } from '../jute/records/data';
import { basename, joinPath, parentOf } from '../common/path';
import type { NodeOps } from './node-ops';

/** Curator's protected-name prefix: `_c_` + a UUID + `-` before the node's own name. */
export const PROTECTED_PREFIX = '_c_';

type Created = { path: string; stat: Stat };

/**
 * Curator's "withProtection": the node's name gets a prefix unique to this
 * create() call, `_c_<uuid>-<name>`. When the connection drops before the
 * reply, the node may or may not exist: once reconnected, the parent's
 * children are searched for the prefix, and the create is only sent again if
 * it is not there. Re-subscribing (e.g. withRetry) reuses the same prefix and
 * searches first, so retries never leave a second node.
 *
 * @param connected emits once the client is connected (the search needs a live session)
 * @param create sends the create for a path (create2, container or TTL) and emits its path and stat
 */
export function protectedCreate(
  ops: NodeOps,
  connected: Observable<unknown>,
  path: string,
  create: (target: string) => Observable<Created>,
): Observable<Created> {
  // The empty name of a sequential 'parent/' is kept: the node is then named by the prefix and its sequence.
  const parent = path === '/' ? '/' : parentOf(path);
  const name = basename(path);
  const prefix = `${PROTECTED_PREFIX}${randomUUID()}-`;
  const target = joinPath(parent, prefix + name);
  let attempted = false;

  /** The node a previous attempt made, with its stat, or null. */
  const findOwn = (): Observable<Created | null> =>
    connected.pipe(
      switchMap(() => ops.getChildren(parent)),
      switchMap((children) => {
        const own = children.find((child) => child.startsWith(prefix));
        if (own === undefined) return of(null);
        const found = joinPath(parent, own);
        return ops.exists(found).pipe(map((stat) => (stat === null ? null : { path: found, stat })));
      }),
      // No parent: nothing was created under it.
      catchError((err: unknown) => (err instanceof NoNodeError ? of(null) : throwError(() => err))),
    );

  const createOnce = (): Observable<Created> =>
    create(target).pipe(
      catchError((err: unknown) => {
        if (!(err instanceof ConnectionLossError)) return throwError(() => err);
        // The create may have been applied before the connection dropped: look before sending it again.
        return findOwn().pipe(switchMap((found) => (found === null ? createOnce() : of(found))));
      }),
    );

  return defer(() => {
    if (!attempted) {
      attempted = true;
      return createOnce();
    }
    return findOwn().pipe(switchMap((found) => (found === null ? createOnce() : of(found))));
  });
}
