// rxzk, imported from the sources (no build needed), used as its users would:
// subscribe to the cold Observable of each operation; watchData$ to follow.
import { createClient, type ZooKeeperClient } from '../../src';
import type { Driver } from '../driver';
import { nodeDriver, type NodeClientKind, type DataCallback, type DoneCallback, type Follow, type NodeZk } from './node-workloads';

export function rxzkDriver(version: string): Driver {
  return nodeDriver(rxzkKind(version));
}

export function rxzkKind(version: string): NodeClientKind {
  return {
    name: 'rxzk',
    version,
    async connect(hosts: string): Promise<NodeZk> {
      const zk = createClient({ hosts });
      await zk.start();
      return rxzkNodeZk(zk);
    },
  };
}

/** What the adapter uses of a client (also a client of another build of rxzk: bench/observability.ts's baseline). */
export type RxzkLike = Pick<ZooKeeperClient, 'get' | 'create' | 'set' | 'watchData$' | 'close'>;

/** A connected rxzk client, as the workloads see it. */
export function rxzkNodeZk(zk: RxzkLike): NodeZk {
  return {
    get(path: string, cb: DataCallback): void {
      zk.get(path).subscribe({ next: (r) => cb(null, r.data), error: (e: unknown) => cb(asError(e), undefined) });
    },
    create(path: string, data: Buffer, cb: DoneCallback): void {
      zk.create(path, data).subscribe({ next: () => cb(null), error: (e: unknown) => cb(asError(e)) });
    },
    set(path: string, data: Buffer, cb: DoneCallback): void {
      zk.set(path, data).subscribe({ next: () => cb(null), error: (e: unknown) => cb(asError(e)) });
    },
    follow(path: string, onValue: (value: unknown) => void, onError: (err: Error) => void): Follow {
      // The user's callback goes straight in; the Subscription is the handle.
      return zk.watchData$(path).subscribe({ next: onValue, error: onError });
    },
    dataOf(value: unknown): Buffer | null {
      return typeof value === 'object' && value !== null && 'data' in value && Buffer.isBuffer(value.data) ? value.data : null;
    },
    close: () => zk.close(),
  };
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
