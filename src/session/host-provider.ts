import type { Endpoint } from '../transport/connect-string';
import { shuffle } from '../transport/connect-string';

/**
 * The servers to try, in turn (the Java client's StaticHostProvider): shuffled
 * once when `randomize` is set, then tried round-robin, starting after the
 * server of the last connection so that a dead server is not retried first.
 */
export class HostProvider {
  readonly endpoints: readonly Endpoint[];
  private index = -1;
  private triedSinceConnect = 0;

  constructor(endpoints: readonly Endpoint[], randomize: boolean) {
    this.endpoints = randomize ? shuffle([...endpoints]) : [...endpoints];
  }

  get size(): number {
    return this.endpoints.length;
  }

  /** The next endpoint to try, and whether every endpoint has been tried since the last success. */
  next(): { endpoint: Endpoint; passComplete: boolean } {
    this.index = (this.index + 1) % this.endpoints.length;
    this.triedSinceConnect++;
    return { endpoint: this.endpoints[this.index], passComplete: this.triedSinceConnect > this.endpoints.length };
  }

  /** A connection succeeded: a new pass starts with the next failure. */
  connected(): void {
    this.triedSinceConnect = 0;
  }
}
