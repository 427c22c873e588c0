import { FLAP_PAUSE_MAX_MS, ReconnectPacing, STABLE_CONNECTION_MS } from '../../src/session/reconnect-pacing';

describe('ReconnectPacing', () => {
  let now = 0;
  const pacing = () => new ReconnectPacing(() => 0.5, () => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('reconnects at once after a connection that was established', () => {
    const p = pacing();
    p.handshake();
    now += STABLE_CONNECTION_MS;
    expect(p.ended()).toBe(0);
  });

  it('reconnects at once after one short-lived connection, then pauses while they keep ending early', () => {
    const p = pacing();
    const flap = () => {
      p.handshake();
      now += 10;
      return p.ended();
    };
    expect(flap()).toBe(0);
    expect(flap()).toBe(FLAP_PAUSE_MAX_MS / 2);
    expect(flap()).toBe(FLAP_PAUSE_MAX_MS / 2);
    // One connection that lasts ends the run.
    p.handshake();
    now += STABLE_CONNECTION_MS + 1;
    expect(p.ended()).toBe(0);
    expect(flap()).toBe(0);
  });

  it('counts nothing for a connection that never had a handshake (the backoff handles those)', () => {
    const p = pacing();
    expect(p.ended()).toBe(0);
    expect(p.ended()).toBe(0);
  });

  it('pauses after an expiry answered right after a drop of a short-lived connection, but not after an ordinary expiry', () => {
    const p = pacing();
    p.handshake();
    now += STABLE_CONNECTION_MS * 5;
    expect(p.ended()).toBe(0); // a long-lived connection dropped
    p.handshake();
    expect(p.ended()).toBe(0); // the server says: expired; a new session follows at once
  });
});
