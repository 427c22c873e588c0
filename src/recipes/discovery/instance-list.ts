import { Observable, Subscription, catchError, forkJoin, lastValueFrom, map, of, throwError } from 'rxjs';
import { NoNodeError, joinPath, withRetry, type ZooKeeperClient } from '../../index';
import { BRIEF } from '../kernel/retry';
import { childrenOrEmpty } from '../kernel/znodes';
import { parseInstance } from './instance-json';
import type { ServiceInstance } from './service-instance';


/** In a stable order for strategies (Curator lists getChildren's order, which the server does not define). */
const byId = (a: ServiceInstance, b: ServiceInstance): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The instances under `dir` now (Curator's queryForInstances): nodes gone meanwhile and nodes that are no instance skipped. */
export async function readInstances(zk: ZooKeeperClient, dir: string): Promise<ServiceInstance[]> {
  // One-shot reads ride out a short drop of the connection, then give up with the client's error.
  const ids = await childrenOrEmpty(zk, dir, BRIEF);
  if (ids.length === 0) return [];
  const reads = ids.map((id) =>
    zk.get(joinPath(dir, id)).pipe(
      withRetry(BRIEF),
      map(({ data }) => parseInstance(data)),
      catchError((err: unknown) => (err instanceof NoNodeError ? of(null) : throwError(() => err))),
    ),
  );
  const instances = await lastValueFrom(forkJoin(reads));
  return instances.filter((i): i is ServiceInstance => i !== null).sort(byId);
}

interface Entry {
  subscription: Subscription;
  /** undefined until the first read; null while the node is gone or holds no instance. */
  seen?: { instance: ServiceInstance | null; version: string };
}

/**
 * The instances under `dir`, kept current (Curator's ServiceCache): the list
 * first ([] when there is none, or no `dir`), then again after each change
 * (an instance added, removed, or its data changed), never the same list
 * twice in a row. One children watch on `dir` and one data watch per
 * instance, shared with every other reader of those paths in this client;
 * each follows the client across reconnects and expiries (a change missed
 * meanwhile is emitted once it is read). Completes when the client closes;
 * unsubscribing releases every watch.
 */
export function watchInstances(zk: ZooKeeperClient, dir: string): Observable<ServiceInstance[]> {
  return new Observable<ServiceInstance[]>((subscriber) => {
    const entries = new Map<string, Entry>();
    let ids: string[] | null = null;
    let last: string | undefined;

    const emit = (): void => {
      if (ids === null) return;
      const seen = ids.map((id) => entries.get(id)?.seen);
      // Wait until every listed instance has been read once: no half-filled first list.
      if (seen.some((s) => s === undefined)) return;
      const present = seen.filter((s): s is { instance: ServiceInstance; version: string } => s !== undefined && s.instance !== null);
      const key = present.map((s) => s.version).join('|');
      if (key === last) return;
      last = key;
      subscriber.next(present.map((s) => s.instance).sort(byId));
    };

    const follow = (id: string): Entry => {
      const entry: Entry = { subscription: new Subscription() };
      entries.set(id, entry);
      entry.subscription.add(zk.watchData$(joinPath(dir, id)).subscribe({
        next: (node) => {
          entry.seen =
            node === null
              ? { instance: null, version: `${id}:gone` }
              : { instance: parseInstance(node.data), version: `${id}:${node.stat.czxid}:${node.stat.mzxid}` };
          emit();
        },
        error: (err: unknown) => subscriber.error(err),
      }));
      return entry;
    };

    const children = zk.watchChildren$(dir).subscribe({
      next: (names) => {
        const now = new Set(names ?? []);
        for (const [id, entry] of entries) {
          if (!now.has(id)) {
            entry.subscription.unsubscribe();
            entries.delete(id);
          }
        }
        ids = [...now].sort();
        for (const id of ids) if (!entries.has(id)) follow(id);
        emit();
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => subscriber.complete(),
    });

    return () => {
      children.unsubscribe();
      for (const entry of entries.values()) entry.subscription.unsubscribe();
      entries.clear();
    };
  });
}
