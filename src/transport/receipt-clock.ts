/**
 * How late a timer may run, or a read come after a timer's due time, before it shows that this process stalled
 * (SIGSTOP, a long GC or synchronous task) rather than a busy event loop, ms.
 */
export const STALL_SLACK = 100;

/**
 * When bytes last came from the server, as far as this process can vouch for it: a connection's `lastReceived`.
 *
 * Stamping each read with the time it is read is wrong after a stall. Bytes the server sent while this process was
 * stopped wait in the socket, and the first read after it would stamp them fresh: a process paused past the session
 * timeout, whose session the server has expired meanwhile, would read a watch event sent before the expiry and
 * believe the server just spoke. A lock waiter did, and took the lock on that event while another client held it
 * (the fault suite's short run, a pause past the session timeout: an overlap of two latch leaders).
 *
 * So the clock needs to know when the process stalled. It keeps the last moment the process was seen running on time
 * (a read, or the keepalive arming its timer), and the keepalive's due time: a timer always pending within a third
 * of the session timeout. A read after that due time (plus {@link STALL_SLACK}), or the timer firing that late, shows
 * a stall; what is read until the event loop's next check phase may have waited in the socket since the stall began,
 * so `lastReceived` is then the last sighting before it, not the time of the read. A stall shorter than the time
 * left to the due time goes unseen; it is shorter than a third of the session timeout, which a session survives.
 */
export class ReceiptClock {
  /** `performance.now()` when bytes last came, or, after a stall, the last sighting before it. */
  lastReceived: number;
  /** The last moment the process was seen running on time. */
  private sighted: number;
  /** When the keepalive's timer is due (Infinity while none is armed): a read later than this shows a stall. */
  private due = Infinity;
  /** A stall was seen in this turn of the event loop: what is read before its check phase is as old as the stall. */
  private stalled = false;

  constructor(now: number = performance.now()) {
    this.lastReceived = now;
    this.sighted = now;
  }

  /** Bytes were read at `now`. */
  received(now: number): void {
    this.stallIfOverdue(now);
    if (this.stalled) {
      // They came after the last sighting (it would have read them), at the earliest.
      if (this.sighted > this.lastReceived) this.lastReceived = this.sighted;
      return;
    }
    this.lastReceived = now;
    this.sighted = now;
  }

  /** The keepalive armed its timer at `now`, due at `due`. */
  armed(due: number, now: number): void {
    this.due = due;
    if (!this.stalled) this.sighted = now;
  }

  /** The keepalive's timer fired at `now`. */
  fired(now: number): void {
    this.stallIfOverdue(now);
    this.due = Infinity;
  }

  /** The keepalive stopped: no timer is pending. */
  disarmed(): void {
    this.due = Infinity;
  }

  /** At `now` the keepalive's timer should have run already: the process stalled (once per stalled turn). */
  private stallIfOverdue(now: number): void {
    if (this.stalled || now <= this.due + STALL_SLACK) return;
    this.stalled = true;
    this.due = Infinity;
    // The check phase comes after the poll phase that reads what waited in the socket: from then on reads are fresh.
    setImmediate(() => {
      this.stalled = false;
      this.sighted = performance.now();
    });
  }
}
