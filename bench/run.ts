/**
 * rxzk side by side with node-zookeeper-client, the native `zookeeper`
 * binding, kazoo and a raw-socket ceiling.
 *
 *   npm run bench                                   # local servers from rxzk/testing (Netty, then NIO), 1 warm-up + 5 rounds each
 *   npm run bench -- --factory netty                # one connection factory only
 *   npm run bench -- --rounds 7 --only a,b --clients rxzk,nzc,raw --out results.json
 *   ZOOKEEPER_CONNECT=127.0.0.1:2181 npm run bench  # an existing server
 *
 * Every workload runs for every client in each round; within a round the
 * clients take turns in an order rotated from round to round, so drift (JIT,
 * server heap, disk) spreads over all of them. The warm-up round is not
 * counted. Medians over the rounds are printed as a table, with the ratio of
 * rxzk to each peer, and written as JSON to `--out`.
 *
 * Every workload runs against a server on each connection factory (issue 14): on NIO one connection's
 * pipelined reads are throttled by the server, so every client lands near the same number; on Netty a raw
 * socket goes several times faster and the client's own cost shows. The raw socket is the ceiling on both.
 */
// First: how src/ is compiled (see compile-hook.ts).
import { SRC_LOADER } from './compile-hook';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { createClient } from '../src';
import { rawDriver } from './clients/raw';
import { rxzkDriver } from './clients/rxzk';
import { rxzkAwaitDriver } from './clients/rxzk-await';
import { nzcDriver } from './clients/nzc';
import { loadNative, nativeDriver } from './clients/native';
import { startKazoo } from './clients/kazoo';
import { errorMessage, type Driver, type RunContext } from './driver';
import { makeCreateParent, makeFixtures, removeCreateParent, removeFixtures } from './fixtures';
import { gcFunction } from './heap';
import { formatNumber, median } from './stats';
import { startBenchServer } from './server';
import { WriterProcess } from './writer-proxy';
import {
  CLIENT_NAMES,
  CLIENT_TITLES,
  WORKLOADS,
  params as makeParams,
  type ClientName,
  type Metrics,
  type Params,
  type WorkloadId,
  type WorkloadSpec,
} from './workloads';

// ---- options -----------------------------------------------------------------

interface Options {
  rounds: number;
  only: WorkloadId[];
  clients: ClientName[];
  out: string;
  scale: number;
  factories: ServerFactory[];
}

/** The servers' connection factories (`serverCnxnFactory`), in the order they run. */
type ServerFactory = 'netty' | 'nio';
const FACTORIES: readonly ServerFactory[] = ['netty', 'nio'];

const USAGE = `usage: npm run bench -- [--rounds N] [--only a,b,...] [--clients ${CLIENT_NAMES.join(',')}] [--out file] [--scale F]
  --rounds N    measured rounds after the warm-up round (default 5, at least 1)
  --only        workloads by letter or name: ${WORKLOADS.map((w) => `${w.id}=${w.name}`).join(', ')}
  --clients     clients to run (default all): ${CLIENT_NAMES.join(', ')}
  --out file    JSON results (default bench-results.json)
  --scale F     multiply the operation counts by F (e.g. 0.1 for a quick trial; results are then not the reference sizes)
  --factory     the servers' connection factories, in order (default netty,nio; ignored with ZOOKEEPER_CONNECT)`;

function parseOptions(argv: string[]): Options {
  const o: Options = { rounds: 5, only: WORKLOADS.map((w) => w.id), clients: [...CLIENT_NAMES], out: 'bench-results.json', scale: 1, factories: [...FACTORIES] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--rounds': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new Error(`--rounds takes a positive integer\n${USAGE}`);
        o.rounds = n;
        break;
      }
      case '--only':
        o.only = value()
          .split(',')
          .filter((s) => s !== '')
          .map((s) => {
            const w = WORKLOADS.find((x) => x.id === s || x.name === s);
            if (w === undefined) throw new Error(`unknown workload '${s}'\n${USAGE}`);
            return w.id;
          });
        break;
      case '--clients':
        o.clients = value()
          .split(',')
          .filter((s) => s !== '')
          .map((s) => {
            const c = CLIENT_NAMES.find((x) => x === s);
            if (c === undefined) throw new Error(`unknown client '${s}'\n${USAGE}`);
            return c;
          });
        break;
      case '--out':
        o.out = value();
        break;
      case '--scale': {
        const f = Number(value());
        if (!(f > 0)) throw new Error(`--scale takes a positive number\n${USAGE}`);
        o.scale = f;
        break;
      }
      case '--factory':
        o.factories = value()
          .split(',')
          .filter((s) => s !== '')
          .map((s) => {
            const f = FACTORIES.find((x) => x === s);
            if (f === undefined) throw new Error(`unknown connection factory '${s}'\n${USAGE}`);
            return f;
          });
        if (o.factories.length === 0) throw new Error(`--factory needs at least one of ${FACTORIES.join(', ')}\n${USAGE}`);
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option '${arg}'\n${USAGE}`);
    }
  }
  return o;
}

// ---- helpers -------------------------------------------------------------------

/** The commit measured, and src/ files that differ from it (read-only git queries; 'unknown' without git). */
function sourceState(): { commit: string; dirtySrc: string[] } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: join(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const dirty = git('status', '--porcelain', '--', 'src');
    return { commit: git('rev-parse', '--short', 'HEAD'), dirtySrc: dirty === '' ? [] : dirty.split('\n').map((l) => l.slice(3)) };
  } catch {
    return { commit: 'unknown', dirtySrc: [] };
  }
}

function log(line: string): void {
  process.stderr.write(line + '\n');
}

function packageVersion(name: string): string {
  try {
    const pkg: unknown = require(`${name}/package.json`);
    return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : '?';
  } catch {
    return '?';
  }
}

// ---- results -------------------------------------------------------------------

interface Cell {
  samples: number[];
  median: number | null;
}

interface ClientResult {
  /** metric key → samples and median. */
  metrics: Record<string, Cell>;
  errors: string[];
  /** Why this client has no numbers here, when it has none. */
  unavailable?: string;
}

interface WorkloadResult {
  id: WorkloadId;
  name: string;
  title: string;
  metrics: { key: string; label: string; unit: string; better: 'higher' | 'lower'; check: boolean }[];
  clients: Partial<Record<ClientName, ClientResult>>;
  /** metric key → peer → median(rxzk) / median(peer). */
  ratios: Record<string, Partial<Record<ClientName, number>>>;
  /** The same for the awaited form: metric key → peer → median(rxzk-await) / median(peer). */
  awaitRatios: Record<string, Partial<Record<ClientName, number>>>;
}

/** rxzk's two forms, each compared with every peer. */
const SUBJECTS = ['rxzk', 'rxzk-await'] as const;
const isPeer = (c: ClientName): boolean => !(SUBJECTS as readonly ClientName[]).includes(c);

// ---- main ----------------------------------------------------------------------

/** What one server (one connection factory) gave. */
interface ServerRun {
  factory: ServerFactory | 'external';
  server: { hosts: string; source: string; version: string };
  workloads: WorkloadResult[];
  drivers: Partial<Record<ClientName, Driver>>;
  unavailable: Partial<Record<ClientName, string>>;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const p = makeParams(options.scale);
  const started = Date.now();
  const loadStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const source = sourceState();
  const workloads = WORKLOADS.filter((w) => options.only.includes(w.id));

  if (loadStart[0] > cpus().length) log(`note: load average ${loadStart.join(' ')} on ${cpus().length} CPUs — other processes compete; numbers will be noisier`);
  log(`rxzk at ${source.commit}${source.dirtySrc.length > 0 ? ` with uncommitted changes in ${source.dirtySrc.join(', ')}` : ''}`);
  log(`rxzk bench: ${options.rounds} rounds after a warm-up round; workloads ${workloads.map((w) => w.id).join(',')}; clients ${options.clients.join(',')}`);
  // An existing server has whatever factory it has: one run.
  const factories: (ServerFactory | 'external')[] = process.env.ZOOKEEPER_CONNECT ? ['external'] : options.factories;
  const runs: ServerRun[] = [];
  for (const factory of factories) runs.push(await runOnServer(factory, options, p, workloads));

  const report = {
    meta: {
      date: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
      memoryGB: Math.round(totalmem() / 2 ** 30),
      rounds: options.rounds,
      warmupRounds: 1,
      scale: options.scale,
      rxzkCompiledBy: SRC_LOADER,
      rxzkSource: source,
      loadAverage: { start: loadStart, end: loadavg().map((x) => Math.round(x * 100) / 100) },
      params: p,
      ratio: 'ratios: median(rxzk) / median(peer), awaitRatios: median(rxzk-await) / median(peer); for throughput higher is better for rxzk, for times, CPU and memory lower is',
    },
    clients: Object.fromEntries(
      options.clients.map((c) => {
        const loaded = runs.find((r) => r.drivers[c] !== undefined);
        return [c, { title: CLIENT_TITLES[c], version: loaded?.drivers[c]?.version ?? null, unavailable: runs[0]?.unavailable[c] ?? null }];
      }),
    ),
    servers: runs.map((r) => ({ factory: r.factory, server: r.server, workloads: r.workloads })),
  };
  writeFileSync(options.out, JSON.stringify(report, null, 2) + '\n');
  for (const r of runs) {
    console.log(`\n=== ZooKeeper ${r.server.version} (${r.server.source}), connection factory: ${r.factory}`);
    console.log(table(r.workloads, options.clients));
  }
  console.log(legend(options.clients, runs[0]?.drivers ?? {}, runs[0]?.unavailable ?? {}));
  console.log(
    `\n${options.rounds} rounds + 1 warm-up per server in ${report.meta.durationSeconds} s; rxzk ${source.commit}${source.dirtySrc.length > 0 ? '+changes' : ''}; ` +
      `servers ${runs.map((r) => r.factory).join(', ')}; load average ${loadStart[0]} → ${report.meta.loadAverage.end[0]} on ${cpus().length} CPUs; JSON in ${options.out}`,
  );
}

/** Every workload, every client, every round, against one server started with `factory`. */
async function runOnServer(factory: ServerFactory | 'external', options: Options, p: Params, workloads: WorkloadSpec[]): Promise<ServerRun> {
  const gc = gcFunction();
  const server = await startBenchServer(factory === 'external' ? undefined : factory);
  const hosts = server.connectString;
  log(`ZooKeeper at ${hosts} (${server.source}; connection factory ${factory})`);

  const setup = createClient({ hosts });
  await setup.start();
  const serverVersion = await firstValueFrom(setup.serverVersion()).catch(() => '?');

  // Drivers; one that cannot load keeps its reason instead.
  const drivers: Partial<Record<ClientName, Driver>> = {};
  const unavailable: Partial<Record<ClientName, string>> = {};
  for (const name of options.clients) {
    try {
      switch (name) {
        case 'rxzk':
          drivers.rxzk = rxzkDriver(`${packageVersion('..')} (src/)`);
          break;
        case 'rxzk-await':
          drivers['rxzk-await'] = rxzkAwaitDriver(`${packageVersion('..')} (src/)`);
          break;
        case 'nzc':
          drivers.nzc = nzcDriver(packageVersion('node-zookeeper-client'));
          break;
        case 'native':
          drivers.native = nativeDriver(loadNative());
          break;
        case 'kazoo':
          drivers.kazoo = await startKazoo();
          break;
        case 'raw':
          drivers.raw = rawDriver();
          break;
      }
    } catch (err) {
      unavailable[name] = errorMessage(err).replace(/\s*\n\s*/g, ' ');
      log(`  ${name}: unavailable: ${unavailable[name]}`);
    }
  }
  for (const [name, d] of Object.entries(drivers)) log(`  ${name}: ${d.version}`);

  const writer = new WriterProcess();
  await writer.connect(hosts);
  log('making the nodes…');
  const fixtures = await makeFixtures(setup, p, options.clients);

  // samples[workload][client][metric]
  const samples = new Map<WorkloadId, Map<ClientName, { metrics: Map<string, number[]>; errors: string[] }>>();
  const record = (w: WorkloadId, c: ClientName, m: Metrics | null, error: string | null) => {
    let byClient = samples.get(w);
    if (!byClient) samples.set(w, (byClient = new Map()));
    let entry = byClient.get(c);
    if (!entry) byClient.set(c, (entry = { metrics: new Map(), errors: [] }));
    if (error !== null) entry.errors.push(error);
    if (m !== null) {
      for (const [k, v] of Object.entries(m)) {
        const list = entry.metrics.get(k) ?? [];
        list.push(v);
        entry.metrics.set(k, list);
      }
    }
  };

  let runCounter = 0;
  const totalRounds = options.rounds + 1;
  try {
    for (let round = 0; round < totalRounds; round++) {
      const warmup = round === 0;
      const roundStart = Date.now();
      for (const w of workloads) {
        const present = options.clients.filter((c) => w.clients.includes(c) && drivers[c] !== undefined);
        // Each pass is a full turn of every client, in an order rotated by one from the previous turn.
        const order: ClientName[] = [];
        const passes = warmup ? 1 : w.passes;
        for (let pass = 0; pass < passes; pass++) {
          const shift = round * w.passes + pass;
          for (let i = 0; i < present.length; i++) order.push(present[(i + shift) % present.length]);
        }
        const parts: string[] = [];
        for (const c of order) {
          const driver = drivers[c];
          if (driver === undefined) continue;
          const tag = `${c}-r${round}-${++runCounter}`;
          const ctx: RunContext = {
            hosts,
            params: p,
            fixtures,
            writer,
            createParent: w.id === 'c' ? await makeCreateParent(setup, fixtures, tag) : '',
            fanoutValue: Buffer.from(`value ${tag}`.padEnd(100, '.')),
            gc,
          };
          // A forced full GC shrinks V8's heap, and the next run then pays for growing it again: more so the more it
          // allocates (in (d), 1 MB buffers). So only before the runs that measure memory and handles; elsewhere the
          // rotation spreads one client's garbage over the others' runs evenly.
          if (w.id === 'f' || w.id === 'g') gc();
          const t = Date.now();
          try {
            const m = await driver.run(w.id, ctx);
            if (w.id === 'c') {
              const made = await removeCreateParent(setup, ctx.createParent);
              if (made !== p.createCount) throw new Error(`${made} nodes were created, not ${p.createCount}`);
            }
            if (!warmup) record(w.id, c, m, null);
            parts.push(`${c} ${((Date.now() - t) / 1000).toFixed(1)}s`);
          } catch (err) {
            const message = errorMessage(err);
            record(w.id, c, null, `${warmup ? 'warm-up: ' : ''}${message}`);
            parts.push(`${c} FAILED`);
            log(`    ${w.id} ${c}: ${message}`);
            if (w.id === 'c') await removeCreateParent(setup, ctx.createParent).catch(() => undefined);
          }
        }
        log(`  ${warmup ? 'warm-up' : `round ${round}/${options.rounds}`} ${w.id}: ${parts.join(', ')}`);
      }
      log(`  ${warmup ? 'warm-up' : `round ${round}`} took ${((Date.now() - roundStart) / 1000).toFixed(0)} s`);
    }
  } finally {
    await removeFixtures(setup, fixtures).catch((err: unknown) => log(`cleanup: ${errorMessage(err)}`));
    await writer.close();
    for (const d of Object.values(drivers)) await d.dispose();
    await setup.close();
    await server.stop();
  }

  const results: WorkloadResult[] = workloads.map((w) => summarize(w, p, samples.get(w.id), options.clients, unavailable, drivers));
  return { factory, server: { hosts, source: server.source, version: serverVersion }, workloads: results, drivers, unavailable };
}

function summarize(
  w: WorkloadSpec,
  p: Params,
  byClient: Map<ClientName, { metrics: Map<string, number[]>; errors: string[] }> | undefined,
  clients: readonly ClientName[],
  unavailable: Partial<Record<ClientName, string>>,
  drivers: Partial<Record<ClientName, Driver>>,
): WorkloadResult {
  const out: WorkloadResult = {
    id: w.id,
    name: w.name,
    title: w.title(p),
    metrics: w.metrics.map((m) => ({ key: m.key, label: m.label, unit: m.unit, better: m.better, check: m.check === true })),
    clients: {},
    ratios: {},
    awaitRatios: {},
  };
  for (const c of clients) {
    if (!w.clients.includes(c)) continue;
    const entry = byClient?.get(c);
    const result: ClientResult = { metrics: {}, errors: entry?.errors ?? [] };
    if (drivers[c] === undefined) result.unavailable = unavailable[c] ?? 'not loaded';
    for (const m of w.metrics) {
      const s = entry?.metrics.get(m.key) ?? [];
      result.metrics[m.key] = { samples: s, median: s.length > 0 ? median(s) : null };
    }
    out.clients[c] = result;
  }
  for (const subject of SUBJECTS) {
    const into = subject === 'rxzk' ? out.ratios : out.awaitRatios;
    for (const m of w.metrics) {
      const mine = out.clients[subject]?.metrics[m.key]?.median ?? null;
      const ratios: Partial<Record<ClientName, number>> = {};
      for (const c of clients) {
        if (!isPeer(c)) continue;
        const theirs = out.clients[c]?.metrics[m.key]?.median ?? null;
        if (mine !== null && theirs !== null && theirs !== 0) ratios[c] = mine / theirs;
      }
      into[m.key] = ratios;
    }
  }
  return out;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

function table(results: WorkloadResult[], clients: readonly ClientName[]): string {
  const peers = clients.filter(isPeer);
  const subjects = SUBJECTS.filter((s) => clients.includes(s));
  const header = [
    'metric',
    'unit',
    ...clients,
    ...subjects.flatMap((s) => peers.map((c) => `${s === 'rxzk' ? 'rxzk' : 'await'}/${c}`)),
  ];
  const rows: string[][] = [];
  const sections: { title: string; from: number }[] = [];
  for (const r of results) {
    sections.push({ title: r.title, from: rows.length });
    for (const m of r.metrics) {
      const cells = clients.map((c) => {
        const cr = r.clients[c];
        if (cr === undefined) return '—';
        if (cr.unavailable !== undefined) return 'n/a';
        const v = cr.metrics[m.key]?.median ?? null;
        if (v === null) return cr.errors.length > 0 ? 'failed' : '—';
        return formatNumber(v) + (cr.errors.some((e) => !e.startsWith('warm-up')) ? '*' : '');
      });
      const ratios = subjects.flatMap((s) =>
        peers.map((c) => {
          const v = (s === 'rxzk' ? r.ratios : r.awaitRatios)[m.key]?.[c];
          return v === undefined || m.check ? '—' : `${v.toFixed(2)}×`;
        }),
      );
      rows.push([`${m.label} (${m.better === 'higher' ? '↑' : '↓'})`, m.unit, ...cells, ...ratios]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i], i >= 2)).join('  ');
  const lines: string[] = ['', line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  let s = 0;
  rows.forEach((row, i) => {
    while (s < sections.length && sections[s].from === i) lines.push(sections[s++].title);
    lines.push(line(row));
  });
  lines.push(
    '',
    'Medians over the measured rounds. ↑ higher is better, ↓ lower is better. rxzk/peer = median(rxzk) ÷ median(peer),',
    'await/peer = median(rxzk-await) ÷ median(peer): above 1× means rxzk is ahead on ↑ rows, below 1× means rxzk is ahead',
    'on ↓ rows. * = some rounds failed (see the JSON).',
  );
  return lines.join('\n');
}

function legend(
  clients: readonly ClientName[],
  drivers: Partial<Record<ClientName, Driver>>,
  unavailable: Partial<Record<ClientName, string>>,
): string {
  const lines = ['', 'clients:'];
  for (const c of clients) {
    const d = drivers[c];
    lines.push(`  ${pad(c, 10)} ${CLIENT_TITLES[c]}: ${d ? d.version : `UNAVAILABLE — ${unavailable[c] ?? '?'}`}`);
  }
  lines.push(
    'notes:',
    `  rxzk's src/ compiled by ${SRC_LOADER} (RXZK_BENCH_LOADER=tsx to compile it with tsx instead; see bench/compile-hook.ts).`,
    '  CPU per op is the whole client process (process.cpuUsage for Node, including the native binding\'s C code; time.process_time for kazoo).',
    '  (f) heap per watch: heapUsed after a forced GC, before vs after following; kazoo: tracemalloc (Python allocations) instead.',
    '      The native binding keeps its watch state in C, which heapUsed does not see (heap+external neither).',
    '  (g) handles left: process.getActiveResourcesInfo() above the baseline 3 s after the last close (kazoo: threads); fds: /proc/self/fd.',
  );
  return lines.join('\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
