import { EMPTY, catchError, distinctUntilChanged, map, of, switchMap, throwError, type Observable } from 'rxjs';
import { NoNodeError, joinPath, sortBySequence, withRetry, type ZooKeeperClient } from '../../index';
import { readIdentifiers } from '../contender/contender-lock';
import { UNTIL_DONE } from '../kernel/retry';

/**
 * The identifier (node data) of the first contender under `parent`, as it
 * changes: `null` while there is none (or no parent). It takes no part: one
 * child watch on the parent (shared with every other reader of that path,
 * watchChildren$), and one read of the leader's node each time the first
 * contender changes. It goes on across dropped connections and expiries
 * (watchChildren$ re-reads after them), and completes when the client closes.
 */
export function leaderIdentifier$(zk: ZooKeeperClient, parent: string, markers: readonly string[]): Observable<string | null> {
  return zk.watchChildren$(parent).pipe(
    map((children) => (children === null ? null : (sortBySequence(children, markers)[0]?.name ?? null))),
    distinctUntilChanged(),
    switchMap((first) => {
      if (first === null) return of(null);
      return zk.get(joinPath(parent, first)).pipe(
        withRetry(UNTIL_DONE),
        map(({ data }) => data.toString('utf8')),
        // Gone between the list and the read: the child watch brings the next list.
        catchError((err: unknown) => (err instanceof NoNodeError ? EMPTY : throwError(() => err))),
      );
    }),
    distinctUntilChanged(),
  );
}

/** The contenders under `parent` in their order, the first marked as leader (Curator's getParticipants). */
export async function readParticipants(
  zk: ZooKeeperClient,
  parent: string,
  markers: readonly string[],
): Promise<{ identifier: string; isLeader: boolean }[]> {
  const identifiers = await readIdentifiers(zk, parent, markers);
  return identifiers.map((identifier, i) => ({ identifier, isLeader: i === 0 }));
}
