// A holding that cannot still be held says so when asked (issue 17, item 3): once no server has been heard for the
// session timeout, reading `state` (or `signal`) gives LOST at once and aborts the signal — before any timer of
// rxzk has run, as after a SIGSTOP past the session timeout, here a synchronous spin of the event loop.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { firstValueFrom } from 'rxjs';
import { Lock, LockingQueue, LockLostError } from '../../../src/recipes';
import { waitFor } from '../../../src/testing';
import { observeFor, until } from '../../support/fixtures';
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

  it('counts from before a pause when what it reads after the pause waited in the socket through it', async () => {
    // Read timeout 2 s, a ping every second at most: a pause of 1.5 s outlasts the keepalive's next due time (the
    // stall shows), not the read timeout (the connection stays).
    const zk = await connect({ sessionTimeout: 3_000 });
    const reply = firstValueFrom(zk.exists('/'));
    // Sent (its write goes out in the microtask queued before this await's), answered while this process is paused.
    await Promise.resolve();
    const before = performance.now();
    pauseFor(1_500);
    await reply;
    // The reply is read now, but the server sent it long ago: it does not prove the server was heard since the pause.
    expect(zk.timeSinceLastReceived).toBeGreaterThanOrEqual(performance.now() - before - 5);
    expect(zk.state).toBe('CONNECTED');
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

/** A Lock waiter in a child process (paused-waiter.ts), its JSON lines as they come. */
class Waiter {
  readonly lines: Record<string, unknown>[] = [];
  /** Flag files made to end its stalls, removed once it exits. */
  private readonly flags: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(hosts: string, lockPath: string, sessionTimeout: number) {
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'paused-waiter.ts'), hosts, lockPath, String(sessionTimeout)], {
      cwd: path.join(__dirname, '..', '..', '..'),
    });
    let out = '';
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    });
  }

  line(what: (line: Record<string, unknown>) => boolean, description: string): Promise<Record<string, unknown>> {
    return waitFor(() => this.lines.find(what), { timeout: 30_000, interval: 20, description });
  }

  /** Blocks its event loop until the returned function is called (see paused-waiter.ts). */
  async stall(): Promise<() => void> {
    const flag = path.join(os.tmpdir(), `rxzk-stall-${process.pid}-${++counter}`);
    this.child.stdin.write(`stall ${flag}\n`);
    await this.line((l) => l.stalled === true, 'the waiter to stall');
    this.flags.push(flag);
    return () => fs.writeFileSync(flag, '');
  }

  /** Closes its stdin (it closes its client) and waits for its exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    for (const flag of this.flags) fs.writeFileSync(flag, '');
    this.child.stdin.end();
    await exited;
    for (const flag of this.flags) fs.rmSync(flag, { force: true });
  }
}

describe('a Lock waiter whose event loop stalls past its session timeout', () => {
  const SESSION_TIMEOUT = 2_000;
  let waiter: Waiter | undefined;
  afterEach(async () => waiter?.stop());

  it('does not take the lock on the hand-off it reads after the stall, which its expired session no longer owned', async () => {
    const lockPath = nextPath('paused-waiter');
    const children = () => env.observer.getChildren(lockPath).then((names) => names.length, () => 0);
    const first = await new Lock(await connect(), lockPath).acquire();
    waiter = new Waiter(env.server.connectString, lockPath, SESSION_TIMEOUT);
    const connected = await waiter.line((l) => l.state === 'CONNECTED', 'the waiter to connect');
    const paused = connected.session as string;
    await waitFor(async () => (await children()) === 2, { description: "the waiter's node behind the holder's" });

    const resume = await waiter.stall();
    const stalledAt = performance.now();
    // The hand-off (a NodeDeleted) waits in the stalled process's socket; then its session is expired (taken over
    // first, which closes its connection: no event of the expiry reaches it) and its node goes with it.
    await first.release();
    await env.server.expireSession({ session: { id: BigInt(paused), password: Buffer.from(connected.password as string, 'hex') } });
    await waitFor(async () => (await children()) === 0, { description: "the waiter's node gone with its session" });
    const next = await new Lock(await connect(), lockPath).acquire();
    expect(next.state).toBe('HELD');
    // The stall lasts past the session timeout, as a pause that lets the server expire the session does.
    await observeFor(SESSION_TIMEOUT + 200 - (performance.now() - stalledAt));

    resume();
    // It learns its session expired, and contends again with a node of its new session, behind the holder.
    const { session: renewed } = await waiter.line((l) => l.state === 'CONNECTED' && l.session !== paused, 'the waiter on a new session');
    expect(waiter.lines.filter((l) => 'acquired' in l)).toEqual([]);
    await waitFor(async () => (await children()) === 2, { description: "the waiter's new node behind the holder's" });
    expect(waiter.lines.filter((l) => 'acquired' in l)).toEqual([]);
    expect(next.state).toBe('HELD');

    await next.release();
    const acquired = await waiter.line((l) => 'acquired' in l, 'the waiter to acquire');
    expect(acquired).toMatchObject({ held: 'HELD', session: renewed });
    const stat = await env.observer.exists(acquired.acquired as string);
    expect(stat?.ephemeralOwner.toString()).toBe(renewed);
  }, 60_000);
});
