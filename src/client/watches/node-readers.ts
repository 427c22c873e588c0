import { catchError, switchMap, throwError, of, type Observable } from 'rxjs';
import { NoNodeError } from '../../errors/server-errors';
import type { Stat } from '../../jute/records/data';
import type { Watcher } from '../../session/watched-event';
import type { NodeOps } from '../node-ops';

export type DataReading = { data: Buffer; stat: Stat } | null;
export type ChildrenReading = { children: string[]; stat: Stat } | null;

/**
 * Reads a node's data with a data watch; a missing node is read with exists
 * instead, which leaves an existence watch (NodeCreated). A node created
 * between the two reads is read again.
 */
export function readData(ops: NodeOps, path: string, watch: Watcher): Observable<DataReading> {
  return ops.get(path, { watch }).pipe(
    catchError((err: unknown) => {
      if (!(err instanceof NoNodeError)) return throwError(() => err);
      return ops.exists(path, { watch }).pipe(switchMap((stat) => (stat === null ? of(null) : readData(ops, path, watch))));
    }),
  );
}

/** Reads a node's children (and stat, to compare readings) with a child watch; a missing node is watched with exists. */
export function readChildren(ops: NodeOps, path: string, watch: Watcher): Observable<ChildrenReading> {
  return ops.getChildrenWithStat(path, { watch }).pipe(
    catchError((err: unknown) => {
      if (!(err instanceof NoNodeError)) return throwError(() => err);
      return ops.exists(path, { watch }).pipe(switchMap((stat) => (stat === null ? of(null) : readChildren(ops, path, watch))));
    }),
  );
}

/** Reads a node's stat (or null) with a watch on its creation, deletion and data. */
export function readExistence(ops: NodeOps, path: string, watch: Watcher): Observable<Stat | null> {
  return ops.exists(path, { watch });
}

// Equal readings are not emitted twice (README: "same version/cversion"); czxid tells a recreated node apart.

export function sameData(a: DataReading, b: DataReading): boolean {
  if (a === null || b === null) return a === b;
  return a.stat.czxid === b.stat.czxid && a.stat.mzxid === b.stat.mzxid;
}

export function sameChildren(a: ChildrenReading, b: ChildrenReading): boolean {
  if (a === null || b === null) return a === b;
  return a.stat.czxid === b.stat.czxid && a.stat.cversion === b.stat.cversion;
}

export function sameStat(a: Stat | null, b: Stat | null): boolean {
  if (a === null || b === null) return a === b;
  return a.czxid === b.czxid && a.mzxid === b.mzxid && a.cversion === b.cversion && a.aversion === b.aversion;
}

/** How a follower of one kind reads its node, compares readings and shows them to subscribers. */
export interface NodeReader<R, T> {
  read(ops: NodeOps, path: string, watch: Watcher): Observable<R>;
  same(a: R, b: R): boolean;
  project(reading: R): T;
}

export const DATA_READER: NodeReader<DataReading, DataReading> = { read: readData, same: sameData, project: (r) => r };

export const CHILDREN_READER: NodeReader<ChildrenReading, string[] | null> = {
  read: readChildren,
  same: sameChildren,
  project: (r) => (r === null ? null : r.children),
};

export const STAT_READER: NodeReader<Stat | null, Stat | null> = { read: readExistence, same: sameStat, project: (r) => r };
