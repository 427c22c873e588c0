import { ReceiptClock, STALL_SLACK } from '../../src/transport/receipt-clock';

/** The event loop's next check phase: where a stall's turn ends. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Once the stalled turn is over, what comes is read as it comes. */
async function expectFreshAfterTheTurn(clock: ReceiptClock): Promise<void> {
  await nextTurn();
  const now = performance.now();
  clock.received(now);
  expect(clock.lastReceived).toBe(now);
}

describe('ReceiptClock', () => {
  it('stamps each read with its time while the keepalive timer is not overdue', () => {
    const t = performance.now();
    const clock = new ReceiptClock(t + 1_000);
    clock.armed(t + 2_000, t + 1_000);
    clock.received(t + 1_500);
    expect(clock.lastReceived).toBe(t + 1_500);
    clock.received(t + 2_000 + STALL_SLACK);
    expect(clock.lastReceived).toBe(t + 2_000 + STALL_SLACK);
  });

  it('after a read past the due time, counts what that turn reads from the last sighting before the stall', async () => {
    const t = performance.now();
    const clock = new ReceiptClock(t + 1_000);
    clock.received(t + 1_200);
    clock.armed(t + 2_300, t + 1_300);
    // Stalled from about 1,300 to 9,000: the bytes read at 9,000 may have waited in the socket since 1,300.
    clock.received(t + 9_000);
    expect(clock.lastReceived).toBe(t + 1_300);
    clock.received(t + 9_001);
    expect(clock.lastReceived).toBe(t + 1_300);
    await expectFreshAfterTheTurn(clock);
  });

  it('after the keepalive timer fires late, counts the reads of that turn from the last sighting', async () => {
    const t = performance.now();
    const clock = new ReceiptClock(t + 1_000);
    clock.armed(t + 2_000, t + 1_000);
    clock.fired(t + 8_000);
    // Re-armed in the late callback: not a sighting, the reads of this turn are still old news.
    clock.armed(t + 9_000, t + 8_000);
    clock.received(t + 8_001);
    expect(clock.lastReceived).toBe(t + 1_000);
    await expectFreshAfterTheTurn(clock);
  });

  it('leaves lastReceived alone when a stall brings no bytes', async () => {
    const t = performance.now();
    const clock = new ReceiptClock(t + 1_000);
    clock.armed(t + 1_500, t + 1_200);
    clock.fired(t + 6_000);
    expect(clock.lastReceived).toBe(t + 1_000);
    await nextTurn();
    expect(clock.lastReceived).toBe(t + 1_000);
  });

  it('sees no stall in a timer late by no more than the slack, nor in a read without a timer armed', () => {
    const t = performance.now();
    const clock = new ReceiptClock(t + 1_000);
    clock.armed(t + 2_000, t + 1_000);
    clock.fired(t + 2_000 + STALL_SLACK);
    clock.received(t + 2_001 + STALL_SLACK);
    expect(clock.lastReceived).toBe(t + 2_001 + STALL_SLACK);
    clock.disarmed();
    clock.received(t + 60_000);
    expect(clock.lastReceived).toBe(t + 60_000);
  });
});
