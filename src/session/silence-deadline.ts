/** What the deadline measures: when bytes last came from a server (`performance.now()`), null before the first. */
export interface SilenceSource {
  readonly lastReceived: number | null;
}

/**
 * The client-side session deadline (issue 21; ZOOKEEPER-4508 in the Java client ≥ 3.9.3, Curator's LOST): once no
 * server has been heard for `timeout` ms, counted from the last bytes received on a monotonic clock, `onPassed` is
 * told how long the silence has lasted. Armed while the session has no connection; any handshake reply disarms it.
 *
 * The timer is re-armed for the remainder when it fires early (a timer may fire a fraction of a millisecond before
 * `performance.now()` has moved on by its delay), and it always fires from a timer of its own, never inside `arm()`:
 * the session is then never declared lost in the middle of handling a dropped connection.
 */
export class SilenceDeadline {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly source: SilenceSource,
    private readonly onPassed: (silence: number) => void,
  ) {}

  /** Arms (or re-arms) the deadline `timeout` ms after the last bytes received; nothing when none were ever received. */
  arm(timeout: number): void {
    this.disarm();
    const last = this.source.lastReceived;
    if (last === null || !(timeout > 0)) return;
    this.schedule(last, timeout);
  }

  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(last: number, timeout: number): void {
    const remaining = Math.max(0, last + timeout - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const silence = performance.now() - last;
      if (silence < timeout) this.schedule(last, timeout);
      else this.onPassed(silence);
    }, Math.ceil(remaining));
  }
}
