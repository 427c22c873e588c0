import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fourLetterWord, startZooKeeper, waitFor, type StartedZooKeeper } from '../../src/testing';
import { connectRaw } from './raw-session';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startZooKeeper() — one local server', () => {
  let zkServer: StartedZooKeeper;

  beforeAll(async () => {
    zkServer = await startZooKeeper();
  });

  afterAll(async () => {
    await zkServer?.stop();
  });

  it('serves in standalone mode on a loopback address', async () => {
    expect(zkServer.source).toBe('local');
    expect(zkServer.connectString).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(zkServer.members).toHaveLength(1);
    expect(await zkServer.members[0].mode()).toBe('standalone');
    expect(await fourLetterWord(zkServer.connectString, 'ruok')).toBe('imok');
    expect(zkServer.secureConnectString).toBeUndefined();
    expect(zkServer.tls).toBeUndefined();
    expect(zkServer.sasl).toBeUndefined();
  });

  it('accepts sessions at connectString', async () => {
    const raw = await connectRaw(zkServer.connectString);
    expect(raw.response.timeOut).toBeGreaterThan(0);
    expect(raw.response.sessionId).not.toBe(0n);
    raw.socket.destroy();
  });

  it('allows every four-letter word and has the test settings', async () => {
    const conf = await fourLetterWord(zkServer.connectString, 'conf');
    expect(conf).toMatch(/tickTime=500/);
    expect(conf).toMatch(/minSessionTimeout=1000/);
    expect(conf).toMatch(/maxSessionTimeout=60000/);
    expect(await fourLetterWord(zkServer.connectString, 'wchp')).toBeDefined();
    expect(await fourLetterWord(zkServer.connectString, 'mntr')).toMatch(/zk_server_state\tstandalone/);
  });

  it('finds members by address and names the leader', async () => {
    const [member] = zkServer.members;
    const port = member.connectString.split(':')[1];
    expect(zkServer.memberOf(member.connectString)).toBe(member);
    expect(zkServer.memberOf(`localhost:${port}`)).toBe(member);
    expect(() => zkServer.memberOf('127.0.0.1:1')).toThrow(/no member serves/);
    expect(() => zkServer.memberOf(null)).toThrow(/no server address/);
    expect(await zkServer.leader()).toBe(member);
  });

  it('expires a session on the server side', async () => {
    const original = await connectRaw(zkServer.connectString, { timeOut: 20000 });
    const { sessionId, passwd } = original.response;

    // A structural holder, as the client exposes it.
    await zkServer.expireSession({ session: { id: sessionId, password: passwd }, server: zkServer.connectString });

    // The server dropped the holder's connection…
    await original.closed;
    // …and resuming the session is refused as expired (timeOut <= 0).
    const again = await connectRaw(zkServer.connectString, { sessionId, password: passwd });
    expect(again.response.timeOut).toBeLessThanOrEqual(0);
    again.socket.destroy();
  });

  it('refuses to expire a missing session', async () => {
    await expect(zkServer.expireSession({ session: null })).rejects.toThrow(/no session/);
  });

  it('restarts a member on the same port after kill() and after stop()', async () => {
    const [member] = zkServer.members;
    const firstPid = member.pid;
    expect(firstPid).toBeDefined();
    await member.kill();
    expect(member.running).toBe(false);
    expect(alive(firstPid!)).toBe(false);
    await expect(member.mode()).rejects.toThrow();

    await member.start();
    expect(member.running).toBe(true);
    expect(member.pid).not.toBe(firstPid);
    expect(await member.mode()).toBe('standalone');

    await member.stop();
    expect(member.running).toBe(false);
    await member.start();
    expect(await member.mode()).toBe('standalone');
  });

  it('pauses and resumes a member', async () => {
    const [member] = zkServer.members;
    await member.pause();
    await expect(fourLetterWord(member.connectString, 'srvr', { timeout: 500 })).rejects.toThrow(/no complete answer/);
    await member.resume();
    expect(await member.mode()).toBe('standalone');
  });
});

describe('StartedZooKeeper.stop()', () => {
  it('leaves no process and no file behind, and is idempotent', async () => {
    const zkServer = await startZooKeeper();
    const [member] = zkServer.members;
    const pid = member.pid!;
    const serverDir = path.dirname(member.logFile!);
    const root = path.dirname(serverDir);
    expect(path.basename(root)).toMatch(/^rxzk-zk-/);
    expect(fs.existsSync(serverDir)).toBe(true);
    expect(alive(pid)).toBe(true);

    await zkServer.stop();
    expect(alive(pid)).toBe(false);
    expect(fs.existsSync(root)).toBe(false);
    await zkServer.stop();
  });

  it('also stops a paused server', async () => {
    const zkServer = await startZooKeeper();
    const [member] = zkServer.members;
    const pid = member.pid!;
    await member.pause();
    await zkServer.stop();
    expect(alive(pid)).toBe(false);
  });
});

describe('when the Node process dies', () => {
  it('its servers die too, and the next start removes its files', async () => {
    // Node is SIGKILLed: no 'exit' hook runs; the watchdog must kill the JVM.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures-start-and-wait.ts')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.once('exit', () => reject(new Error(`the child exited early: ${out}`)));
    });
    const { pid, logFile } = JSON.parse(line) as { pid: number; logFile: string };
    const root = path.dirname(path.dirname(logFile));
    expect(alive(pid)).toBe(true);

    child.kill('SIGKILL');
    await waitFor(() => !alive(pid), { timeout: 5000, description: 'the orphaned JVM to die' });
    expect(fs.existsSync(root)).toBe(true);

    const next = await startZooKeeper();
    await next.stop();
    expect(fs.existsSync(root)).toBe(false);
    expect(path.dirname(root)).toBe(os.tmpdir());
  });
});
