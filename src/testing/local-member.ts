import * as fs from 'node:fs';
import * as path from 'node:path';
import { fourLetterWord, parseMode, serverMode, type ServerMode } from './four-letter-word';
import type { LocalInstallation } from './local-installation';
import { ServerProcess } from './server-process';
import { PortCollisionError, ZooKeeperStartError, showsBindFailure, tail } from './start-errors';
import type { ZooKeeperMember } from './types';
import { delay } from './wait-for';

/** Everything needed to run one member; its files are written beforehand. */
export interface LocalMemberSpec {
  id: number;
  installation: LocalInstallation;
  /** The member's directory: its zoo.cfg, data and log. */
  dir: string;
  cfgFile: string;
  logFile: string;
  jvmArgs: readonly string[];
  connectString: string;
  secureConnectString: string | undefined;
  serverSpec: string | undefined;
  startTimeout: number;
}

/** How long `stop()` waits after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5000;

/** One server JVM started by this module. */
export class LocalMember implements ZooKeeperMember {
  private proc: ServerProcess | null = null;
  /** A stop() or kill() still waiting for the JVM to exit: start() waits for it rather than race it. */
  private stopping: Promise<unknown> | null = null;
  /** Log size when the current process started: only newer lines say why it failed. */
  private logStart = 0;

  constructor(private readonly spec: LocalMemberSpec) {}

  get id(): number {
    return this.spec.id;
  }
  get connectString(): string {
    return this.spec.connectString;
  }
  get secureConnectString(): string | undefined {
    return this.spec.secureConnectString;
  }
  get serverSpec(): string | undefined {
    return this.spec.serverSpec;
  }
  get logFile(): string {
    return this.spec.logFile;
  }
  get running(): boolean {
    return this.proc !== null && this.proc.running;
  }
  /** The JVM's pid while it runs. */
  get pid(): number | undefined {
    return this.running ? this.proc?.pid : undefined;
  }

  /** Spawns the JVM without waiting for it to serve (the ensemble starts all members at once). */
  async launch(): Promise<void> {
    if (this.stopping !== null) await this.stopping;
    if (this.running) return;
    this.logStart = fileSize(this.spec.logFile);
    fs.appendFileSync(this.spec.logFile, `--- rxzk: starting server ${this.spec.id} at ${new Date().toISOString()} ---\n`);
    const { installation, jvmArgs, cfgFile, dir } = this.spec;
    this.proc = await ServerProcess.spawn({
      command: installation.java,
      args: [...jvmArgs, '-cp', installation.classPath.join(':'), 'org.apache.zookeeper.server.quorum.QuorumPeerMain', cfgFile],
      logFile: this.spec.logFile,
      cwd: dir,
    });
  }

  /**
   * Polls `srvr` until the server reports a Mode (or, with `requireMode`
   * false, answers at all). `ruok` is not enough: it answers `imok` before
   * the server accepts sessions. Fails fast when the process exits or its
   * log shows a port taken under us.
   */
  async waitUntilServing(timeout = this.spec.startTimeout, requireMode = true): Promise<void> {
    const deadline = Date.now() + timeout;
    for (let poll = 0; ; poll++) {
      const proc = this.proc;
      if (proc === null || !proc.running) {
        const exit = proc === null ? null : await proc.exited;
        const how = exit === null ? 'is not running' : exit.signal ? `died of ${exit.signal}` : `exited with code ${exit.code}`;
        throw await this.startError(`ZooKeeper server ${this.id} ${how} during start-up`);
      }
      let answered = false;
      try {
        const srvr = await fourLetterWord(this.connectString, 'srvr', { timeout: 1000 });
        answered = !requireMode || parseMode(srvr) !== null;
      } catch {
        // Not listening yet.
      }
      if (answered) {
        // Make sure the server answering is ours, not another one that got
        // the port first (ours then failed to bind it).
        if (await this.answersAsOurs()) return;
        throw await this.startError(`another process answers on ${this.connectString}`, true);
      }
      if (poll % 5 === 4 && showsBindFailure(this.newLog())) {
        throw await this.startError(`ZooKeeper server ${this.id} found a port taken`);
      }
      if (Date.now() >= deadline) {
        throw await this.startError(`ZooKeeper server ${this.id} did not serve within ${timeout} ms (${this.connectString})`);
      }
      await Promise.race([delay(100), proc.exited]);
    }
  }

  async start(options: { waitUntilServing?: boolean } = {}): Promise<void> {
    await this.launch();
    await this.waitUntilServing(this.spec.startTimeout, options.waitUntilServing ?? true);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (proc) await this.untilExited(proc.stop(STOP_GRACE_MS));
  }

  async kill(): Promise<void> {
    const proc = this.proc;
    if (proc) await this.untilExited(proc.kill());
  }

  /** Records a stop or kill in progress until the JVM has exited. */
  private async untilExited(exit: Promise<unknown>): Promise<void> {
    const stopping = exit.catch(() => undefined);
    this.stopping = stopping;
    try {
      await exit;
    } finally {
      if (this.stopping === stopping) this.stopping = null;
    }
  }

  async pause(): Promise<void> {
    const server = this.requireRunning('pause');
    server.signal('SIGSTOP');
    await server.settle(true);
  }

  async resume(): Promise<void> {
    const server = this.requireRunning('resume');
    server.signal('SIGCONT');
    await server.settle(false);
  }

  mode(): Promise<ServerMode> {
    return serverMode(`server ${this.id}`, this.connectString);
  }

  fourLetterWord(word: string): Promise<string> {
    return fourLetterWord(this.connectString, word);
  }

  async readLog(): Promise<string> {
    try {
      return await fs.promises.readFile(this.spec.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  private requireRunning(what: string): ServerProcess {
    const proc = this.proc;
    if (proc === null || !proc.running) throw new Error(`cannot ${what} server ${this.id}: it is not running`);
    return proc;
  }

  private newLog(): string {
    try {
      const all = fs.readFileSync(this.spec.logFile);
      return all.subarray(Math.min(this.logStart, all.length)).toString('utf8');
    } catch {
      return '';
    }
  }

  /**
   * Whether the server on our client port is ours: `envi` reports its working
   * directory, which is this member's own (unlike `conf`, `envi` answers
   * before the server serves).
   */
  private async answersAsOurs(): Promise<boolean> {
    try {
      const envi = await fourLetterWord(this.connectString, 'envi', { timeout: 1000 });
      const cwd = /^user\.dir=(.*)$/m.exec(envi)?.[1];
      // Compare the unique tail ('rxzk-zk-XXXXXX/server.1'), not the whole path: a
      // symlinked temp dir (macOS's /var) comes back resolved from Java.
      const ours = path.join(path.basename(path.dirname(this.spec.dir)), path.basename(this.spec.dir));
      return cwd !== undefined && cwd.endsWith(ours);
    } catch {
      // It answered srvr a moment ago: a hiccup, not a stranger.
      return true;
    }
  }

  private async startError(message: string, collision = false): Promise<ZooKeeperStartError> {
    const log = this.newLog();
    const logTail = tail(log);
    // Stop a half-started process: the caller decides whether to try again.
    await this.kill();
    return collision || showsBindFailure(log) ? new PortCollisionError(message, logTail) : new ZooKeeperStartError(message, logTail);
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
