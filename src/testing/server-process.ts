import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { trackPid, untrackPid } from './process-reaper';

/**
 * Runs the command given as "$@" in the background and reports its pid on fd 3.
 * A watchdog blocks reading fd 4, a copy of our stdin, which is a pipe from
 * Node: when Node dies for any reason (even SIGKILL, when no 'exit' hook can
 * run) the pipe reaches EOF and the watchdog SIGKILLs the server. The shell
 * then waits for the server, so its exit is the server's exit.
 * (A background job's stdin is /dev/null in a non-interactive shell, hence the
 * copy on fd 4; the server gets neither fd 3 nor fd 4.)
 */
const WATCHDOG_SCRIPT = [
  'exec 4<&0',
  '"$@" </dev/null 3>&- 4<&- &',
  'server=$!',
  'echo "$server" >&3',
  'exec 3>&-',
  '( read -r _ <&4; kill -9 "$server" 2>/dev/null ) </dev/null &',
  'watchdog=$!',
  'exec 4<&-',
  'wait "$server"',
  'status=$?',
  'kill "$watchdog" 2>/dev/null',
  'exit "$status"',
].join('\n');

/** How a server process ended: its exit code, or the signal that killed it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What to run and where its output goes. */
export interface ServerProcessOptions {
  command: string;
  args: readonly string[];
  /** stdout and stderr are appended here (the server's log). */
  logFile: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * One server JVM, started under a watchdog shell so it can never outlive the
 * Node process. Signals go to the JVM itself (its pid is read from the
 * wrapper), so SIGSTOP really freezes the server.
 */
export class ServerProcess {
  /** Resolves once the JVM has exited. */
  readonly exited: Promise<ProcessExit>;
  private exit: ProcessExit | null = null;

  private constructor(
    private readonly wrapper: ChildProcess,
    /** The JVM's pid (not the wrapper's). */
    readonly pid: number,
  ) {
    trackPid(pid);
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.exit) return;
        // The wrapper exits with the server's status; 128+n means the server died of signal n.
        this.exit = { code, signal: code !== null && code > 128 ? signalName(code - 128) : signal };
        untrackPid(pid);
        (wrapper.stdin as Writable | null)?.destroy();
        resolve(this.exit);
      };
      if (wrapper.exitCode !== null || wrapper.signalCode !== null) done(wrapper.exitCode, wrapper.signalCode);
      else wrapper.once('exit', done);
    });
    // A forgotten server must not keep Node alive: when Node exits, the
    // watchdog sees EOF and kills it. `stop()` re-references while it waits.
    this.unref();
  }

  /** Starts `command` and resolves once the server's pid is known. */
  static async spawn(options: ServerProcessOptions): Promise<ServerProcess> {
    const log = fs.openSync(options.logFile, 'a');
    let wrapper: ChildProcess;
    try {
      wrapper = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'rxzk-zookeeper', options.command, ...options.args], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['pipe', log, log, 'pipe'],
      });
    } finally {
      fs.closeSync(log);
    }
    const pid = await readPid(wrapper);
    return new ServerProcess(wrapper, pid);
  }

  /** Whether the JVM is still alive (a paused one counts as alive). */
  get running(): boolean {
    return this.exit === null;
  }

  /**
   * Resolves once the JVM is stopped (`true`, after SIGSTOP) or running again
   * (`false`, after SIGCONT), as /proc tells on Linux: a signal takes effect
   * when the process next leaves the kernel, and a thread in a blocking system
   * call gets there only when the call ends. Elsewhere it resolves at once.
   */
  async settle(stopped: boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exit) return;
      let state: string;
      try {
        // /proc/<pid>/stat: "pid (comm) S ..." — the state letter follows the last ')'.
        const stat = await fs.promises.readFile(`/proc/${this.pid}/stat`, 'utf8');
        state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      } catch {
        return; // no /proc (not Linux), or the process is gone
      }
      if ((state === 'T' || state === 't') === stopped) return;
      if (Date.now() > deadline) throw new Error(`the server (pid ${this.pid}) did not ${stopped ? 'stop' : 'continue'} within ${timeoutMs} ms (state ${state})`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Sends a signal to the JVM; a no-op once it has exited. */
  signal(signal: NodeJS.Signals): void {
    if (this.exit) return;
    try {
      process.kill(this.pid, signal);
    } catch (err) {
      if (!isNoSuchProcess(err)) throw err;
    }
  }

  /**
   * SIGTERM (ZooKeeper shuts down cleanly), then SIGKILL after `graceMs`.
   * SIGCONT follows SIGTERM so that a paused server handles it too.
   */
  async stop(graceMs = 5000): Promise<ProcessExit> {
    if (this.exit) return this.exit;
    this.ref();
    this.signal('SIGTERM');
    this.signal('SIGCONT');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.signal('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    return this.exited;
  }

  /** SIGKILL: the server dies at once, as in a crash. */
  async kill(): Promise<ProcessExit> {
    if (this.exit) return this.exit;
    this.ref();
    this.signal('SIGKILL');
    return this.exited;
  }

  private ref(): void {
    this.wrapper.ref();
    for (const s of this.wrapper.stdio) (s as (Readable & { ref?: () => void }) | null)?.ref?.();
  }

  private unref(): void {
    this.wrapper.unref();
    for (const s of this.wrapper.stdio) (s as (Readable & { unref?: () => void }) | null)?.unref?.();
  }
}

function readPid(wrapper: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const channel = wrapper.stdio[3] as Readable | null | undefined;
    if (!channel) {
      reject(new Error('the server wrapper has no pid channel'));
      return;
    }
    let text = '';
    const fail = (err: Error): void => {
      wrapper.kill('SIGKILL');
      reject(err);
    };
    channel.setEncoding('utf8');
    channel.on('data', (chunk: string) => {
      text += chunk;
    });
    channel.once('end', () => {
      const pid = Number(text.trim());
      channel.destroy();
      if (Number.isInteger(pid) && pid > 0) resolve(pid);
      else fail(new Error(`the server wrapper reported no pid (got ${JSON.stringify(text)})`));
    });
    wrapper.once('error', fail);
  });
}

function signalName(n: number): NodeJS.Signals | null {
  switch (n) {
    case 9:
      return 'SIGKILL';
    case 15:
      return 'SIGTERM';
    case 2:
      return 'SIGINT';
    case 6:
      return 'SIGABRT';
    default:
      return null;
  }
}

function isNoSuchProcess(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ESRCH';
}
