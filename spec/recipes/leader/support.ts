// Helpers shared by the leadership specs: reading a path's contenders and waiting for their count, by watch.
import { Subject, filter, firstValueFrom, startWith, throwError, timeout } from 'rxjs';
import { NoNodeError, type ZooKeeperClient } from '../../../src';
import { one } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';

export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** The children of `path` ([] when it does not exist), in the server's order of creation. */
export async function nodesOf(zk: ZooKeeperClient, path: string): Promise<string[]> {
  const children = await one(zk.getChildren(path)).catch((err: unknown) => (err instanceof NoNodeError ? [] : Promise.reject(err)));
  return children.sort((a, b) => Number(a.slice(-10)) - Number(b.slice(-10)));
}

/** Waits until `path` has `count` children (0: none, or no node), re-reading on each change of the list. */
export async function waitForNodes(zk: ZooKeeperClient, path: string, count: number, ms = 20_000): Promise<void> {
  const children = new Recorder(zk.watchChildren$(path));
  try {
    await children.until((vs) => vs.length > 0 && (vs[vs.length - 1]?.length ?? 0) === count, ms);
  } finally {
    children.subscription.unsubscribe();
  }
}

/** A condition over state the test keeps, re-checked whenever `changed()` is called; bounded. */
export class Condition {
  private readonly changes = new Subject<void>();

  changed(): void {
    this.changes.next();
  }

  until(predicate: () => boolean, what: string, ms = 20_000): Promise<void> {
    return firstValueFrom(
      this.changes.pipe(
        startWith(undefined),
        filter(() => predicate()),
        timeout({ first: ms, with: () => throwError(() => new Error(`timed out waiting for ${what}`)) }),
      ),
    ).then(() => undefined);
  }
}

/** Waits until the children of `path` (sorted by counter; [] when none) satisfy `predicate`, re-reading on each change; gives them. */
export async function childrenUntil(zk: ZooKeeperClient, path: string, predicate: (names: string[]) => boolean, ms = 20_000): Promise<string[]> {
  const sorted = (names: string[] | null) => [...(names ?? [])].sort((a, b) => Number(a.slice(-10)) - Number(b.slice(-10)));
  const children = new Recorder(zk.watchChildren$(path));
  try {
    return sorted(await children.last((names) => predicate(sorted(names)), ms));
  } finally {
    children.subscription.unsubscribe();
  }
}
