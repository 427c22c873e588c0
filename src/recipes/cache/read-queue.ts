import type { Observable } from 'rxjs';

/**
 * Reads sent with a bound on how many are in flight (a 10,000-node subtree
 * must not put 20,000 requests in the client's queue at once), and dropped
 * in bulk: `cancel()` forgets what is queued and makes the answers of what
 * is in flight be ignored (those requests fail by themselves with the
 * connection they were sent on; there is nothing to undo on the server).
 */
export class ReadQueue {
  private generation = 0;
  private inFlight = 0;
  private readonly queued: (() => void)[] = [];
  private head = 0;

  constructor(private readonly concurrency: number) {}

  /** Sends `request` once a slot is free; `next`/`failed` are called only if no cancel() came in between. */
  read<T>(request: () => Observable<T>, next: (value: T) => void, failed: (err: unknown) => void): void {
    const generation = this.generation;
    this.queued.push(() => {
      let answered = false;
      const settle = (): boolean => {
        if (answered) return false;
        answered = true;
        this.inFlight--;
        queueMicrotask(() => this.pump());
        return generation === this.generation;
      };
      this.inFlight++;
      request().subscribe({
        next: (value) => settle() && next(value),
        error: (err: unknown) => settle() && failed(err),
      });
    });
    this.pump();
  }

  /** Forgets every read not yet answered. */
  cancel(): void {
    this.generation++;
    this.queued.length = 0;
    this.head = 0;
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.head < this.queued.length) {
      const send = this.queued[this.head++];
      send();
    }
    if (this.head === this.queued.length) {
      this.queued.length = 0;
      this.head = 0;
    }
  }
}
