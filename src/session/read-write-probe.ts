import type { ConnectionOptions } from 'node:tls';
import type { Subscription } from 'rxjs';
import { formatEndpoint } from '../transport/connect-string';
import type { Endpoint } from '../transport/connect-string';
import { fourLetterWord } from '../transport/four-letter-word';

/** The Java client's bounds on the interval between read-write probes (ClientCnxn.pingRwServer). */
export const MIN_PROBE_INTERVAL = 100;
export const MAX_PROBE_INTERVAL = 60_000;

/**
 * While connected to a read-only server, looks for a read-write one: asks the
 * other servers in turn `isro`, waiting 100 ms, then twice as long after each
 * round, up to a minute (the Java client's pingRwServer). Calls `onFound` with
 * the first server that answers `rw`.
 */
export class ReadWriteProbe {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asking: Subscription | null = null;
  private interval = MIN_PROBE_INTERVAL;
  private next = 0;

  constructor(
    private readonly candidates: readonly Endpoint[],
    private readonly options: { tls?: boolean | ConnectionOptions; timeout: number },
    private readonly onFound: (endpoint: Endpoint) => void,
  ) {}

  start(): void {
    if (this.candidates.length === 0) return;
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.asking?.unsubscribe();
    this.asking = null;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.probe(), this.interval);
  }

  private probe(): void {
    const endpoint = this.candidates[this.next];
    this.next = (this.next + 1) % this.candidates.length;
    if (this.next === 0) this.interval = Math.min(this.interval * 2, MAX_PROBE_INTERVAL);
    this.asking = fourLetterWord(formatEndpoint(endpoint), 'isro', this.options).subscribe({
      next: (answer) => {
        this.asking = null;
        if (answer.trim() === 'rw') this.onFound(endpoint);
        else this.schedule();
      },
      error: () => {
        this.asking = null;
        this.schedule();
      },
    });
  }
}
