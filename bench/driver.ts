// What every client of the benchmarks provides, and what a run is given.
import type { ClientName, Metrics, Params, WorkloadId } from './workloads';

/** The nodes the setup made (see fixtures.ts). */
export interface Fixtures {
  root: string;
  /** (a), (b): `getNodes` nodes of `getSize` bytes. */
  getPaths: readonly string[];
  /** (e): nodes followed, then changed by the writer. */
  fanoutPaths: readonly string[];
  /** (f): nodes followed while memory is measured. */
  memoryPaths: readonly string[];
  /** (d): one node per client, so no run reads another's value. */
  bigPath(client: ClientName): string;
}

/** Changes nodes from another process, so a follower's process does only the following. */
export interface FanoutWriter {
  /**
   * Sets every path to `value`, pipelined, and resolves once all are acknowledged,
   * with the CLOCK_MONOTONIC time (ns, as process.hrtime.bigint and Python's
   * time.monotonic_ns read it) at which the first request was issued.
   */
  write(paths: readonly string[], value: Buffer): Promise<bigint>;
}

/** Everything one run of one workload needs. */
export interface RunContext {
  hosts: string;
  params: Params;
  fixtures: Fixtures;
  writer: FanoutWriter;
  /** (c): an existing, empty parent for this run's creates (deleted afterwards by the harness). */
  createParent: string;
  /** (e): the value this run's writer sets; different from every value the nodes held before. */
  fanoutValue: Buffer;
  /** A full garbage collection (several passes). */
  gc(): void;
}

/** A client under test. `run` rejects (with the reason) when a run fails. */
export interface Driver {
  readonly name: ClientName;
  /** Version string for the report. */
  readonly version: string;
  run(workload: WorkloadId, ctx: RunContext): Promise<Metrics>;
  /** Releases what the driver holds (child processes). */
  dispose(): Promise<void>;
}

/** Nanoseconds between two process.hrtime.bigint() readings, as a number. */
export function ns(from: bigint, to: bigint): number {
  return Number(to - from);
}

/** Rejects after `ms` unless `promise` settles first; clears its timer either way. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
