/**
 * The client processes of a fault run: each a worker process of its own (rxzk's, or kazoo's) behind its
 * own proxies, one per server, so the nemesis can cut, partition, pause or expire one client while the
 * others carry on. The suite talks to each over the fork's IPC channel (protocol.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TcpProxy, type ZooKeeperMember } from '../src/testing';
import type { OpName } from './history';
import type { FromWorker, ToWorker, WorkerConfig } from './protocol';

const REPO = path.resolve(__dirname, '..');

/** Which library's worker a client process runs. */
export type Library = 'rxzk' | 'kazoo';

/** The command that runs a worker of `lib` with its configuration. */
function workerCommand(lib: Library, config: WorkerConfig): [string, string[]] {
  const arg = JSON.stringify(config);
  if (lib === 'kazoo') return ['/usr/bin/python3', [path.join(__dirname, 'kazoo', 'worker.py'), arg]];
  return [process.execPath, ['--import', 'tsx', path.join(__dirname, 'worker', 'main.ts'), arg]];
}

/** Every worker process alive in this process: what an emergency stop kills. */
const live = new Set<ClientProcess>();

/** SIGCONT then SIGKILL every worker still alive (synchronous: usable from an exit or signal handler). */
export function killAllClients(): void {
  for (const c of live) c.kill();
}

export class ClientProcess {
  /** The session the worker last reported, for server-side expiries. */
  session: { id: bigint; password: Buffer; timeout: number } | null = null;
  /** The progress ops it reported since the faults stopped. */
  readonly progress = new Set<OpName>();
  /** Whether it is stopped (SIGSTOP) now. */
  paused = false;
  readonly exited: Promise<number | null>;
  private readonly waiters = new Set<(m: FromWorker) => void>();
  private fatal: string | undefined;
  private nonce = 0;

  private constructor(
    readonly name: string,
    readonly proxies: readonly TcpProxy[],
    private readonly child: ChildProcess,
  ) {
    live.add(this);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void this.exited.then(() => live.delete(this));
    child.on('message', (raw) => {
      const m = raw as FromWorker;
      if (m.type === 'session') {
        this.session = m.id === null ? null : { id: BigInt(`0x${m.id}`), password: Buffer.from(m.password ?? '', 'base64'), timeout: m.timeout ?? 0 };
      } else if (m.type === 'progress') {
        this.progress.add(m.op);
      } else if (m.type === 'fatal') {
        this.fatal = m.message;
      }
      for (const w of this.waiters) w(m);
    });
  }

  /** Starts a worker behind one new proxy per member; `config.hosts` is filled in with the proxies. */
  static async start(lib: Library, members: readonly ZooKeeperMember[], config: Omit<WorkerConfig, 'hosts'>, logFile: string): Promise<ClientProcess> {
    const proxies = await Promise.all(members.map((m) => TcpProxy.start(m.connectString)));
    const full: WorkerConfig = { ...config, hosts: proxies.map((p) => p.address) };
    const log = fs.openSync(logFile, 'a');
    const [command, args] = workerCommand(lib, full);
    const child = spawn(command, args, { cwd: REPO, stdio: ['ignore', log, log, 'ipc'] });
    fs.closeSync(log);
    return new ClientProcess(config.name, proxies, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves with the first message `match` accepts; rejects after `timeout` ms or when the worker dies first. */
  private next<T extends FromWorker>(match: (m: FromWorker) => m is T, timeout: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (error: Error | null, value?: T): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        if (error) reject(error);
        else resolve(value as T);
      };
      const waiter = (m: FromWorker): void => {
        if (match(m)) done(null, m);
      };
      const timer = setTimeout(() => done(new Error(`${this.name}: no ${what} within ${timeout} ms${this.fatal ? ` (${this.fatal})` : ''}`)), timeout);
      this.waiters.add(waiter);
      void this.exited.then((code) => done(new Error(`${this.name} exited (${code}) before ${what}${this.fatal ? `: ${this.fatal}` : ''}`)));
    });
  }

  ready(timeout: number): Promise<unknown> {
    return this.next((m): m is Extract<FromWorker, { type: 'ready' }> => m.type === 'ready', timeout, 'ready');
  }

  send(message: ToWorker): void {
    if (this.child.connected) this.child.send(message);
  }

  /** The worker's latch participation, as it sees it (null: it runs no latch); rejects after `timeout` ms. */
  async status(timeout: number): Promise<{ joined: boolean; leader: boolean } | null> {
    const nonce = ++this.nonce;
    const reply = this.next((m): m is Extract<FromWorker, { type: 'status' }> => m.type === 'status' && m.nonce === nonce, timeout, 'status');
    this.send({ type: 'status', nonce });
    return (await reply).latch;
  }

  /** Whether the worker process has ended (its crash record, or its silence after the faults, shows in the check). */
  private get gone(): boolean {
    return this.child.pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** SIGSTOP; nothing for a worker that has already died (the nemesis goes on, the check reports the crash). */
  pause(): void {
    if (!this.gone) signal(this.child.pid!, 'SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    if (!this.gone) signal(this.child.pid!, 'SIGCONT');
    this.paused = false;
  }

  /**
   * Tells the worker to finish (at most `bound` ms for its operations in flight) and waits for it to exit;
   * kills it when it does not within the bound and 15 s more. Resolves with how many operations it left
   * unfinished (null when it had to be killed).
   */
  async finish(bound: number): Promise<number | null> {
    const done = this.next((m): m is Extract<FromWorker, { type: 'done' }> => m.type === 'done', bound + 15_000, 'done').catch(() => null);
    this.resume();
    this.send({ type: 'finish', bound });
    const message = await done;
    // The grace timer is cleared once the race is decided: left running it kept the test process alive 5 s after a
    // run (jest force-exited its worker when the fault spec was a worker's last file).
    let grace: ReturnType<typeof setTimeout> | undefined;
    const exited = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => (grace = setTimeout(() => r(false), 5_000)))]);
    clearTimeout(grace);
    if (!exited || message === null) {
      this.kill();
      await this.exited;
      return null;
    }
    return message.unfinished;
  }

  /** SIGCONT (a stopped process cannot die of SIGKILL until continued on some systems) and SIGKILL. */
  kill(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    try {
      process.kill(this.child.pid, 'SIGCONT');
      process.kill(this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  async stopProxies(): Promise<void> {
    await Promise.all(this.proxies.map((p) => p.stop()));
  }
}

/** process.kill, where a process that died between the check and the signal (ESRCH) is not an error of the run. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
