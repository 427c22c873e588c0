import type { Observable, Subscription } from 'rxjs';

/** Collects what a stream emits, and lets a test wait for a condition on it (woken by each emission, bounded by a timeout). */
export class Recorder<T> {
  readonly values: T[] = [];
  completed = false;
  error: unknown = undefined;
  readonly subscription: Subscription;
  private waiters: (() => void)[] = [];

  constructor(source: Observable<T>) {
    this.subscription = source.subscribe({
      next: (v) => {
        this.values.push(v);
        this.wake();
      },
      error: (e: unknown) => {
        this.error = e;
        this.wake();
      },
      complete: () => {
        this.completed = true;
        this.wake();
      },
    });
  }

  /** Resolves with the values once `predicate` holds; rejects after `timeout` ms, or when the stream errors first. */
  async until(predicate: (values: T[]) => boolean, timeout = 10_000): Promise<T[]> {
    const deadline = Date.now() + timeout;
    while (!predicate(this.values)) {
      if (this.error !== undefined) throw new Error(`the stream errored: ${String(this.error)}; seen ${show(this.values)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; seen ${show(this.values)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.values;
  }

  /** The last value once `predicate` holds for it. */
  async last(predicate: (value: T) => boolean, timeout?: number): Promise<T> {
    const values = await this.until((vs) => vs.length > 0 && predicate(vs[vs.length - 1]), timeout);
    return values[values.length - 1];
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** JSON for test messages: bigints as strings, Buffers as text. */
export function show(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer') return Buffer.from((v as { data: number[] }).data).toString();
    return v;
  });
}
