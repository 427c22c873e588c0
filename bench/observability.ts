/**
 * What the operation stream and rxzk/opentelemetry cost (issue 22): workload (a) — 20,000 pipelined getData of
 * 100-byte nodes, every request issued at once — on a Netty server, for
 *
 *   main        the client as it was before issue 22 (the sources of `--baseline`, default `main`, extracted with
 *               `git archive` into bench/.baseline/ and compiled the same way as src/);
 *   unobserved  this client, nobody listening (zk.operations$ not subscribed);
 *   observed    this client, zk.operations$ and zk.connectionEvents$ subscribed (a counter);
 *   otel        this client instrumented by rxzk/opentelemetry, with the real SDK: an AsyncLocalStorage context
 *               manager, a BasicTracerProvider whose BatchSpanProcessor exports to nowhere, a MeterProvider with a
 *               reader (every span and every metric point is made; only the export is skipped).
 *
 *   npm run bench:observability                               # 1 warm-up + 9 rounds, about 2 min on 2 cores
 *   npm run bench:observability -- --rounds 5 --scale 0.5 --baseline main --out obs.json
 *   npm run bench:observability -- --variants main,unobserved --rounds 15   # the off cost alone, more samples
 *
 * Each round runs every variant twice, in an order rotated between turns and rounds (run.ts's method); each run
 * opens its own connection. The table gives the medians and each variant's ratio to `main`.
 */
import { SRC_LOADER } from './compile-hook';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { lastValueFrom } from 'rxjs';
import { createClient, type ClientOptions, type ZooKeeperClient } from '../src';
import { instrumentZooKeeper } from '../src/opentelemetry';
import { getPipelined, type NodeZk } from './clients/node-workloads';
import { rxzkNodeZk, type RxzkLike } from './clients/rxzk';
import { startBenchServer } from './server';
import { formatNumber, median, percentile } from './stats';
import type { Metrics } from './workloads';

const VARIANTS = ['main', 'unobserved', 'observed', 'otel'] as const;
type Variant = (typeof VARIANTS)[number];

interface Options {
  variants: Variant[];
  rounds: number;
  scale: number;
  baseline: string;
  out: string;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { variants: [...VARIANTS], rounds: 9, scale: 1, baseline: 'main', out: 'bench-observability.json' };
  for (let i = 0; i < argv.length; i++) {
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    switch (argv[i]) {
      case '--rounds':
        o.rounds = Number(value());
        if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new Error('--rounds takes a positive integer');
        break;
      case '--scale':
        o.scale = Number(value());
        if (!(o.scale > 0)) throw new Error('--scale takes a positive number');
        break;
      case '--baseline':
        o.baseline = value();
        break;
      case '--out':
        o.out = value();
        break;
      case '--variants':
        o.variants = value()
          .split(',')
          .map((v) => {
            const variant = VARIANTS.find((x) => x === v);
            if (variant === undefined) throw new Error(`unknown variant '${v}' (${VARIANTS.join(', ')})`);
            return variant;
          });
        if (!o.variants.includes('main')) o.variants.unshift('main');
        break;
      default:
        throw new Error(`unknown option '${argv[i]}' (--variants ${VARIANTS.join(',')}, --rounds N, --scale F, --baseline <git ref>, --out file)`);
    }
  }
  return o;
}

const git = (...args: string[]): string => execFileSync('git', args, { cwd: join(__dirname, '..'), encoding: 'utf8' }).trim();

/** The baseline's createClient: its sources extracted once per commit into bench/.baseline/<commit>/src. */
function loadBaseline(ref: string): { commit: string; createClient: (options: ClientOptions) => RxzkLike } {
  const commit = git('rev-parse', '--short', ref);
  const dir = join(__dirname, '.baseline', commit);
  if (!existsSync(join(dir, 'src', 'index.ts'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${commit} src | tar -x -C "${dir}"`], { cwd: join(__dirname, '..') });
  }
  // Another build of the sources, compiled by compile-hook.ts as src/ is.
  const baseline = require(join(dir, 'src', 'index.ts')) as { createClient: (options: ClientOptions) => RxzkLike };
  return { commit, createClient: baseline.createClient };
}

/** A span exporter that drops what it is given: every span is made and ended; only the export is skipped. */
class NoExport implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.spans += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

/** Collects only when asked (never, here): the instruments record as under any reader. */
class IdleReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const baseline = loadBaseline(options.baseline);
  const getCount = Math.max(100, Math.round(20_000 * options.scale));
  const params = { getCount, getSize: 100 };

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new NoExport();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 65_536, maxExportBatchSize: 4_096 })] });
  const meterProvider = new MeterProvider({ readers: [new IdleReader()] });

  const server = await startBenchServer('netty');
  const loadStart = loadavg();
  const setup = createClient({ hosts: server.connectString });
  const samples: Record<Variant, Metrics[]> = { main: [], unobserved: [], observed: [], otel: [] };
  try {
    await setup.start();
    const root = `/rxzk-obs-bench-${process.pid}`;
    await setup.create(root);
    const getPaths: string[] = [];
    for (let i = 0; i < 100; i++) getPaths.push(await setup.create(`${root}/n${i}`, Buffer.alloc(100, i)));
    const ctx = { params, fixtures: { getPaths } };

    const connect = async (variant: Variant): Promise<{ zk: NodeZk; done: () => void }> => {
      if (variant === 'main') {
        const zk = baseline.createClient({ hosts: server.connectString }) as RxzkLike & { start(): Promise<void> };
        await zk.start();
        return { zk: rxzkNodeZk(zk), done: () => undefined };
      }
      const zk: ZooKeeperClient = createClient({ hosts: server.connectString });
      let done = (): void => undefined;
      if (variant === 'observed') {
        let seen = 0;
        const records = zk.operations$.subscribe(() => seen++);
        records.add(zk.connectionEvents$.subscribe(() => seen++));
        done = () => records.unsubscribe();
      } else if (variant === 'otel') {
        done = instrumentZooKeeper(zk, { tracerProvider, meterProvider });
      }
      await zk.start();
      return { zk: rxzkNodeZk(zk), done };
    };

    for (let round = 0; round <= options.rounds; round++) {
      for (let turn = 0; turn < 2; turn++) {
        const variants = options.variants;
        const shift = (round * 2 + turn) % variants.length;
        const order = [...variants.slice(shift), ...variants.slice(0, shift)];
        for (const variant of order) {
          const { zk, done } = await connect(variant);
          try {
            const metrics = await getPipelined(zk, ctx);
            if (round > 0) samples[variant].push(metrics);
          } finally {
            await zk.close();
            done();
          }
        }
      }
      process.stderr.write(round === 0 ? 'warm-up done\n' : `round ${round}/${options.rounds}\n`);
    }
    await lastValueFrom(setup.delete(root, { recursive: true }));
  } finally {
    await setup.close();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
    await server.stop();
  }
  const loadEnd = loadavg();

  const values = (variant: Variant, key: 'opsPerSec' | 'cpuUsPerOp'): number[] => samples[variant].map((m) => m[key]);
  const med = (variant: Variant, key: 'opsPerSec' | 'cpuUsPerOp'): number => median(values(variant, key));
  // The quartiles: how far apart the runs of one variant are on this machine (the noise a ratio must clear).
  const quartiles = (variant: Variant, key: 'opsPerSec' | 'cpuUsPerOp'): [number, number] => [percentile(values(variant, key), 25), percentile(values(variant, key), 75)];
  const rows = options.variants.map((variant) => {
    const ops = med(variant, 'opsPerSec');
    const cpu = med(variant, 'cpuUsPerOp');
    return {
      variant,
      ops,
      opsQuartiles: quartiles(variant, 'opsPerSec'),
      cpu,
      cpuQuartiles: quartiles(variant, 'cpuUsPerOp'),
      opsRatio: ops / med('main', 'opsPerSec'),
      cpuRatio: cpu / med('main', 'cpuUsPerOp'),
    };
  });
  const round2 = (xs: number[]) => xs.map((x) => Math.round(x * 100) / 100);
  console.log(`\n(a) ${getCount.toLocaleString('en-US')} pipelined getData of 100-byte nodes, Netty; ${options.rounds} rounds × 2 runs per variant, medians`);
  console.log(`baseline ${options.baseline} = ${baseline.commit}; measured ${git('rev-parse', '--short', 'HEAD')}; src compiled by ${SRC_LOADER}`);
  console.log(`${cpus().length} CPUs; load average (1, 5, 15 min) ${round2(loadStart).join(', ')} at the start, ${round2(loadEnd).join(', ')} at the end\n`);
  console.log('| variant | ops/s ↑ median (quartiles) | ÷ main | client CPU µs/op ↓ median (quartiles) | ÷ main |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    const ops = `${formatNumber(r.ops)} (${r.opsQuartiles.map(formatNumber).join('–')})`;
    const cpu = `${r.cpu.toFixed(2)} (${r.cpuQuartiles.map((x) => x.toFixed(2)).join('–')})`;
    console.log(`| ${r.variant} | ${ops} | ${r.opsRatio.toFixed(2)}× | ${cpu} | ${r.cpuRatio.toFixed(2)}× |`);
  }
  writeFileSync(
    options.out,
    JSON.stringify(
      { workload: 'a', getCount, rounds: options.rounds, baseline: { ref: options.baseline, commit: baseline.commit }, loadAverage: { start: loadStart, end: loadEnd }, rows, samples, spansExported: exporter.spans },
      null,
      2,
    ),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
