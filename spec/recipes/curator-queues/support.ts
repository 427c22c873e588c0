// Helpers of the Curator queue specs: a consumer that collects what a take$() emits (acking each, or keeping it in
// hand), and the Curator peer's queue commands, typed.
import { type Observable, type Subscription } from 'rxjs';
import type { QueueEntry } from '../../../src/recipes';
import type { CuratorPeer } from '../../support/interop/peers';

/** What a take$() emitted, acked as they come unless `ack` is false (then each stays in hand: see `inHand`). */
export class Collector {
  readonly items: string[] = [];
  readonly entries: QueueEntry[] = [];
  /** When each item came (Date.now()). */
  readonly times: number[] = [];
  readonly acks: Promise<void>[] = [];
  error: unknown = undefined;
  private readonly subscription: Subscription;
  private waiters: (() => void)[] = [];

  constructor(source: Observable<QueueEntry>, private readonly ack = true) {
    this.subscription = source.subscribe({
      next: (entry) => {
        this.times.push(Date.now());
        this.items.push(entry.data.toString());
        this.entries.push(entry);
        if (this.ack) this.acks.push(entry.ack());
        this.wake();
      },
      error: (err: unknown) => {
        this.error = err;
        this.wake();
      },
    });
  }

  /** The entry emitted last (in hand when not acked). */
  get inHand(): QueueEntry {
    const entry = this.entries[this.entries.length - 1];
    if (entry === undefined) throw new Error('no entry emitted yet');
    return entry;
  }

  /** The items once `count` have come; rejects after `ms` with what came. */
  async until(count: number, ms = 15_000): Promise<string[]> {
    const deadline = Date.now() + ms;
    while (this.items.length < count) {
      if (this.error !== undefined) throw new Error(`take$ errored: ${String(this.error)}; got ${JSON.stringify(this.items)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${count} items did not come within ${ms} ms; got ${JSON.stringify(this.items)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await Promise.all(this.acks);
    return [...this.items];
  }

  stop(): void {
    this.subscription.unsubscribe();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

export type CuratorKind = 'queue' | 'priority' | 'delay' | 'id';
export interface Consumed { data: string; at: number }

/** The CuratorQueuesPeer.java commands. */
export function curatorQueues(peer: CuratorPeer) {
  return {
    create: (handle: string, args: { path: string; kind?: CuratorKind; lockPath?: string; consume?: boolean; failOnce?: string }) =>
      peer.call('cqueue.create', { handle, ...args }),
    put: (handle: string, data: string, args: { priority?: number; delayUntil?: number; id?: string } = {}) => peer.call('cqueue.put', { handle, data, ...args }),
    putMulti: (handle: string, items: string[], args: { priority?: number; delayUntil?: number } = {}) => peer.call('cqueue.putMulti', { handle, items, ...args }),
    consumed: (handle: string) => peer.call<Consumed[]>('cqueue.consumed', { handle }),
    awaitConsumed: (handle: string, count: number, timeoutMs = 15_000) => peer.call<Consumed[]>('cqueue.awaitConsumed', { handle, count, timeoutMs }),
    remove: (handle: string, id: string) => peer.call<number>('cqueue.remove', { handle, id }),
    close: (handle: string) => peer.call('close', { handle }),
    simple: {
      create: (handle: string, path: string) => peer.call('simpleQueue.create', { handle, path }),
      offer: (handle: string, data: string) => peer.call('simpleQueue.offer', { handle, data }),
      poll: (handle: string, timeoutMs?: number) => peer.call<string | null>('simpleQueue.poll', { handle, timeoutMs }),
      take: (handle: string) => peer.call<string>('simpleQueue.take', { handle }),
      peek: (handle: string) => peer.call<string | null>('simpleQueue.peek', { handle }),
    },
  };
}
