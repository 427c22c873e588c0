// The nodes the workloads read, follow and create under; made and removed
// with an rxzk client of the harness's own (never a client being measured).
import { lastValueFrom, type Observable } from 'rxjs';
import type { ZooKeeperClient } from '../src';
import type { Fixtures } from './driver';
import type { ClientName, Params } from './workloads';

/**
 * Runs `make(i)` for i in [0, n), at most `window` at a time; resolves once all
 * have completed. (Not rxjs' merge: its bookkeeping of 10,000 inner
 * subscriptions is quadratic and would show in the profiles.)
 */
export function pipelined(n: number, make: (i: number) => Observable<unknown>, window = 2_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failed = false;
    const start = () => {
      const i = next++;
      make(i).subscribe({
        error: (err: unknown) => {
          if (failed) return;
          failed = true;
          reject(err instanceof Error ? err : new Error(String(err)));
        },
        complete: () => {
          if (failed) return;
          if (++done === n) resolve();
          else if (next < n) start();
        },
      });
    };
    if (n === 0) resolve();
    for (let k = 0; k < Math.min(window, n); k++) start();
  });
}

export async function makeFixtures(zk: ZooKeeperClient, p: Params, clients: readonly ClientName[]): Promise<Fixtures> {
  const root = `/rxzk-bench-${process.pid}-${Date.now()}`;
  await lastValueFrom(zk.create(root));
  for (const dir of ['get', 'fan', 'mem', 'big', 'create']) await lastValueFrom(zk.create(`${root}/${dir}`));
  const getPaths = Array.from({ length: p.getNodes }, (_, i) => `${root}/get/n${i}`);
  const fanoutPaths = Array.from({ length: p.fanoutNodes }, (_, i) => `${root}/fan/n${i}`);
  const memoryPaths = Array.from({ length: p.memoryNodes }, (_, i) => `${root}/mem/n${i}`);
  const getData = Buffer.alloc(p.getSize, 0x67);
  await pipelined(getPaths.length, (i) => zk.create(getPaths[i], getData));
  await pipelined(fanoutPaths.length, (i) => zk.create(fanoutPaths[i], Buffer.from('initial')));
  await pipelined(memoryPaths.length, (i) => zk.create(memoryPaths[i], Buffer.from(`m${i}`)));
  for (const c of clients) await lastValueFrom(zk.create(`${root}/big/${c}`));
  return { root, getPaths, fanoutPaths, memoryPaths, bigPath: (c) => `${root}/big/${c}` };
}

/** A fresh, empty parent for one run of (c). */
export async function makeCreateParent(zk: ZooKeeperClient, fixtures: Fixtures, tag: string): Promise<string> {
  const parent = `${fixtures.root}/create/${tag}`;
  await lastValueFrom(zk.create(parent));
  return parent;
}

/** Deletes a (c) parent and its children; returns how many children it had. */
export async function removeCreateParent(zk: ZooKeeperClient, parent: string): Promise<number> {
  const children = await lastValueFrom(zk.getChildren(parent));
  await pipelined(children.length, (i) => zk.delete(`${parent}/${children[i]}`));
  await lastValueFrom(zk.delete(parent));
  return children.length;
}

export async function removeFixtures(zk: ZooKeeperClient, fixtures: Fixtures): Promise<void> {
  await lastValueFrom(zk.delete(fixtures.root, { recursive: true }));
}
