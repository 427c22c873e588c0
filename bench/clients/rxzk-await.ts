// rxzk, awaited: the same workloads (a)–(d) written as a program that wants one value per request writes them —
// `await zk.get(path)` in a loop, `await Promise.all(paths.map((p) => zk.get(p)))` for a burst — against the
// callback form of clients/rxzk.ts. (e)–(g) follow nodes and connect: there is nothing to await that differs.
import { createClient, type ZooKeeperClient } from '../../src';
import type { Driver, RunContext } from '../driver';
import { ns, withTimeout } from '../driver';
import { percentile } from '../stats';
import type { Metrics, WorkloadId } from '../workloads';
import { bigValuePair } from './node-workloads';

const RUN_TIMEOUT = 120_000;

export function rxzkAwaitDriver(version: string): Driver {
  return {
    name: 'rxzk-await',
    version,
    run: (workload, ctx) => withTimeout(runWorkload(workload, ctx), RUN_TIMEOUT, `rxzk-await ${workload}`),
    dispose: async () => undefined,
  };
}

async function runWorkload(workload: WorkloadId, ctx: RunContext): Promise<Metrics> {
  const zk = createClient({ hosts: ctx.hosts });
  await zk.start();
  try {
    switch (workload) {
      case 'a':
        return await getPipelined(zk, ctx);
      case 'b':
        return await getSequential(zk, ctx);
      case 'c':
        return await createPipelined(zk, ctx);
      case 'd':
        return await bigValues(zk, ctx);
      default:
        throw new Error(`rxzk-await runs (a)–(d), not (${workload})`);
    }
  } finally {
    await zk.close();
  }
}

/** (a) every get issued at once and awaited together. */
async function getPipelined(zk: ZooKeeperClient, ctx: RunContext): Promise<Metrics> {
  const { getCount: n, getSize } = ctx.params;
  const paths = ctx.fixtures.getPaths;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const gets = new Array<PromiseLike<{ data: Buffer }>>(n);
  for (let i = 0; i < n; i++) gets[i] = zk.get(paths[i % paths.length]);
  const replies = await Promise.all(gets);
  const t1 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  let bytes = 0;
  for (const r of replies) bytes += r.data.length;
  if (bytes !== n * getSize) throw new Error(`read ${bytes} bytes, expected ${n * getSize}`);
  return { opsPerSec: n / (ns(t0, t1) / 1e9), cpuUsPerOp: (cpu.user + cpu.system) / n };
}

/** (b) one get at a time, each awaited before the next. */
async function getSequential(zk: ZooKeeperClient, ctx: RunContext): Promise<Metrics> {
  const n = ctx.params.seqCount;
  const paths = ctx.fixtures.getPaths;
  const latencies = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    const { data } = await zk.get(paths[i % paths.length]);
    latencies[i] = ns(t, process.hrtime.bigint()) / 1e3;
    if (data.length === 0) throw new Error('no data');
  }
  return { p50Us: percentile(latencies, 50), p99Us: percentile(latencies, 99) };
}

/** (c) every create issued at once under a fresh parent and awaited together. */
async function createPipelined(zk: ZooKeeperClient, ctx: RunContext): Promise<Metrics> {
  const { createCount: n, createSize } = ctx.params;
  const data = Buffer.alloc(createSize, 0x63);
  const paths = Array.from({ length: n }, (_, i) => `${ctx.createParent}/n${i}`);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const creates = new Array<PromiseLike<string>>(n);
  for (let i = 0; i < n; i++) creates[i] = zk.create(paths[i], data);
  await Promise.all(creates);
  const t1 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  return { opsPerSec: n / (ns(t0, t1) / 1e9), cpuUsPerOp: (cpu.user + cpu.system) / n };
}

/** (d) set a big value, read it back, `bigPairs` times in a row, each awaited. */
async function bigValues(zk: ZooKeeperClient, ctx: RunContext): Promise<Metrics> {
  const { bigSize, bigPairs } = ctx.params;
  const values = bigValuePair(bigSize);
  const path = ctx.fixtures.bigPath('rxzk-await');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < bigPairs; i++) {
    await zk.set(path, values[i % 2]);
    const { data } = await zk.get(path);
    if (data.length !== bigSize || data[0] !== values[i % 2][0]) throw new Error(`read back ${data.length} bytes, expected the ${bigSize} just set`);
  }
  const seconds = ns(t0, process.hrtime.bigint()) / 1e9;
  return { mbPerSec: (2 * bigPairs * bigSize) / 1e6 / seconds };
}
