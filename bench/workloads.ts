// The workloads of `npm run bench`, their parameters and the metrics they report.

export const CLIENT_NAMES = ['rxzk', 'rxzk-await', 'nzc', 'native', 'kazoo', 'raw'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

/** What each client name stands for, for the table's legend. */
export const CLIENT_TITLES: Record<ClientName, string> = {
  rxzk: 'rxzk (this repository, imported from src/), each request subscribed with callbacks',
  'rxzk-await': 'rxzk, each request awaited (await, Promise.all), as a program that wants one value writes it',
  nzc: 'node-zookeeper-client 1.1.3 (pure JavaScript)',
  native: 'zookeeper 7.x (native binding over the ZooKeeper C client)',
  kazoo: 'kazoo 2.8 (Python, /usr/bin/python3, a child process)',
  raw: 'raw socket ceiling (pre-encoded requests, replies only counted)',
};

export const WORKLOAD_IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

export interface MetricSpec {
  key: string;
  label: string;
  unit: string;
  /** Which way is better: decides how the ratio reads. */
  better: 'higher' | 'lower';
  /** A metric reported but not ranked (e.g. a leak check that should be 0). */
  check?: boolean;
}

export interface WorkloadSpec {
  id: WorkloadId;
  name: string;
  title: (p: Params) => string;
  metrics: MetricSpec[];
  /** Clients that have this operation. */
  clients: readonly ClientName[];
  /**
   * Turns every client takes per round (each turn one sample, clients rotated
   * between turns). The short, noisy throughput and latency workloads take two,
   * so their medians rest on twice the samples; memory (f) and (g) are steady.
   */
  passes: number;
}

/** Sizes of the workloads. `scale` shrinks the counts for a quick trial (`--scale 0.1`). */
export interface Params {
  /** (a) pipelined getData. */
  getCount: number;
  /** Nodes the reads of (a) and (b) cycle through. */
  getNodes: number;
  /** Bytes of each of those nodes. */
  getSize: number;
  /** (b) sequential getData. */
  seqCount: number;
  /** (c) pipelined creates. */
  createCount: number;
  createSize: number;
  /** (d) bytes of each big value, and how many set-then-get pairs. */
  bigSize: number;
  bigPairs: number;
  /** (e) followed nodes changed by the writer. */
  fanoutNodes: number;
  /** (f) followed nodes whose heap cost is measured. */
  memoryNodes: number;
  /** (g) clients connected and closed one after the other. */
  connectClients: number;
}

export function params(scale: number): Params {
  const s = (n: number, min: number) => Math.max(min, Math.round(n * scale));
  return {
    getCount: s(20_000, 100),
    getNodes: 100,
    getSize: 100,
    seqCount: s(2_000, 100),
    createCount: s(10_000, 100),
    createSize: 100,
    bigSize: 1_000_000,
    bigPairs: s(10, 2),
    fanoutNodes: s(1_000, 10),
    memoryNodes: s(10_000, 100),
    connectClients: s(200, 5),
  };
}

const n = (x: number): string => x.toLocaleString('en-US');

const NODE_CLIENTS = ['rxzk', 'nzc', 'native', 'kazoo'] as const;
/** (a)–(d) have a form that awaits each request; (e)–(g) follow nodes and connect, where nothing differs. */
const REQUEST_CLIENTS = ['rxzk', 'rxzk-await', 'nzc', 'native', 'kazoo'] as const;

export const WORKLOADS: readonly WorkloadSpec[] = [
  {
    id: 'a',
    passes: 2,
    name: 'get-pipelined',
    title: (p) => `(a) ${n(p.getCount)} pipelined getData of ${p.getSize}-byte nodes`,
    metrics: [
      { key: 'opsPerSec', label: 'throughput', unit: 'ops/s', better: 'higher' },
      { key: 'cpuUsPerOp', label: 'client CPU per op', unit: 'µs', better: 'lower' },
    ],
    clients: [...REQUEST_CLIENTS, 'raw'],
  },
  {
    id: 'b',
    passes: 2,
    name: 'get-sequential',
    title: (p) => `(b) ${n(p.seqCount)} sequential getData`,
    metrics: [
      { key: 'p50Us', label: 'latency p50', unit: 'µs', better: 'lower' },
      { key: 'p99Us', label: 'latency p99', unit: 'µs', better: 'lower' },
    ],
    clients: [...REQUEST_CLIENTS, 'raw'],
  },
  {
    id: 'c',
    passes: 2,
    name: 'create-pipelined',
    title: (p) => `(c) ${n(p.createCount)} pipelined creates of ${p.createSize}-byte nodes`,
    metrics: [
      { key: 'opsPerSec', label: 'throughput', unit: 'ops/s', better: 'higher' },
      { key: 'cpuUsPerOp', label: 'client CPU per op', unit: 'µs', better: 'lower' },
    ],
    clients: [...REQUEST_CLIENTS, 'raw'],
  },
  {
    id: 'd',
    passes: 2,
    name: 'big-values',
    title: (p) => `(d) ${n(p.bigSize)}-byte values, ${p.bigPairs}× set then get`,
    metrics: [{ key: 'mbPerSec', label: 'throughput', unit: 'MB/s', better: 'higher' }],
    clients: REQUEST_CLIENTS,
  },
  {
    id: 'e',
    passes: 2,
    name: 'watch-fanout',
    title: (p) => `(e) ${n(p.fanoutNodes)} followed nodes, ${n(p.fanoutNodes)} changes by a writer in another process`,
    metrics: [{ key: 'ms', label: 'time until all seen', unit: 'ms', better: 'lower' }],
    clients: NODE_CLIENTS,
  },
  {
    id: 'f',
    passes: 1,
    name: 'watch-memory',
    title: (p) => `(f) memory of ${n(p.memoryNodes)} live watches`,
    metrics: [
      { key: 'heapBytesPerWatch', label: 'heap per watch (heapUsed)', unit: 'B', better: 'lower' },
      { key: 'totalBytesPerWatch', label: 'heap+external per watch', unit: 'B', better: 'lower' },
      { key: 'setupMs', label: 'time to follow all', unit: 'ms', better: 'lower' },
    ],
    clients: NODE_CLIENTS,
  },
  {
    id: 'g',
    passes: 1,
    name: 'connect-close',
    title: (p) => `(g) ${n(p.connectClients)} clients connecting and closing, one after the other`,
    metrics: [
      { key: 'totalMs', label: 'total time', unit: 'ms', better: 'lower' },
      { key: 'handlesLeft', label: 'handles left open', unit: '', better: 'lower', check: true },
      { key: 'fdsLeft', label: 'file descriptors left open', unit: '', better: 'lower', check: true },
    ],
    clients: NODE_CLIENTS,
  },
];

export function workloadById(id: WorkloadId): WorkloadSpec {
  const w = WORKLOADS.find((x) => x.id === id);
  if (w === undefined) throw new Error(`no workload ${id}`);
  return w;
}

/** One run of one workload by one client: metric key → value. */
export type Metrics = Record<string, number>;
