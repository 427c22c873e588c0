/**
 * Profiles rxzk's hot paths (the material of bench/PROFILE.md):
 *
 *   node --expose-gc --import tsx bench/profile.ts [--only a,b,f,g] [--clients rxzk,nzc] [--dir DIR]
 *   RXZK_BENCH_FACTORY=nio node … bench/profile.ts   # the server's connection factory (default netty: there the client's cost shows)
 *
 * For (a) pipelined and (b) sequential getData: a CPU profile of the measured
 * iterations only (the inspector's Profiler, 50 µs sampling), summarised as
 * self time per function; allocations per request from V8's sampling heap
 * profiler with collected objects included (so it counts what was allocated,
 * not what survived), by allocation site; and garbage collections per 10,000
 * requests. For (f): what stays allocated per live watchData$ follow, by
 * allocation site. For (g): the time of start() and close() apart.
 * The raw .cpuprofile / .heapprofile files go to DIR (default: a temporary
 * directory) and open in Chrome DevTools.
 */
// First: how src/ is compiled (see compile-hook.ts).
import './compile-hook';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { HeapProfiler, Profiler } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { createClient } from '../src';
import { bigValues, createPipelined, getPipelined, getSequential, memory, type NodeClientKind, type NodeZk } from './clients/node-workloads';
import { nzcKind } from './clients/nzc';
import { rxzkKind } from './clients/rxzk';
import type { FanoutWriter, RunContext } from './driver';
import type { ZooKeeperClient } from '../src';
import { makeCreateParent, makeFixtures, removeCreateParent, removeFixtures } from './fixtures';
import { gcFunction } from './heap';
import { startBenchServer } from './server';
import { median } from './stats';
import { params } from './workloads';

const ROOT = join(__dirname, '..');

interface Args {
  only: string[];
  clients: string[];
  dir: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { only: ['a', 'b', 'c', 'd', 'f', 'g'], clients: ['rxzk'], dir: join(tmpdir(), `rxzk-profile-${process.pid}`) };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--only' && v !== undefined) (a.only = v.split(',')), i++;
    else if (argv[i] === '--clients' && v !== undefined) (a.clients = v.split(',')), i++;
    else if (argv[i] === '--dir' && v !== undefined) (a.dir = v), i++;
    else throw new Error(`usage: profile.ts [--only a,b,f,g] [--clients rxzk,nzc] [--dir DIR]`);
  }
  return a;
}

// ---- profile summaries ---------------------------------------------------------

/** 'function file:line' with the file relative to the repository. */
function site(frame: { functionName: string; url: string; lineNumber: number }): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  const file = frame.url.startsWith('file://') ? relative(ROOT, new URL(frame.url).pathname) : frame.url;
  return `${name} ${file}:${frame.lineNumber + 1}`;
}

/**
 * The inspector's own work while the profile is stopped and serialised (the
 * native `dispatch` of Profiler.stop, and its message handler): not the
 * workload's, so left out.
 */
const PROFILER_FRAMES = new Set(['dispatch', '#onMessage node:inspector:81']);

/** Self time per function of a CPU profile, in ms and % of the total (idle included in the total). */
function selfTimes(profile: Profiler.Profile): { site: string; ms: number; pct: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let all = 0;
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i]);
    const dt = deltas[i] ?? 0;
    if (node === undefined) continue;
    const key = site(node.callFrame);
    if (PROFILER_FRAMES.has(key)) continue;
    totals.set(key, (totals.get(key) ?? 0) + dt);
    all += dt;
  }
  return [...totals.entries()]
    .map(([s, us]) => ({ site: s, ms: us / 1000, pct: (100 * us) / all }))
    .sort((x, y) => y.ms - x.ms);
}

/** Bytes per allocation site of a sampling heap profile. */
function allocationSites(profile: HeapProfiler.SamplingHeapProfile): { site: string; bytes: number }[] {
  const totals = new Map<string, number>();
  const walk = (node: HeapProfiler.SamplingHeapProfileNode) => {
    if (node.selfSize > 0) {
      const key = site(node.callFrame);
      totals.set(key, (totals.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  return [...totals.entries()].map(([s, bytes]) => ({ site: s, bytes })).sort((x, y) => y.bytes - x.bytes);
}

function printTable(title: string, rows: string[][]): void {
  console.log(`\n${title}`);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log('  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}

// ---- measurements -----------------------------------------------------------------

async function cpuProfile(session: Session, run: () => Promise<void>): Promise<Profiler.Profile> {
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  await session.post('Profiler.start');
  await run();
  const { profile } = await session.post('Profiler.stop');
  await session.post('Profiler.disable');
  return profile;
}

async function heapSampling(session: Session, includeCollected: boolean, run: () => Promise<void>): Promise<HeapProfiler.SamplingHeapProfile> {
  // The two flags exist in V8's protocol (Node 20) but not yet in @types/node's.
  const options: HeapProfiler.StartSamplingParameterType & { includeObjectsCollectedByMajorGC: boolean; includeObjectsCollectedByMinorGC: boolean } = {
    samplingInterval: 128,
    includeObjectsCollectedByMajorGC: includeCollected,
    includeObjectsCollectedByMinorGC: includeCollected,
  };
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', options);
  await run();
  const { profile } = await session.post('HeapProfiler.stopSampling');
  await session.post('HeapProfiler.disable');
  return profile;
}

async function gcCount(run: () => Promise<void>): Promise<{ minor: number; major: number }> {
  const counts = { minor: 0, major: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const detail: unknown = (e as { detail?: unknown }).detail;
      const kind = typeof detail === 'object' && detail !== null && 'kind' in detail ? detail.kind : undefined;
      // NODE_PERFORMANCE_GC_MINOR = 1 (scavenge); the rest are major, incremental or weak-callback passes.
      if (kind === 1) counts.minor++;
      else counts.major++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  await run();
  await new Promise<void>((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return counts;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  mkdirSync(args.dir, { recursive: true });
  const gc = gcFunction();
  const p = params(1);
  const factory = process.env.RXZK_BENCH_FACTORY === 'nio' ? 'nio' : 'netty';
  const server = await startBenchServer(factory);
  console.log(`ZooKeeper with the ${factory} connection factory`);
  const setup = createClient({ hosts: server.connectString });
  await setup.start();
  const fixtures = await makeFixtures(setup, p, ['rxzk']);
  const noWriter: FanoutWriter = { write: () => Promise.reject(new Error('no writer in the profiler')) };
  const ctx: RunContext = { hosts: server.connectString, params: p, fixtures, writer: noWriter, createParent: '', fanoutValue: Buffer.alloc(0), gc };
  const session = new Session();
  session.connect();
  const kinds: NodeClientKind[] = [];
  if (args.clients.includes('rxzk')) kinds.push(rxzkKind('src'));
  if (args.clients.includes('nzc')) kinds.push(nzcKind('1.1.3'));
  console.log(`profiles in ${args.dir}`);
  try {
    const attempt = async (what: string, f: () => Promise<void>) => {
      try {
        await f();
      } catch (err) {
        console.log(`\n=== ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    for (const kind of kinds) {
      const plan = [
        ['a', 8, p.getCount],
        ['b', 4, p.seqCount],
        ['c', 4, p.createCount],
        ['d', 6, p.bigPairs * 2],
      ] as const;
      for (const [w, iterations, per] of plan) {
        if (!args.only.includes(w)) continue;
        await attempt(`${kind.name} (${w})`, async () => {
          const zk: NodeZk = await kind.connect(ctx.hosts);
          try {
            await profileRequests(session, kind.name, w, zk, setup, ctx, args.dir, iterations, per);
          } finally {
            await zk.close();
          }
        });
      }
      if (args.only.includes('f')) await attempt(`${kind.name} (f)`, () => profileMemory(session, kind, ctx, args.dir));
      if (args.only.includes('g')) await attempt(`${kind.name} (g)`, () => profileConnect(session, kind, ctx, args.dir));
    }
  } finally {
    session.disconnect();
    await removeFixtures(setup, fixtures).catch(() => undefined);
    await setup.close();
    await server.stop();
  }
}

async function profileRequests(
  session: Session,
  name: string,
  workload: 'a' | 'b' | 'c' | 'd',
  zk: NodeZk,
  setup: ZooKeeperClient,
  ctx: RunContext,
  dir: string,
  iterations: number,
  perIteration: number,
): Promise<void> {
  let created = 0;
  const once = async () => {
    switch (workload) {
      case 'a':
        return getPipelined(zk, ctx);
      case 'b':
        return getSequential(zk, ctx);
      case 'd':
        return bigValues(zk, ctx, ctx.fixtures.bigPath('rxzk'));
      case 'c': {
        // A fresh parent per iteration; making and removing it is outside the measured call but inside the profile.
        const parent = await makeCreateParent(setup, ctx.fixtures, `profile-${++created}`);
        try {
          return await createPipelined(zk, { ...ctx, createParent: parent });
        } finally {
          await removeCreateParent(setup, parent);
        }
      }
    }
  };
  const loop = async (n: number) => {
    const results = [];
    for (let i = 0; i < n; i++) results.push(await once());
    return results;
  };
  await loop(3); // warm-up: JIT and server
  const requests = iterations * perIteration;

  // Plain timing and GC counts, without a profiler attached.
  let metrics: Record<string, number>[] = [];
  ctx.gc();
  const gcs = await gcCount(async () => {
    metrics = await loop(iterations);
  });
  const summary = Object.keys(metrics[0])
    .map((k) => `${k} ${median(metrics.map((m) => m[k])).toFixed(1)}`)
    .join(', ');
  console.log(`\n=== ${name} (${workload}) ${iterations} × ${perIteration} requests: median ${summary}`);
  console.log(`  GC per 10,000 requests: ${((gcs.minor * 1e4) / requests).toFixed(1)} scavenges, ${((gcs.major * 1e4) / requests).toFixed(2)} major/other`);

  ctx.gc();
  const cpu = await cpuProfile(session, async () => void (await loop(iterations)));
  writeFileSync(join(dir, `${name}-${workload}.cpuprofile`), JSON.stringify(cpu));
  const times = selfTimes(cpu);
  const busy = times.filter((t) => t.site !== '(idle)').reduce((s, t) => s + t.ms, 0);
  const total = times.reduce((s, t) => s + t.ms, 0);
  printTable(
    `  top self time (profiled ${total.toFixed(0)} ms, of which not idle ${busy.toFixed(0)} ms; µs per request = self time / ${requests})`,
    [['function', 'ms', '% all', '% busy', 'µs/req'], ...times.slice(0, 25).map((t) => [
      t.site,
      t.ms.toFixed(1),
      t.pct.toFixed(1),
      t.site === '(idle)' ? '' : ((100 * t.ms) / busy).toFixed(1),
      ((t.ms * 1000) / requests).toFixed(2),
    ])],
  );

  ctx.gc();
  const heap = await heapSampling(session, true, async () => void (await loop(Math.max(1, iterations / 2))));
  writeFileSync(join(dir, `${name}-${workload}.heapprofile`), JSON.stringify(heap));
  const sampled = (Math.max(1, iterations / 2)) * perIteration;
  const sites = allocationSites(heap);
  const allBytes = sites.reduce((s, x) => s + x.bytes, 0);
  printTable(
    `  allocated per request (sampling heap profiler, collected objects included): ${(allBytes / sampled).toFixed(0)} B/request in all`,
    [['allocation site', 'B/req', '%'], ...sites.slice(0, 20).map((x) => [x.site, (x.bytes / sampled).toFixed(1), ((100 * x.bytes) / allBytes).toFixed(1)])],
  );
}

/** A heap snapshot of this process, summarised as count and self size per kind of object. */
async function heapCensus(session: Session): Promise<Map<string, { count: number; bytes: number }>> {
  const chunks: string[] = [];
  const onChunk = (m: { params: { chunk: string } }) => chunks.push(m.params.chunk);
  session.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await session.post('HeapProfiler.disable');
  session.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const snapshot = JSON.parse(chunks.join('')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const census = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]];
    const name = snapshot.strings[snapshot.nodes[i + nameAt]];
    let key: string;
    if (type === 'object') key = name;
    else if (type === 'closure') key = `closure ${name === '' ? '(anonymous)' : name}`;
    else if (type === 'array' || type === 'hidden' || type === 'native') key = `(${type}) ${name.length > 40 ? name.slice(0, 40) + '…' : name}`;
    else key = `(${type})`;
    const entry = census.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snapshot.nodes[i + sizeAt];
    census.set(key, entry);
  }
  return census;
}

async function profileMemory(session: Session, kind: NodeClientKind, ctx: RunContext, dir: string): Promise<void> {
  const n = ctx.fixtures.memoryPaths.length;
  // As in the bench: a fresh client follows the nodes (its tables grow from empty); then again on the same client.
  const fresh = await kind.connect(ctx.hosts);
  const first = await memory(fresh, ctx);
  const again = await memory(fresh, ctx);
  await fresh.close();
  console.log(
    `\n=== ${kind.name} (f) ${n} follows: ${first.heapBytesPerWatch.toFixed(0)} B heapUsed per watch on a fresh client ` +
      `(${again.heapBytesPerWatch.toFixed(0)} B the second time on the same client), ${first.setupMs.toFixed(0)} ms to follow all`,
  );
  const zk = await kind.connect(ctx.hosts);
  try {

    // The harness's part made first, outside both readings: one callback per node and the array of follows.
    const follows = new Array<{ unsubscribe(): void } | null>(n).fill(null);
    let seen = 0;
    let allSeen: () => void = () => undefined;
    const seenAll = new Promise<void>((resolve) => (allSeen = resolve));
    const callbacks = ctx.fixtures.memoryPaths.map(() => {
      let first = true;
      return () => {
        if (first) {
          first = false;
          if (++seen === n) allSeen();
        }
      };
    });
    let errors = 0;
    const onError = (err: Error) => {
      // Once: a client that lost its session (a snapshot blocks this process for seconds) fails every follow.
      if (errors++ === 0) console.log(`  follow failed: ${err.message}`);
    };
    const follow = async () => {
      for (let i = 0; i < n; i++) follows[i] = zk.follow(ctx.fixtures.memoryPaths[i], callbacks[i], onError);
      await seenAll;
      await new Promise<void>((resolve) => setTimeout(resolve, 50));
    };

    // What the follows hold, by kind of object: a heap snapshot before and after (snapshots keep only what is reachable).
    ctx.gc();
    const before = await heapCensus(session);
    await follow();
    ctx.gc();
    const after = await heapCensus(session);
    const rows: { key: string; count: number; bytes: number }[] = [];
    for (const [key, a] of after) {
      const b = before.get(key) ?? { count: 0, bytes: 0 };
      if (a.bytes - b.bytes > 0) rows.push({ key, count: a.count - b.count, bytes: a.bytes - b.bytes });
    }
    rows.sort((x, y) => y.bytes - x.bytes);
    const total = rows.reduce((sum, r) => sum + r.bytes, 0);
    printTable(`  retained per watch on a fresh client, by kind of object (heap snapshots before/after; self sizes): ${(total / n).toFixed(0)} B/watch`, [
      ['object (constructor, closure name or V8 type)', 'count/watch', 'B/watch', '%'],
      ...rows.slice(0, 25).map((r) => [r.key, (r.count / n).toFixed(2), (r.bytes / n).toFixed(1), ((100 * r.bytes) / total).toFixed(1)]),
    ]);
    for (const f of follows) f?.unsubscribe();
    follows.fill(null);

    // Where those objects were allocated: the sampling heap profiler, live objects only.
    seen = 0;
    const seenAgain = new Promise<void>((resolve) => (allSeen = resolve));
    for (let i = 0; i < n; i++) {
      let first = true;
      callbacks[i] = () => {
        if (first) {
          first = false;
          if (++seen === n) allSeen();
        }
      };
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 200));
    ctx.gc();
    const live = await heapSampling(session, false, async () => {
      for (let i = 0; i < n; i++) follows[i] = zk.follow(ctx.fixtures.memoryPaths[i], callbacks[i], onError);
      await seenAgain;
      ctx.gc();
    });
    for (const f of follows) f?.unsubscribe();
    writeFileSync(join(dir, `${kind.name}-f.heapprofile`), JSON.stringify(live));
    const sites = allocationSites(live);
    const allBytes = sites.reduce((sum, x) => sum + x.bytes, 0);
    printTable(
      `  live after following, per watch, by allocation site (sampling heap profiler; inlined frames are credited to their caller): ${(allBytes / n).toFixed(0)} B/watch`,
      [['allocation site', 'B/watch', '%'], ...sites.slice(0, 20).map((x) => [x.site, (x.bytes / n).toFixed(1), ((100 * x.bytes) / allBytes).toFixed(1)])],
    );
  } finally {
    await zk.close();
  }
}

async function profileConnect(session: Session, kind: NodeClientKind, ctx: RunContext, dir: string): Promise<void> {
  const n = 100;
  const starts: number[] = [];
  const closes: number[] = [];
  const run = async () => {
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      const zk = await kind.connect(ctx.hosts);
      const t1 = process.hrtime.bigint();
      await zk.close();
      const t2 = process.hrtime.bigint();
      starts.push(Number(t1 - t0) / 1e6);
      closes.push(Number(t2 - t1) / 1e6);
    }
  };
  await run();
  starts.length = 0;
  closes.length = 0;
  await run();
  console.log(`\n=== ${kind.name} (g) ${n} connect+close: connect median ${median(starts).toFixed(2)} ms, close median ${median(closes).toFixed(2)} ms`);
  const cpu = await cpuProfile(session, run);
  writeFileSync(join(dir, `${kind.name}-g.cpuprofile`), JSON.stringify(cpu));
  const times = selfTimes(cpu);
  const total = times.reduce((s, t) => s + t.ms, 0);
  printTable(`  top self time (profiled ${total.toFixed(0)} ms)`, [
    ['function', 'ms', '%'],
    ...times.slice(0, 15).map((t) => [t.site, t.ms.toFixed(1), t.pct.toFixed(1)]),
  ]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
