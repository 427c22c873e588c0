const TWO_POW_32 = 2n ** 32n;

/**
 * The highest zxid the client has seen in a reply, sent as lastZxidSeen when
 * it reconnects (a server that is behind refuses the session) and as the
 * relative zxid of SetWatches. Kept as two 32-bit halves: every reply carries
 * a zxid, and comparing halves costs no BigInt; one is made only when asked.
 */
export class ZxidTracker {
  private hi = 0;
  private lo = 0;

  /** Notes a reply's zxid (signed high half, unsigned low half); zero and negative ones (notifications) are ignored. */
  observe(hi: number, lo: number): void {
    if (hi > this.hi || (hi === this.hi && lo > this.lo)) {
      this.hi = hi;
      this.lo = lo;
    }
  }

  /** Forgets every zxid seen (a client started afresh after close()). */
  reset(): void {
    this.hi = 0;
    this.lo = 0;
  }

  get value(): bigint {
    return BigInt(this.hi) * TWO_POW_32 + BigInt(this.lo);
  }
}
