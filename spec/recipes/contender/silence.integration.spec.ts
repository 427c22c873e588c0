// A holding that cannot still be held says so when asked (issue 17, item 3): once no server has been heard for the
// session timeout, reading `state` (or `signal`) gives LOST at once and aborts the signal — before any timer of
// rxzk has run, as after a SIGSTOP past the session timeout, here a synchronous spin of the event loop.
import { Lock, LockingQueue, LockLostError } from '../../../src/recipes';
import { until } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { recipeServer } from '../support/recipe-server';

const env = recipeServer();
const { connect, proxied } = env;
let counter = 0;
const nextPath = (kind: string) => `/silence/${kind}-${++counter}`;

/** Blocks the event loop (no timer, no socket read runs) until `ms` have passed: a paused process. */
function pauseFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

describe("the client's timeSinceLastReceived", () => {
  it('is null before the first connection, small while connected, and grows while the server is silent', async () => {
    const zk = env.client({ sessionTimeout: 10_000 });
    expect(zk.timeSinceLastReceived).toBeNull();
    await zk.start();
    expect(zk.timeSinceLastReceived).toBeLessThan(5_000);
    pauseFor(300);
    expect(zk.timeSinceLastReceived).toBeGreaterThanOrEqual(300);
  });
});

describe('a holding read after the session timeout of silence', () => {
  it('a Lock holding is LOST at the first read of state after a pause past the session timeout, its signal aborted', async () => {
    const zk = await connect({ sessionTimeout: 1_000 });
    const timeout = zk.session!.timeout;
    const holding = await new Lock(zk, nextPath('lock')).acquire();
    expect(holding.state).toBe('HELD');
    pauseFor(timeout + 50);
    // No timer and no reply has been handled since the pause: only the read can tell.
    expect(holding.state).toBe('LOST');
    expect(holding.signal.aborted).toBe(true);
    expect(holding.signal.reason).toBeInstanceOf(LockLostError);
  });

  it('reading signal alone does the same', async () => {
    const zk = await connect({ sessionTimeout: 1_000 });
    const holding = await new Lock(zk, nextPath('lock')).acquire();
    pauseFor(zk.session!.timeout + 50);
    expect(holding.signal.aborted).toBe(true);
  });

  it('a LockingQueue entry lock is LOST likewise', async () => {
    const path = nextPath('queue');
    await new LockingQueue(await connect(), path).put('job');
    const zk = await connect({ sessionTimeout: 1_000 });
    const entry = await new LockingQueue(zk, path).take({ timeout: 10_000 });
    expect(entry.lock.state).toBe('HELD');
    pauseFor(zk.session!.timeout + 50);
    expect(entry.lock.state).toBe('LOST');
    expect(entry.signal.aborted).toBe(true);
  });

  it('a holding whose server goes silent is LOST once the silence reaches the session timeout, not a session timeout after SUSPENDED', async () => {
    const { zk, proxy } = await proxied(3_000);
    const timeout = zk.session!.timeout;
    const holding = await new Lock(zk, nextPath('lock')).acquire();
    const states = new Recorder(holding.state$);
    proxy.swallowReplies();
    await states.until((s) => s.includes('LOST'), 3 * timeout);
    // The client noticed the silence at two thirds of the timeout (SUSPENDED); LOST came at the timeout itself.
    expect(states.values).toEqual(['HELD', 'SUSPENDED', 'LOST']);
    expect(zk.timeSinceLastReceived).toBeGreaterThanOrEqual(timeout);
    expect(zk.timeSinceLastReceived).toBeLessThan(timeout + timeout / 3);
    proxy.accept();
    await until(zk, 'CONNECTED');
  });
});
