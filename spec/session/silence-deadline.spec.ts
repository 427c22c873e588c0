// The client-side session deadline (issue 21 item 3): it fires once the silence since the last bytes received
// reaches the timeout, counted from those bytes (not from when it was armed), and never while disarmed.
import { SilenceDeadline } from '../../src/session/silence-deadline';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

function deadline(lastReceived: number | null): { d: SilenceDeadline; fired: number[] } {
  const fired: number[] = [];
  return { d: new SilenceDeadline({ lastReceived }, (silence) => fired.push(silence)), fired };
}

it('fires at the timeout after the last bytes received, with the silence so far', () => {
  const heard = performance.now();
  jest.advanceTimersByTime(600); // the connection dropped 600 ms after the last bytes
  const { d, fired } = deadline(heard);
  d.arm(1_000);
  jest.advanceTimersByTime(399);
  expect(fired).toEqual([]);
  jest.advanceTimersByTime(1);
  expect(fired).toHaveLength(1);
  expect(fired[0]).toBeGreaterThanOrEqual(1_000);
});

it('fires on a later tick, never inside arm(), when the silence is already past the timeout', () => {
  const { d, fired } = deadline(performance.now() - 5_000);
  d.arm(1_000);
  expect(fired).toEqual([]);
  jest.advanceTimersByTime(0);
  expect(fired).toHaveLength(1);
});

it('does nothing once disarmed, nor without bytes ever received', () => {
  const armed = deadline(performance.now());
  armed.d.arm(1_000);
  armed.d.disarm();
  const never = deadline(null);
  never.d.arm(1_000);
  jest.advanceTimersByTime(5_000);
  expect(armed.fired).toEqual([]);
  expect(never.fired).toEqual([]);
});
