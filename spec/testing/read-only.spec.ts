import { startZooKeeper, waitFor, type StartedZooKeeper } from '../../src/testing';
import { connectRaw } from './raw-session';

describe('startZooKeeper({ servers: 3, readOnlyMode: true })', () => {
  let zkServer: StartedZooKeeper;

  beforeAll(async () => {
    zkServer = await startZooKeeper({ servers: 3, readOnlyMode: true });
  });

  afterAll(async () => {
    await zkServer?.stop();
  });

  it('runs read-write while the quorum holds', async () => {
    for (const m of zkServer.members) expect(await m.fourLetterWord('isro')).toBe('rw');
  });

  it('turns the last member read-only when two of three stop, and back when they return', async () => {
    const [a, b, survivor] = zkServer.members;
    await Promise.all([a.stop(), b.stop()]);

    await waitFor(async () => (await survivor.mode()) === 'read-only', { timeout: 20000, interval: 250, description: 'read-only mode' });
    expect(await survivor.fourLetterWord('isro')).toBe('ro');

    // A read-only server accepts new sessions (local sessions; see ENVIRONMENT.md).
    const raw = await connectRawReadOnly(survivor.connectString);
    expect(raw).toBe(true);

    await Promise.all([a.start(), b.start()]);
    await waitFor(async () => ['leader', 'follower'].includes(await survivor.mode()), { timeout: 20000, interval: 250, description: 'read-write mode' });
    expect(await survivor.fourLetterWord('isro')).toBe('rw');
  });
});

/** Whether a client that accepts read-only servers gets a session. */
async function connectRawReadOnly(address: string): Promise<boolean> {
  const raw = await connectRaw(address, { readOnly: true });
  raw.socket.destroy();
  return raw.response.timeOut > 0 && raw.response.readOnly;
}
