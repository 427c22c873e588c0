/**
 * rxzk's recipes beside Apache Curator 5.4's and kazoo 2.8's, on one local ZooKeeper (Netty factory):
 *
 *   node --import tsx bench/recipes/run.ts [--rounds N] [--only 1,lock-handoff,...] [--libs rxzk,curator,kazoo,socket] [--scale F] [--out file]
 *   npm run bench:recipes -- --scale 0.2 --rounds 1     # a quick trial
 *
 * Every measured run is one process of its library's own (rxzk_bench.ts, CuratorBench.java compiled
 * here once per run into a temp dir, kazoo_bench.py; for the lock cycle also socket_bench.ts, no library at all)
 * that runs ONE workload and prints one JSON
 * line: no RPC between this orchestrator and the library is on any clock, and process start-up is
 * not either (each program starts its clock after connecting). Within a round every library takes
 * its turn in an order rotated between workloads and rounds; round 0 is a warm-up and is not
 * counted. The table gives medians over the rounds and median(rxzk) / median(peer). See README.md.
 */
// First: how src/ is compiled (see ../compile-hook.ts).
import '../compile-hook';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { lastValueFrom } from 'rxjs';
import { createClient, type ZooKeeperClient } from '../../src';
import type { StartedZooKeeper } from '../../src/testing';
import { startZooKeeper } from '../../src/testing';
import { SERVER_JVM_FLAGS } from '../server';
import { formatNumber, median, percentile } from '../stats';
import { pipelined } from '../fixtures';

// ---- libraries and how their programs start ------------------------------------------------------

/** `socket`: no library — the lock cycle's requests by hand on a bare socket (socket_bench.ts), Node's own floor. */
type Lib = 'rxzk' | 'curator' | 'kazoo' | 'socket';
const LIBS: readonly Lib[] = ['rxzk', 'curator', 'kazoo', 'socket'];
const HERE = __dirname;
const REPO = join(HERE, '..', '..');
const JAVA_LIB = '/usr/share/java';
/** The interop peer's class path (spec/support/interop/peers.ts), less service discovery. */
const CURATOR_JARS = [
  'curator-client', 'curator-framework', 'curator-recipes', 'guava', 'zookeeper', 'zookeeper-jute', 'slf4j-api', 'slf4j-nop',
  'jackson-core', 'jackson-databind', 'jackson-annotations', 'netty-buffer', 'netty-codec', 'netty-common', 'netty-handler',
  'netty-resolver', 'netty-transport', 'netty-transport-native-unix-common',
].map((jar) => join(JAVA_LIB, `${jar}.jar`));
const PYTHON = '/usr/bin/python3';
const javaTool = (tool: 'java' | 'javac'): string => (process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', tool) : tool);

function command(lib: Lib, classes: string, connect: string, workload: string, params: object): [string, string[]] {
  const args = [connect, workload, JSON.stringify(params)];
  switch (lib) {
    case 'rxzk':
      return [process.execPath, ['--expose-gc', '--import', 'tsx', join(HERE, 'rxzk_bench.ts'), ...args]];
    case 'curator':
      // The JVM's defaults (C2, G1) as a service would run; a fixed heap so the memory reading is not its resizing.
      return [javaTool('java'), ['-Xms256m', '-Xmx1g', '-cp', [...CURATOR_JARS, classes].join(':'), 'CuratorBench', ...args]];
    case 'kazoo':
      return [PYTHON, [join(HERE, 'kazoo_bench.py'), ...args]];
    case 'socket':
      // Started as rxzk's program is (the same loader), so that the two differ by the library alone.
      return [process.execPath, ['--expose-gc', '--import', 'tsx', join(HERE, 'socket_bench.ts'), ...args]];
  }
}

type Result = Record<string, unknown>;

/** Runs one program; `onReady` runs when it prints {"ready":true}; resolves with its {"result":…}. */
function runProgram(cmd: [string, string[]], onReady?: () => Promise<void>, timeoutMs = 180_000): Promise<Result> {
  return new Promise<Result>((resolve, reject) => {
    const child = spawn(cmd[0], cmd[1], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stderrHead = '';
    let settled = false;
    const finish = (err: Error | null, value?: Result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err !== null) {
        child.kill('SIGKILL');
        reject(err);
      } else resolve(value as Result);
    };
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms; stderr: ${stderr.slice(-500)}`)), timeoutMs);
    child.stderr.on('data', (d: Buffer) => {
      if (stderrHead.length < 1000) stderrHead += d.toString().slice(0, 1000 - stderrHead.length);
      stderr = (stderr + d.toString()).slice(-4000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let msg: Result;
      try {
        msg = JSON.parse(line) as Result;
      } catch {
        return; // a library's stray output
      }
      if (msg.ready === true) {
        onReady?.().catch((err: unknown) => finish(err instanceof Error ? err : new Error(String(err))));
      } else if (typeof msg.error === 'string') finish(new Error(msg.error));
      else if (typeof msg.result === 'object' && msg.result !== null) finish(null, msg.result as Result);
    });
    child.on('exit', (code) => finish(new Error(`exited with ${code} before a result; stderr: ${stderrHead.slice(0, 600)}${stderr.length > 600 ? ` … ${stderr.slice(-300)}` : ''}`)));
  });
}

// ---- workloads -------------------------------------------------------------------------------------

interface Metric {
  key: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower' | 'check';
}

interface Sizes {
  lockCycles: number;
  handoffs: number;
  contenders: number;
  treeDirs: number;
  treeLeaves: number;
  treeChanges: number;
  counterClients: number;
  counterIncrements: number;
  queueEntries: number;
}

function sizes(scale: number): Sizes {
  const s = (n: number, min = 1) => Math.max(min, Math.round(n * scale));
  return {
    lockCycles: s(1000),
    handoffs: s(200, 20),
    contenders: s(50, 3),
    treeDirs: 100,
    treeLeaves: s(99),
    treeChanges: s(1000),
    counterClients: 8,
    counterIncrements: s(100),
    queueEntries: s(2000),
  };
}

interface Ctx {
  zk: ZooKeeperClient;
  connect: string;
  classes: string;
  root: string;
  tree: string;
  leaves: string[];
  sz: Sizes;
  seq: number;
}

interface Workload {
  id: string;
  n: number;
  title: string;
  libs: Lib[];
  metrics: Metric[];
  run(ctx: Ctx, lib: Lib, path: string): Promise<Record<string, number>>;
}

/** Hand-off latencies (µs): each acquire after the other process's latest release before it. */
function handoffLatencies(a: Result, b: Result, skip: number): number[] {
  type Ev = { t: bigint; who: number; kind: 'acq' | 'rel' };
  const events: Ev[] = [];
  [a, b].forEach((r, who) => {
    for (const t of r.acquired as string[]) events.push({ t: BigInt(t), who, kind: 'acq' });
    for (const t of r.released as string[]) events.push({ t: BigInt(t), who, kind: 'rel' });
  });
  events.sort((x, y) => (x.t < y.t ? -1 : x.t > y.t ? 1 : 0));
  const lastRelease: (bigint | null)[] = [null, null];
  const out: number[] = [];
  for (const e of events) {
    if (e.kind === 'rel') lastRelease[e.who] = e.t;
    else {
      const other = lastRelease[1 - e.who];
      if (other !== null) out.push(Number(e.t - other) / 1e3);
      lastRelease[1 - e.who] = null; // one hand-off per release
    }
  }
  return out.slice(skip);
}

/** One queue workload's program: puts, then the drain (and rxzk's take$() stream), each in items/s. */
async function queueRun(
  ctx: Ctx,
  lib: Lib,
  path: string,
  workload: 'queue' | 'locking-queue' | 'rxzk-curator-queue',
  extra: Record<string, unknown> = {},
): Promise<Record<string, number>> {
  const entries = ctx.sz.queueEntries;
  const r = await runProgram(command(lib, ctx.classes, ctx.connect, workload, { path, entries, warmup: Math.ceil(entries / 10), ...extra }));
  if (Number(r.taken) !== ctx.sz.queueEntries) throw new Error(`${workload} ${lib}: took ${String(r.taken)} of ${ctx.sz.queueEntries}`);
  const out: Record<string, number> = { putPerSec: Number(r.putPerSec), getPerSec: Number(r.getPerSec) };
  if (r.takeStreamPerSec !== undefined) out.takeStreamPerSec = Number(r.takeStreamPerSec);
  return out;
}

const WORKLOADS: Workload[] = [
  {
    id: 'lock-cycle',
    n: 1,
    title: 'uncontended lock acquire+release',
    libs: ['rxzk', 'curator', 'kazoo', 'socket'],
    metrics: [
      { key: 'opsPerSec', label: 'acquire+release, a new process', unit: '/s', better: 'higher' },
      { key: 'steadyOpsPerSec', label: 'acquire+release, steady state', unit: '/s', better: 'higher' },
    ],
    async run(ctx, lib, path) {
      // The cycles timed twice in one process: after a tenth as many (the first cycles of a process: each runtime's
      // JIT still at work), then again after 3× as many more (what a long-running service sees).
      const { lockCycles } = ctx.sz;
      const params = { path, cycles: lockCycles, warmup: Math.ceil(lockCycles / 10), steadyWarmup: 3 * lockCycles };
      const r = await runProgram(command(lib, ctx.classes, ctx.connect, 'lock-cycle', params));
      return { opsPerSec: Number(r.opsPerSec), steadyOpsPerSec: Number(r.steadyOpsPerSec) };
    },
  },
  {
    id: 'lock-handoff',
    n: 2,
    title: 'lock hand-off between two processes',
    libs: ['rxzk', 'curator', 'kazoo'],
    metrics: [
      { key: 'p50', label: 'release→acquired p50', unit: 'µs', better: 'lower' },
      { key: 'p99', label: 'release→acquired p99', unit: 'µs', better: 'lower' },
      { key: 'count', label: 'hand-offs measured', unit: '', better: 'check' },
    ],
    async run(ctx, lib, path) {
      await lastValueFrom(ctx.zk.create(path));
      const cycles = Math.ceil(ctx.sz.handoffs / 2) + 5;
      const params = { path, cycles };
      const [a, b] = await Promise.all([0, 1].map(() => runProgram(command(lib, ctx.classes, ctx.connect, 'lock-handoff', params))));
      const lat = handoffLatencies(a, b, 10);
      return { p50: percentile(lat, 50), p99: percentile(lat, 99), count: lat.length };
    },
  },
  {
    id: 'lock-contenders',
    n: 3,
    title: '50 contenders take one lock in turn',
    libs: ['rxzk', 'curator', 'kazoo'],
    metrics: [
      { key: 'drainMs', label: 'first release → last released', unit: 'ms', better: 'lower' },
      { key: 'waitWatches', label: 'wchs watches while waiting', unit: '', better: 'check' },
      { key: 'waitWatchCount', label: 'mntr zk_watch_count while waiting', unit: '', better: 'check' },
    ],
    async run(ctx, lib, path) {
      const r = await runProgram(command(lib, ctx.classes, ctx.connect, 'lock-contenders', { path, contenders: ctx.sz.contenders }));
      return { drainMs: Number(r.drainMs), waitWatches: Number(r.waitWatches), waitWatchCount: Number(r.waitWatchCount) };
    },
  },
  {
    id: 'tree-cache',
    n: 4,
    title: 'TreeCache (Curator: CuratorCache) on a 10,001-node tree',
    libs: ['rxzk', 'curator', 'kazoo'],
    metrics: [
      { key: 'initMs', label: 'start → INITIALIZED', unit: 'ms', better: 'lower' },
      { key: 'memoryMB', label: 'client memory growth', unit: 'MB', better: 'lower' },
      { key: 'watches', label: 'wchs watches after start', unit: '', better: 'check' },
      { key: 'watchCount', label: 'mntr zk_watch_count after start', unit: '', better: 'check' },
      { key: 'propagateMs', label: '1,000 sets → last seen', unit: 'ms', better: 'lower' },
      { key: 'nodes', label: 'nodes cached', unit: '', better: 'check' },
    ],
    async run(ctx, lib) {
      const tag = `v${++ctx.seq}-`;
      let t0 = 0n;
      const write = async () => {
        t0 = process.hrtime.bigint();
        await pipelined(ctx.leaves.length, (i) => ctx.zk.set(ctx.leaves[i], Buffer.from(`${tag}${i}`)), 1000);
      };
      const r = await runProgram(command(lib, ctx.classes, ctx.connect, 'tree-cache', { root: ctx.tree, tag, changes: ctx.leaves.length }), write);
      return {
        initMs: Number(r.initMs),
        memoryMB: Number(r.memoryMB),
        watches: Number(r.watches),
        watchCount: Number(r.watchCount),
        propagateMs: Number(BigInt(r.tLast as string) - t0) / 1e6,
        nodes: Number(r.nodes),
      };
    },
  },
  {
    id: 'counter-int64',
    n: 5,
    title: "counter, 8 clients × 100 increments: rxzk Counter 'int64' vs Curator DistributedAtomicLong",
    libs: ['rxzk', 'curator'],
    metrics: [
      { key: 'opsPerSec', label: 'increments', unit: '/s', better: 'higher' },
      { key: 'value', label: 'final value', unit: '', better: 'check' },
    ],
    async run(ctx, lib, path) {
      const r = await runProgram(command(lib, ctx.classes, ctx.connect, 'counter', { path, clients: ctx.sz.counterClients, increments: ctx.sz.counterIncrements, format: 'int64' }));
      return { opsPerSec: Number(r.opsPerSec), value: Number(r.value) };
    },
  },
  {
    id: 'counter-text',
    n: 5,
    title: "counter, 8 clients × 100 increments: rxzk Counter 'text' vs kazoo Counter",
    libs: ['rxzk', 'kazoo'],
    metrics: [
      { key: 'opsPerSec', label: 'increments', unit: '/s', better: 'higher' },
      { key: 'value', label: 'final value', unit: '', better: 'check' },
    ],
    async run(ctx, lib, path) {
      const r = await runProgram(command(lib, ctx.classes, ctx.connect, 'counter', { path, clients: ctx.sz.counterClients, increments: ctx.sz.counterIncrements, format: 'text' }));
      return { opsPerSec: Number(r.opsPerSec), value: Number(r.value) };
    },
  },
  {
    id: 'queue',
    n: 6,
    title: "queue, at most once: put 2,000 entries, then take them all — rxzk Queue, Curator DistributedQueue, kazoo Queue",
    libs: ['rxzk', 'curator', 'kazoo'],
    metrics: [
      { key: 'putPerSec', label: 'put (one at a time)', unit: '/s', better: 'higher' },
      { key: 'getPerSec', label: 'drain: get() until empty (Curator: its consumer)', unit: '/s', better: 'higher' },
      { key: 'takeStreamPerSec', label: 'take$() stream (rxzk only)', unit: '/s', better: 'higher' },
    ],
    async run(ctx, lib, path) {
      return queueRun(ctx, lib, path, 'queue');
    },
  },
  {
    id: 'locking-queue',
    n: 7,
    title: 'queue, at least once: put 2,000 entries, then lock and ack them all — rxzk LockingQueue, Curator DistributedQueue with a lockPath, kazoo LockingQueue',
    libs: ['rxzk', 'curator', 'kazoo'],
    metrics: [
      { key: 'putPerSec', label: 'put (one at a time)', unit: '/s', better: 'higher' },
      { key: 'getPerSec', label: 'drain: take+ack until empty (kazoo get+consume; Curator its consumer)', unit: '/s', better: 'higher' },
      { key: 'takeStreamPerSec', label: 'take$() + ack stream (rxzk only)', unit: '/s', better: 'higher' },
    ],
    async run(ctx, lib, path) {
      return queueRun(ctx, lib, path, 'locking-queue');
    },
  },
  {
    id: 'curator-queue',
    n: 8,
    title: "Curator's queue layout, at most once: put 2,000 items, then take them all — rxzk DistributedQueue beside Curator's own",
    libs: ['rxzk', 'curator'],
    metrics: [
      { key: 'putPerSec', label: 'put (one at a time)', unit: '/s', better: 'higher' },
      { key: 'getPerSec', label: 'drain: the consumer until empty', unit: '/s', better: 'higher' },
    ],
    async run(ctx, lib, path) {
      return lib === 'rxzk' ? queueRun(ctx, lib, path, 'rxzk-curator-queue') : queueRun(ctx, lib, path, 'queue');
    },
  },
  {
    id: 'curator-locking-queue',
    n: 9,
    title: "Curator's queue layout with a lockPath, at least once: put 2,000 items, then lock and ack them all — rxzk DistributedQueue beside Curator's own",
    libs: ['rxzk', 'curator'],
    metrics: [
      { key: 'putPerSec', label: 'put (one at a time)', unit: '/s', better: 'higher' },
      { key: 'getPerSec', label: 'drain: lock+ack until empty', unit: '/s', better: 'higher' },
    ],
    async run(ctx, lib, path) {
      // Curator's program locks under `<path>-locks` (CuratorBench.queue); rxzk's uses the same.
      return lib === 'rxzk' ? queueRun(ctx, lib, path, 'rxzk-curator-queue', { lockPath: `${path}-locks` }) : queueRun(ctx, lib, path, 'locking-queue');
    },
  },
  {
    id: 'atomic-increment',
    n: 10,
    title: "atomic increments under contention, 8 clients × 100: rxzk Counter 'int64' and Curator DistributedAtomicLong with PromotedToLock, kazoo Counter",
    libs: ['rxzk', 'curator', 'kazoo'],
    metrics: [
      { key: 'opsPerSec', label: 'increments', unit: '/s', better: 'higher' },
      { key: 'value', label: 'final value', unit: '', better: 'check' },
    ],
    async run(ctx, lib, path) {
      const params = { path, lockPath: `${path}-lock`, clients: ctx.sz.counterClients, increments: ctx.sz.counterIncrements };
      const r = await runProgram(command(lib, ctx.classes, ctx.connect, 'atomic-increment', params));
      return { opsPerSec: Number(r.opsPerSec), value: Number(r.value) };
    },
  },
];

// ---- options -----------------------------------------------------------------------------------------

interface Options {
  rounds: number;
  only: string[];
  libs: Lib[];
  scale: number;
  out: string;
}

const USAGE = `usage: node --import tsx bench/recipes/run.ts [--rounds N] [--only ...] [--libs rxzk,curator,kazoo,socket] [--scale F] [--out file]
  --rounds N   measured rounds after the warm-up round (default 3)
  --only       workloads by number or name: ${WORKLOADS.map((w) => `${w.n}=${w.id}`).join(', ')}
  --libs       libraries (default all; rxzk is always run, ratios need it)
  --scale F    multiply the sizes by F (0.2 for a quick trial; not the reference sizes)
  --out file   JSON results (default bench/recipes/results.json)`;

function parseOptions(argv: string[]): Options {
  const o: Options = { rounds: 3, only: WORKLOADS.map((w) => w.id), libs: [...LIBS], scale: 1, out: join(HERE, 'results.json') };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--rounds':
        o.rounds = Number(value());
        if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new Error(`--rounds takes a positive integer\n${USAGE}`);
        break;
      case '--only':
        o.only = value()
          .split(',')
          .filter((s) => s !== '')
          .flatMap((s) => {
            const ws = WORKLOADS.filter((w) => w.id === s || String(w.n) === s);
            if (ws.length === 0) throw new Error(`unknown workload '${s}'\n${USAGE}`);
            return ws.map((w) => w.id);
          });
        break;
      case '--libs':
        o.libs = value()
          .split(',')
          .filter((s) => s !== '')
          .map((s) => {
            const l = LIBS.find((x) => x === s);
            if (l === undefined) throw new Error(`unknown library '${s}'\n${USAGE}`);
            return l;
          });
        if (!o.libs.includes('rxzk')) o.libs.unshift('rxzk');
        break;
      case '--scale':
        o.scale = Number(value());
        if (!(o.scale > 0)) throw new Error(`--scale takes a positive number\n${USAGE}`);
        break;
      case '--out':
        o.out = value();
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option '${argv[i]}'\n${USAGE}`);
    }
  }
  return o;
}

// ---- main --------------------------------------------------------------------------------------------

const log = (line: string): void => void process.stderr.write(line + '\n');
const load = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);

function commit(): string {
  try {
    const c = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty === '' ? c : `${c} (uncommitted changes in src/)`;
  } catch {
    return 'unknown';
  }
}

function compileCurator(): string {
  const missing = CURATOR_JARS.filter((jar) => !existsSync(jar));
  if (missing.length > 0) throw new Error(`Curator needs ${missing.join(', ')} (scripts/install-zookeeper.sh installs them)`);
  const dir = mkdtempSync(join(tmpdir(), 'rxzk-recipes-bench-'));
  execFileSync(javaTool('javac'), ['-nowarn', '-Xlint:-path', '-cp', CURATOR_JARS.join(':'), '-d', dir, join(HERE, 'CuratorBench.java')], { stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

/** root/d<i>/n<j>: 1 + dirs + dirs × leaves nodes, created in multi batches of 1,000. */
async function makeTree(zk: ZooKeeperClient, tree: string, sz: Sizes): Promise<string[]> {
  const paths = [tree];
  const leaves: string[] = [];
  for (let d = 0; d < sz.treeDirs; d++) {
    paths.push(`${tree}/d${d}`);
    for (let l = 0; l < sz.treeLeaves; l++) {
      paths.push(`${tree}/d${d}/n${l}`);
      leaves.push(`${tree}/d${d}/n${l}`);
    }
  }
  const batches: string[][] = [];
  for (let i = 0; i < paths.length; i += 1000) batches.push(paths.slice(i, i + 1000));
  for (const batch of batches) {
    const tx = zk.transaction();
    for (const p of batch) tx.create(p, Buffer.from('initial-value-of-a-node'));
    await lastValueFrom(tx.commit());
  }
  // The changes of workload 4: spread over the tree (every dir), treeChanges of them.
  const step = leaves.length / Math.min(sz.treeChanges, leaves.length);
  return Array.from({ length: Math.min(sz.treeChanges, leaves.length) }, (_, i) => leaves[Math.floor(i * step)]);
}

interface Row {
  workload: Workload;
  samples: Partial<Record<Lib, Record<string, number>[]>>;
  errors: Partial<Record<Lib, string[]>>;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const sz = sizes(o.scale);
  const started = Date.now();
  const loadStart = load();
  if (loadStart[0] > cpus().length) log(`note: load average ${loadStart.join(' ')} on ${cpus().length} CPUs — other processes compete; numbers will be noisier`);
  const workloads = WORKLOADS.filter((w) => o.only.includes(w.id));
  const commitStart = commit();
  log(`rxzk at ${commitStart}; recipes bench: ${o.rounds} rounds after a warm-up; workloads ${workloads.map((w) => w.id).join(',')}; libraries ${o.libs.join(',')}; load average ${loadStart.join(' ')}`);

  const classes = o.libs.includes('curator') ? compileCurator() : '';
  let server: StartedZooKeeper | null = null;
  let connect = process.env.ZOOKEEPER_CONNECT ?? '';
  if (connect === '') {
    server = await startZooKeeper({ jvmFlags: SERVER_JVM_FLAGS, connectionFactory: 'netty' });
    connect = server.connectString;
  }
  const zk = createClient({ hosts: connect, sessionTimeout: 30_000 });
  await zk.start();
  const root = `/rxzk-recipes-bench-${process.pid}-${Date.now()}`;
  await lastValueFrom(zk.create(root));
  const tree = `${root}/tree`;
  const ctx: Ctx = { zk, connect, classes, root, tree, leaves: [], sz, seq: 0 };
  if (workloads.some((w) => w.id === 'tree-cache')) ctx.leaves = await makeTree(zk, tree, sz);
  for (const w of workloads) await lastValueFrom(zk.create(`${root}/${w.id}`));

  const rows: Row[] = workloads.map((w) => ({ workload: w, samples: {}, errors: {} }));
  try {
    for (let round = 0; round <= o.rounds; round++) {
      const t = Date.now();
      for (const [wi, row] of rows.entries()) {
        const libs = row.workload.libs.filter((l) => o.libs.includes(l));
        const k = (round + wi) % libs.length;
        for (const lib of [...libs.slice(k), ...libs.slice(0, k)]) {
          const path = `${root}/${row.workload.id}/${lib}-${round}`;
          try {
            const m = await row.workload.run(ctx, lib, path);
            if (round > 0) (row.samples[lib] ??= []).push(m);
          } catch (err) {
            const msg = `round ${round}: ${err instanceof Error ? err.message : String(err)}`;
            (row.errors[lib] ??= []).push(msg);
            log(`${row.workload.id} ${lib}: ${msg}`);
          }
        }
      }
      log(`${round === 0 ? 'warm-up' : `round ${round}`} done in ${((Date.now() - t) / 1000).toFixed(1)} s (load ${load().join(' ')})`);
    }
  } finally {
    await lastValueFrom(zk.delete(root, { recursive: true })).catch(() => undefined);
    await zk.close();
    await server?.stop();
    if (classes !== '') rmSync(classes, { recursive: true, force: true });
  }

  const loadEnd = load();
  const results = rows.map((row) => {
    const medians: Partial<Record<Lib, Record<string, number | null>>> = {};
    for (const lib of LIBS) {
      const s = row.samples[lib];
      if (s === undefined) continue;
      medians[lib] = Object.fromEntries(row.workload.metrics.filter((m) => s.some((x) => m.key in x)).map((m) => [m.key, median(s.filter((x) => m.key in x).map((x) => x[m.key]))]));
    }
    const ratios: Record<string, Partial<Record<Lib, number>>> = {};
    for (const m of row.workload.metrics) {
      if (m.better === 'check') continue;
      const mine = medians.rxzk?.[m.key];
      for (const peer of LIBS.filter((l) => l !== 'rxzk')) {
        const theirs = medians[peer]?.[m.key];
        if (typeof mine === 'number' && typeof theirs === 'number' && theirs !== 0) (ratios[m.key] ??= {})[peer] = mine / theirs;
      }
    }
    return { id: row.workload.id, number: row.workload.n, title: row.workload.title, metrics: row.workload.metrics, samples: row.samples, medians, ratios, errors: row.errors };
  });
  const report = {
    meta: {
      date: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      /** At the start and at the end: each rxzk run compiles src/ as it is when its process starts. */
      commit: { start: commitStart, end: commit() },
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
      loadAverage: { start: loadStart, end: loadEnd },
      rounds: o.rounds,
      warmupRounds: 1,
      scale: o.scale,
      sizes: { ...sz, treeNodes: 1 + sz.treeDirs + sz.treeDirs * sz.treeLeaves },
      server: server === null ? `ZOOKEEPER_CONNECT=${connect}` : `local, Netty connection factory, ${SERVER_JVM_FLAGS.join(' ')}`,
      ratio: 'median(rxzk) / median(peer): above 1 is rxzk ahead on throughput (/s) rows, below 1 is rxzk ahead on ms, µs and MB rows',
    },
    results,
  };
  writeFileSync(o.out, JSON.stringify(report, null, 2) + '\n');
  console.log(table(results, o.libs));
  console.log(`\nload average: start ${loadStart.join(' ')}, end ${loadEnd.join(' ')} (${cpus().length} CPUs); ${o.rounds} rounds + warm-up in ${report.meta.durationSeconds} s; JSON in ${o.out}`);
  const errors = results.flatMap((r) => Object.entries(r.errors).map(([lib, e]) => `${r.id} ${lib}: ${(e ?? []).length} failed run(s)`));
  if (errors.length > 0) console.log(`errors: ${errors.join('; ')}`);
}

function table(results: { number: number; id: string; metrics: Metric[]; medians: Partial<Record<Lib, Record<string, number | null>>>; ratios: Record<string, Partial<Record<Lib, number>>> }[], libs: Lib[]): string {
  const peers = libs.filter((l) => l !== 'rxzk');
  const header = ['#', 'workload', 'metric', ...libs, ...peers.map((p) => `rxzk/${p}`)];
  const lines: string[][] = [];
  for (const r of results) {
    for (const m of r.metrics) {
      const cells = libs.map((l) => {
        const v = r.medians[l]?.[m.key];
        return typeof v === 'number' ? formatNumber(v) : '—';
      });
      if (cells.every((c) => c === '—')) continue;
      const arrow = m.better === 'higher' ? ' ↑' : m.better === 'lower' ? ' ↓' : '';
      const ratios = peers.map((p) => {
        const x = r.ratios[m.key]?.[p];
        return x === undefined ? '' : `${x.toFixed(2)}×`;
      });
      lines.push([String(r.number), r.id, `${m.label}${m.unit ? ` (${m.unit})` : ''}${arrow}`, ...cells, ...ratios]);
    }
  }
  const all = [header, ...lines];
  const width = header.map((_, i) => Math.max(...all.map((l) => l[i].length)));
  const fmt = (l: string[]) => `| ${l.map((c, i) => (i >= 3 ? c.padStart(width[i]) : c.padEnd(width[i]))).join(' | ')} |`;
  return [fmt(header), `|${width.map((w, i) => (i >= 3 ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|')}|`, ...lines.map(fmt)].join('\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
