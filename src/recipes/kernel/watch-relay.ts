import type { WatchedEvent } from '../../index';

/**
 * A one-shot watch set before its owner exists: the request's `watch` callback is {@link watch}, and the events go to
 * whoever {@link connect}s later — events that came before are handed over then, in order. A contender's last look at
 * its own node (the read that proves the node is still its own before it holds) sets the watch the Holding keeps on
 * it, so the holding needs no request of its own (one request, and one server watch, fewer per hand-off).
 */
export class WatchRelay {
  private target: ((event: WatchedEvent) => void) | null = null;
  private early: WatchedEvent[] | null = null;

  /** The callback to give the request that sets the watch. */
  readonly watch = (event: WatchedEvent): void => {
    if (this.target !== null) this.target(event);
    else (this.early ??= []).push(event);
  };

  /** Whether an event came before anyone connected (a watch that has fired is no longer set on the server). */
  get fired(): boolean {
    return this.early !== null;
  }

  /** From now on events go to `target`; those that came before go there at once. */
  connect(target: (event: WatchedEvent) => void): void {
    this.target = target;
    const early = this.early;
    this.early = null;
    if (early !== null) for (const event of early) target(event);
  }
}
