// The workloads for the clients that run inside this Node process (rxzk,
// node-zookeeper-client, the native binding), written once against a small
// callback interface that each adapter maps to its client's idiomatic calls.
// The harness's own cost (one callback per reply) is the same for all three.
import { readdirSync } from 'node:fs';
import type { Driver, RunContext } from '../driver';
import { ns, withTimeout } from '../driver';
import { settle } from '../heap';
import { percentile } from '../stats';
import type { ClientName, Metrics, WorkloadId } from '../workloads';

export type DataCallback = (err: Error | null, data: Buffer | undefined) => void;
export type DoneCallback = (err: Error | null) => void;

/** A following of one node: unsubscribe() ends it (an rxjs Subscription is one). */
export interface Follow {
  unsubscribe(): void;
}

/** One connected client, as the workloads see it. */
export interface NodeZk {
  get(path: string, cb: DataCallback): void;
  create(path: string, data: Buffer, cb: DoneCallback): void;
  set(path: string, data: Buffer, cb: DoneCallback): void;
  /**
   * The client's idiomatic re-arming data watch: `onValue` with the current
   * value, then after every change. The value is what the client emits (a
   * Buffer, or rxzk's `{ data, stat }`): the harness passes its callback
   * straight through, so it adds nothing of its own per follow but the
   * callback (made before any memory reading) and, for rxzk, the observer
   * object. `dataOf` extracts the data when the harness needs it.
   */
  follow(path: string, onValue: (value: unknown) => void, onError: (err: Error) => void): Follow;
  /** The data of a value given to a follow's `onValue` (null while the node does not exist). */
  dataOf(value: unknown): Buffer | null;
  /** Closes the session; resolves once the client says it is closed. */
  close(): Promise<void>;
}

export interface NodeClientKind {
  readonly name: ClientName;
  readonly version: string;
  connect(hosts: string): Promise<NodeZk>;
}

const RUN_TIMEOUT = 120_000;

export function nodeDriver(kind: NodeClientKind): Driver {
  return {
    name: kind.name,
    version: kind.version,
    run: (workload, ctx) => withTimeout(runWorkload(kind, workload, ctx), RUN_TIMEOUT, `${kind.name} ${workload}`),
    dispose: async () => undefined,
  };
}

async function runWorkload(kind: NodeClientKind, workload: WorkloadId, ctx: RunContext): Promise<Metrics> {
  if (workload === 'g') return connectClose(kind, ctx);
  const zk = await kind.connect(ctx.hosts);
  try {
    switch (workload) {
      case 'a':
        return await getPipelined(zk, ctx);
      case 'b':
        return await getSequential(zk, ctx);
      case 'c':
        return await createPipelined(zk, ctx);
      case 'd':
        return await bigValues(zk, ctx, ctx.fixtures.bigPath(kind.name));
      case 'e':
        return await fanout(zk, ctx);
      case 'f':
        return await memory(zk, ctx);
    }
  } finally {
    await zk.close();
  }
}

/** What (a) reads of a run's context (bench/observability.ts runs it alone). */
export type GetPipelinedContext = { params: Pick<RunContext['params'], 'getCount' | 'getSize'>; fixtures: Pick<RunContext['fixtures'], 'getPaths'> };

/** (a) every request issued at once; ops/s and this process's CPU per op. */
export function getPipelined(zk: NodeZk, ctx: GetPipelinedContext): Promise<Metrics> {
  const { getCount: n, getSize } = ctx.params;
  const paths = ctx.fixtures.getPaths;
  return new Promise<Metrics>((resolve, reject) => {
    let left = n;
    let bytes = 0;
    let failed = false;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const onReply: DataCallback = (err, data) => {
      if (failed) return;
      if (err !== null) {
        failed = true;
        reject(err);
        return;
      }
      bytes += data === undefined ? 0 : data.length;
      if (--left > 0) return;
      const t1 = process.hrtime.bigint();
      const cpu = process.cpuUsage(cpu0);
      if (bytes !== n * getSize) reject(new Error(`read ${bytes} bytes, expected ${n * getSize}`));
      else resolve({ opsPerSec: n / (ns(t0, t1) / 1e9), cpuUsPerOp: (cpu.user + cpu.system) / n });
    };
    for (let i = 0; i < n; i++) zk.get(paths[i % paths.length], onReply);
  });
}

/** (b) one request at a time, the next issued from the reply's callback. */
export function getSequential(zk: NodeZk, ctx: RunContext): Promise<Metrics> {
  const n = ctx.params.seqCount;
  const paths = ctx.fixtures.getPaths;
  const latencies = new Float64Array(n);
  return new Promise<Metrics>((resolve, reject) => {
    let i = 0;
    let t = 0n;
    const onReply: DataCallback = (err, data) => {
      const now = process.hrtime.bigint();
      if (err !== null || data === undefined) {
        reject(err ?? new Error('no data'));
        return;
      }
      latencies[i] = ns(t, now) / 1e3;
      if (++i < n) issue();
      else resolve({ p50Us: percentile(latencies, 50), p99Us: percentile(latencies, 99) });
    };
    const issue = () => {
      t = process.hrtime.bigint();
      zk.get(paths[i % paths.length], onReply);
    };
    issue();
  });
}

/** (c) every create issued at once under a fresh parent. */
export function createPipelined(zk: NodeZk, ctx: RunContext): Promise<Metrics> {
  const { createCount: n, createSize } = ctx.params;
  const data = Buffer.alloc(createSize, 0x63);
  const paths = Array.from({ length: n }, (_, i) => `${ctx.createParent}/n${i}`);
  return new Promise<Metrics>((resolve, reject) => {
    let left = n;
    let failed = false;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const onReply: DoneCallback = (err) => {
      if (failed) return;
      if (err !== null) {
        failed = true;
        reject(err);
        return;
      }
      if (--left > 0) return;
      const t1 = process.hrtime.bigint();
      const cpu = process.cpuUsage(cpu0);
      resolve({ opsPerSec: n / (ns(t0, t1) / 1e9), cpuUsPerOp: (cpu.user + cpu.system) / n });
    };
    for (let i = 0; i < n; i++) zk.create(paths[i], data, onReply);
  });
}

/** Two different values of `size` bytes, so every set changes the node. */
export function bigValuePair(size: number): [Buffer, Buffer] {
  return [Buffer.alloc(size, 0x41), Buffer.alloc(size, 0x42)];
}

/** (d) set a big value, read it back, `bigPairs` times in a row; MB/s of both directions. */
export function bigValues(zk: NodeZk, ctx: RunContext, path: string): Promise<Metrics> {
  const { bigSize, bigPairs } = ctx.params;
  const values = bigValuePair(bigSize);
  return new Promise<Metrics>((resolve, reject) => {
    let i = 0;
    const t0 = process.hrtime.bigint();
    const onGet: DataCallback = (err, data) => {
      if (err !== null) return reject(err);
      if (data === undefined || data.length !== bigSize || data[0] !== values[i % 2][0]) {
        return reject(new Error(`read back ${data?.length ?? 'no'} bytes, expected the ${bigSize} just set`));
      }
      if (++i < bigPairs) return next();
      const seconds = ns(t0, process.hrtime.bigint()) / 1e9;
      resolve({ mbPerSec: (2 * bigPairs * bigSize) / 1e6 / seconds });
    };
    const onSet: DoneCallback = (err) => {
      if (err !== null) return reject(err);
      zk.get(path, onGet);
    };
    const next = () => zk.set(path, values[i % 2], onSet);
    next();
  });
}

/**
 * (e) follow every node, wait for the current values, then have the writer
 * (another process) change them all: the time from the writer's first request
 * to the moment the last follower saw its new value.
 */
async function fanout(zk: NodeZk, ctx: RunContext): Promise<Metrics> {
  const paths = ctx.fixtures.fanoutPaths;
  const n = paths.length;
  const expected = ctx.fanoutValue;
  const initial = new Uint8Array(n);
  const changed = new Uint8Array(n);
  let initialCount = 0;
  let changedCount = 0;
  let tLast = 0n;
  let armed: () => void = () => undefined;
  let allSeen: () => void = () => undefined;
  let failed: (err: Error) => void = () => undefined;
  const armedP = new Promise<void>((resolve) => (armed = resolve));
  const seenP = new Promise<void>((resolve, reject) => {
    allSeen = resolve;
    failed = reject;
  });
  const follows: Follow[] = [];
  for (let i = 0; i < n; i++) {
    follows.push(
      zk.follow(
        paths[i],
        (value) => {
          const data = zk.dataOf(value);
          if (data === null) return;
          if (initial[i] === 0) {
            initial[i] = 1;
            if (++initialCount === n) armed();
          }
          if (changed[i] === 0 && data.equals(expected)) {
            changed[i] = 1;
            if (++changedCount === n) {
              tLast = process.hrtime.bigint();
              allSeen();
            }
          }
        },
        (err) => failed(err),
      ),
    );
  }
  try {
    await withTimeout(armedP, 60_000, 'following every node');
    const t0 = await ctx.writer.write(paths, expected);
    await withTimeout(seenP, 60_000, 'seeing every change');
    return { ms: ns(t0, tLast) / 1e6 };
  } finally {
    for (const f of follows) f.unsubscribe();
  }
}

/**
 * (f) heapUsed (and heapUsed + external) after a full GC, before and after
 * following `memoryNodes` nodes, per follow. The connection exists before the
 * first reading, and the array holding the follows is allocated before it too.
 */
export async function memory(zk: NodeZk, ctx: RunContext): Promise<Metrics> {
  const paths = ctx.fixtures.memoryPaths;
  const n = paths.length;
  const follows = new Array<Follow | null>(n).fill(null);
  const seen = new Uint8Array(n);
  let seenCount = 0;
  let done: () => void = () => undefined;
  let failed: (err: Error) => void = () => undefined;
  const allSeen = new Promise<void>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  const onError = (err: Error) => failed(err);
  const onData = new Array<(value: unknown) => void>(n);
  // One small callback per node, made before the first reading: the harness's part is not counted.
  for (let i = 0; i < n; i++) {
    onData[i] = () => {
      if (seen[i] === 0) {
        seen[i] = 1;
        if (++seenCount === n) done();
      }
    };
  }
  await settle();
  ctx.gc();
  const before = process.memoryUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) follows[i] = zk.follow(paths[i], onData[i], onError);
  await withTimeout(allSeen, 90_000, 'following every node');
  const setupMs = ns(t0, process.hrtime.bigint()) / 1e6;
  await settle();
  ctx.gc();
  const after = process.memoryUsage();
  for (const f of follows) f?.unsubscribe();
  const heap = after.heapUsed - before.heapUsed;
  const total = heap + (after.external - before.external);
  return { heapBytesPerWatch: heap / n, totalBytesPerWatch: total / n, setupMs };
}

function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}

function activeResources(): number {
  return process.getActiveResourcesInfo().length;
}

/**
 * (g) connect and close `connectClients` clients one after the other; then
 * wait (up to 3 s) for the process's active handles and timers
 * (getActiveResourcesInfo) and open file descriptors to return to what they
 * were, and report how many did not.
 */
async function connectClose(kind: NodeClientKind, ctx: RunContext): Promise<Metrics> {
  const n = ctx.params.connectClients;
  await settle();
  const baseResources = activeResources();
  const baseFds = openFds();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const zk = await kind.connect(ctx.hosts);
    await zk.close();
  }
  const totalMs = ns(t0, process.hrtime.bigint()) / 1e6;
  const deadline = Date.now() + 3_000;
  let handlesLeft = activeResources() - baseResources;
  let fdsLeft = openFds() - baseFds;
  while ((handlesLeft > 0 || fdsLeft > 0) && Date.now() < deadline) {
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
    // The timer just awaited is gone again by now: it is not counted.
    handlesLeft = activeResources() - baseResources;
    fdsLeft = openFds() - baseFds;
  }
  return { totalMs, handlesLeft: Math.max(0, handlesLeft), fdsLeft: Math.max(0, fdsLeft) };
}
