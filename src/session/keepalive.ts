import type { ReceiptClock } from '../transport/receipt-clock';

/** What the keepalive watches and acts on. */
export interface KeepaliveTarget {
  /**
   * When bytes last arrived (its `lastReceived`); told when the timer is armed and fires: a timer that fires late, or
   * a read after its due time, shows a stall.
   */
  readonly receipts: ReceiptClock;
  /** `performance.now()` when bytes were last sent. */
  readonly lastSent: number;
  sendPing(): void;
  /** Nothing arrived for the read timeout: the server is gone or frozen. */
  onReadTimeout(idleMs: number): void;
}

/**
 * How long a connection may stay silent before the client gives it up: two thirds of the session timeout (the Java
 * client's readTimeout), leaving a third to reach another server before the session expires.
 *
 * @example
 * readTimeoutOf(30_000); // 20_000
 */
export function readTimeoutOf(sessionTimeout: number): number {
  return Math.floor((sessionTimeout * 2) / 3);
}

/**
 * The Java client's session keepalive (ClientCnxn.SendThread): the read timeout
 * is two thirds of the negotiated session timeout, and a ping goes out after
 * half of the read timeout without sending anything. A server that stays
 * silent for the read timeout is given up, leaving a third of the session
 * timeout to find another server before the session expires.
 *
 * One timer, re-armed for the nearest deadline: requests and replies only
 * update two timestamps, they never touch the timer.
 */
export class Keepalive {
  readonly readTimeout: number;
  readonly pingInterval: number;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly target: KeepaliveTarget,
    sessionTimeout: number,
  ) {
    this.readTimeout = readTimeoutOf(sessionTimeout);
    this.pingInterval = Math.floor(this.readTimeout / 2);
  }

  start(): void {
    this.schedule(this.pingInterval);
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.target.receipts.disarmed();
  }

  private schedule(delay: number): void {
    this.stop();
    const wait = Math.max(1, delay);
    const now = performance.now();
    this.timer = setTimeout(this.check, wait);
    this.target.receipts.armed(now + wait, now);
  }

  private readonly check = (): void => {
    this.timer = undefined;
    const now = performance.now();
    this.target.receipts.fired(now);
    const idleIn = now - this.target.receipts.lastReceived;
    if (idleIn >= this.readTimeout) {
      this.target.onReadTimeout(idleIn);
      return;
    }
    let idleOut = now - this.target.lastSent;
    if (idleOut >= this.pingInterval) {
      this.target.sendPing();
      idleOut = 0;
    }
    this.schedule(Math.min(this.readTimeout - idleIn, this.pingInterval - idleOut));
  };
}
