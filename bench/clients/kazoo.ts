// kazoo, in /usr/bin/python3 (Debian's python3-kazoo), as a long-lived child
// process running bench/kazoo_driver.py: each workload runs wholly in Python
// and reports its metrics as JSON. Started once, so no interpreter start-up
// is measured.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Driver, RunContext } from '../driver';
import { ns, withTimeout } from '../driver';
import type { Metrics, WorkloadId } from '../workloads';

const PYTHON = '/usr/bin/python3';
const RUN_TIMEOUT = 180_000;

type Answer = Record<string, unknown>;

class KazooProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Answer[] = [];
  private readonly waiting: ((a: Answer) => void)[] = [];
  private stderr = '';
  private exited: string | null = null;

  constructor() {
    this.child = spawn(PYTHON, [join(__dirname, '..', 'kazoo_driver.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      let answer: Answer;
      try {
        const parsed: unknown = JSON.parse(line);
        answer = typeof parsed === 'object' && parsed !== null ? (parsed as Answer) : { ok: false, error: `not an object: ${line}` };
      } catch {
        answer = { ok: false, error: `not JSON: ${line}` };
      }
      const w = this.waiting.shift();
      if (w) w(answer);
      else this.lines.push(answer);
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    this.child.on('error', (err) => this.fail(`cannot run ${PYTHON}: ${err.message}`));
    this.child.on('exit', (code) => this.fail(`${PYTHON} exited (code ${code}) ${this.stderr.trim()}`));
  }

  private fail(reason: string): void {
    if (this.exited !== null) return;
    this.exited = reason;
    for (const w of this.waiting.splice(0)) w({ ok: false, error: reason });
  }

  /** The next answer line. */
  next(timeout: number): Promise<Answer> {
    const queued = this.lines.shift();
    if (queued) return Promise.resolve(queued);
    if (this.exited !== null) return Promise.resolve({ ok: false, error: this.exited });
    return withTimeout(new Promise<Answer>((resolve) => this.waiting.push(resolve)), timeout, 'kazoo');
  }

  send(request: Record<string, unknown>): void {
    if (this.exited === null) this.child.stdin.write(JSON.stringify(request) + '\n');
  }

  async call(request: Record<string, unknown>, timeout = RUN_TIMEOUT): Promise<Answer> {
    this.send(request);
    const answer = await this.next(timeout);
    if (answer.ok !== true) throw new Error(`kazoo: ${String(answer.error)}`);
    return answer;
  }

  async stop(): Promise<void> {
    if (this.exited !== null) return;
    const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.send({ cmd: 'exit' });
    const timer = setTimeout(() => this.child.kill(), 3_000);
    await exit;
    clearTimeout(timer);
  }
}

function metricsOf(answer: Answer): Metrics {
  const m = answer.metrics;
  if (typeof m !== 'object' || m === null) throw new Error('kazoo: no metrics in the answer');
  const out: Metrics = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'number') out[k] = v;
  return out;
}

function request(workload: WorkloadId, ctx: RunContext): Record<string, unknown> {
  const p = ctx.params;
  const base = { cmd: 'run', workload, hosts: ctx.hosts };
  switch (workload) {
    case 'a':
      return { ...base, paths: ctx.fixtures.getPaths, count: p.getCount, size: p.getSize };
    case 'b':
      return { ...base, paths: ctx.fixtures.getPaths, count: p.seqCount };
    case 'c':
      return { ...base, parent: ctx.createParent, count: p.createCount, size: p.createSize };
    case 'd':
      return { ...base, path: ctx.fixtures.bigPath('kazoo'), size: p.bigSize, pairs: p.bigPairs };
    case 'e':
      return { ...base, paths: ctx.fixtures.fanoutPaths, value: ctx.fanoutValue.toString('hex') };
    case 'f':
      return { ...base, paths: ctx.fixtures.memoryPaths };
    case 'g':
      return { ...base, clients: p.connectClients };
  }
}

/** Starts the Python process and checks that kazoo imports; throws with the reason otherwise. */
export async function startKazoo(): Promise<Driver> {
  const proc = new KazooProcess();
  let hello: Answer;
  try {
    hello = await proc.call({ cmd: 'hello' }, 30_000);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  const version = `${String(hello.version)} (Python ${String(hello.python)})`;
  return {
    name: 'kazoo',
    version,
    async run(workload: WorkloadId, ctx: RunContext): Promise<Metrics> {
      if (workload !== 'e') return metricsOf(await proc.call(request(workload, ctx)));
      // (e): Python arms its DataWatches and says so; then our writer process changes the nodes.
      await proc.call(request(workload, ctx));
      const t0 = await ctx.writer.write(ctx.fixtures.fanoutPaths, ctx.fanoutValue);
      const done = await proc.next(RUN_TIMEOUT);
      if (done.ok !== true) throw new Error(`kazoo: ${String(done.error)}`);
      const m = done.metrics;
      const tLast = typeof m === 'object' && m !== null && 'tLastNs' in m && typeof m.tLastNs === 'string' ? BigInt(m.tLastNs) : null;
      if (tLast === null) throw new Error('kazoo: no tLastNs in the answer');
      return { ms: ns(t0, tLast) / 1e6 };
    },
    dispose: () => proc.stop(),
  };
}
