import { catchError, map, of, switchMap, throwError, type Observable } from 'rxjs';
import { NoNodeError } from '../../errors/server-errors';
import type { Stat } from '../../jute/records/data';
import type { Watcher } from '../../session/watched-event';
import type { ZooKeeperClient } from '../zookeeper-client';
import type { Reading } from './watch-loop';

const ABSENT = 'absent';

/**
 * Reads a node's data with a data watch; a missing node is read with exists
 * instead, which leaves an existence watch (NodeCreated). A node created
 * between the two reads is read again.
 */
export function readData(client: ZooKeeperClient, path: string, watch: Watcher): Observable<Reading<{ data: Buffer; stat: Stat } | null>> {
  return client.get(path, { watch }).pipe(
    map((value) => ({ value, key: `${value.stat.czxid}:${value.stat.mzxid}` })),
    catchError((err: unknown) => {
      if (!(err instanceof NoNodeError)) return throwError(() => err);
      return client.exists(path, { watch }).pipe(
        switchMap((stat) => (stat === null ? of({ value: null, key: ABSENT }) : readData(client, path, watch))),
      );
    }),
  );
}

/** Reads a node's children with a child watch; a missing node is watched with exists. */
export function readChildren(client: ZooKeeperClient, path: string, watch: Watcher): Observable<Reading<string[] | null>> {
  return client.getChildrenWithStat(path, { watch }).pipe(
    map(({ children, stat }) => ({ value: children, key: `${stat.czxid}:${stat.cversion}` })),
    catchError((err: unknown) => {
      if (!(err instanceof NoNodeError)) return throwError(() => err);
      return client.exists(path, { watch }).pipe(
        switchMap((stat) => (stat === null ? of({ value: null, key: ABSENT }) : readChildren(client, path, watch))),
      );
    }),
  );
}

/** Reads a node's stat (or null) with a watch on its creation, deletion and data. */
export function readStat(client: ZooKeeperClient, path: string, watch: Watcher): Observable<Reading<Stat | null>> {
  return client.exists(path, { watch }).pipe(
    map((stat) => ({
      value: stat,
      key: stat === null ? ABSENT : `${stat.czxid}:${stat.mzxid}:${stat.cversion}:${stat.aversion}`,
    })),
  );
}
