// The parent's side of writer.ts.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FanoutWriter } from './driver';
import { withTimeout } from './driver';

export class WriterProcess implements FanoutWriter {
  private readonly child: ChildProcess;
  private waiting: ((m: Record<string, unknown>) => void)[] = [];
  private exited: Error | null = null;

  constructor() {
    this.child = fork(join(__dirname, 'writer.ts'), [], { cwd: join(__dirname, '..'), execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: unknown) => {
      const next = this.waiting.shift();
      if (next && typeof m === 'object' && m !== null) next(m as Record<string, unknown>);
    });
    this.child.on('exit', (code) => {
      this.exited = new Error(`the writer process exited (code ${code})`);
      for (const w of this.waiting.splice(0)) w({ ok: false, error: this.exited.message });
    });
  }

  private call(message: Record<string, unknown>, timeout = 60_000): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(this.exited);
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => {
      this.waiting.push((m) => (m.ok === true ? resolve(m) : reject(new Error(`writer: ${String(m.error)}`))));
    });
    this.child.send(message);
    return withTimeout(answer, timeout, `writer ${String(message.cmd)}`);
  }

  async connect(hosts: string): Promise<void> {
    await this.call({ cmd: 'connect', hosts });
  }

  async write(paths: readonly string[], value: Buffer): Promise<bigint> {
    const m = await this.call({ cmd: 'write', paths, value: value.toString('base64') });
    if (typeof m.t0 !== 'string') throw new Error('writer: no t0 in its answer');
    return BigInt(m.t0);
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call({ cmd: 'close' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill(), 3_000);
    await exit;
    clearTimeout(timer);
  }
}
