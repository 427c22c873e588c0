import { Observable, catchError, concat, defer, ignoreElements, map, mergeMap, of, switchMap, throwError, from, last } from 'rxjs';
import { BadVersionError, NoNodeError, NodeExistsError, NotEmptyError, UnimplementedError } from '../errors/server-errors';
import type { Acl } from '../jute/records/data';
import type { NodeOps } from './node-ops';
import { joinPath, parentOf } from '../common/path';

/** How the missing nodes of a path are made: persistent (kazoo's ensure_path), or containers (Curator's creatingParentContainersIfNeeded). */
export type ParentMode = 'PERSISTENT' | 'CONTAINER';

/**
 * Creates every missing node of `path`, top down (kazoo's ensure_path): an
 * existing node is checked with `exists` first, so a path one may read but not
 * create under still succeeds; a node created meanwhile by someone else is fine.
 * As containers, the server deletes them once their last child goes; a server
 * without containers (before 3.5.3: UNIMPLEMENTED) gets persistent nodes, as Curator does.
 */
export function ensurePath(ops: NodeOps, path: string, acl: Acl[], mode: ParentMode = 'PERSISTENT'): Observable<void> {
  return defer(() => {
    if (path === '/') return of(undefined);
    return ops.exists(path).pipe(
      switchMap((stat) => {
        if (stat !== null) return of(undefined);
        return concat(ensurePath(ops, parentOf(path), acl, mode), createOne(ops, path, acl, mode)).pipe(
          ignoreElements(),
          (source) => concat(source, of(undefined)),
        );
      }),
    );
  });
}

function createOne(ops: NodeOps, path: string, acl: Acl[], mode: ParentMode): Observable<unknown> {
  const exists = (err: unknown) => (err instanceof NodeExistsError ? of('') : throwError(() => err));
  if (mode === 'PERSISTENT') return ops.create(path, null, { acl }).pipe(catchError(exists));
  return ops.create(path, null, { acl, container: true }).pipe(
    catchError((err: unknown) => (err instanceof UnimplementedError ? ops.create(path, null, { acl }) : throwError(() => err))),
    catchError(exists),
  );
}

/** Runs `send`; if the parent is missing, creates the parents (`mode`, `acl`) and runs it once more (kazoo's makepath). */
export function createWithParents<T>(
  ops: NodeOps,
  target: string,
  acl: Acl[],
  send: () => Observable<T>,
  mode: ParentMode = 'PERSISTENT',
): Observable<T> {
  return send().pipe(
    catchError((err: unknown) => {
      if (!(err instanceof NoNodeError)) return throwError(() => err);
      return concat(ensurePath(ops, parentOf(target), acl, mode).pipe(ignoreElements()), send());
    }),
  );
}

/** How many deletes a recursive delete keeps in flight. */
const DELETE_CONCURRENCY = 64;

/**
 * Deletes a node and everything under it, children first (kazoo's recursive
 * delete): a node already gone is no error; a node that gained a child while
 * being emptied is listed and emptied again. `version` applies to `path` itself,
 * and is checked before any descendant is deleted: a mismatch fails with
 * BadVersionError and leaves the tree as it was (the final delete of `path`
 * checks it again on the server, for a change made meanwhile).
 */
export function deleteRecursively(ops: NodeOps, path: string, version: number): Observable<void> {
  const deleteTree = (node: string, nodeVersion: number): Observable<void> =>
    ops.getChildren(node).pipe(
      catchError((err: unknown) => (err instanceof NoNodeError ? of([] as string[]) : throwError(() => err))),
      switchMap((children) =>
        concat(
          from(children).pipe(
            mergeMap((child) => deleteTree(joinPath(node, child), -1), DELETE_CONCURRENCY),
            ignoreElements(),
          ),
          ops.delete(node, { version: nodeVersion }).pipe(
            catchError((err: unknown) => {
              if (err instanceof NoNodeError) return of(undefined);
              if (err instanceof NotEmptyError) return deleteTree(node, nodeVersion);
              return throwError(() => err);
            }),
          ),
        ),
      ),
      last(undefined, undefined),
      map(() => undefined),
    );
  if (version === -1) return deleteTree(path, version);
  return ops.exists(path).pipe(
    switchMap((stat) => (stat !== null && stat.version !== version ? throwError(() => new BadVersionError(path)) : deleteTree(path, version))),
  );
}
