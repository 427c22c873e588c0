/**
 * The history of a fault run: one JSON line per event, stamped on the shared monotonic clock
 * (`clock.ts`), one file per process (`<worker>.jsonl`, `suite.jsonl`). Workers write what they
 * observed; the nemesis writes its faults; the suite writes the phases and its final reads. The
 * checker reads them all back, merged in time order. kazoo's worker (kazoo/worker.py) writes the same
 * lines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { now } from './clock';

/** The recipes a run can drive. */
export const WORKLOADS = ['lock', 'semaphore', 'latch', 'counter', 'queue', 'locking-queue'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** What the nemesis does (nemesis.ts says how and for how long). */
export const FAULT_KINDS = [
  'cut-short',
  'cut-long',
  'blackhole',
  'one-way-to-server',
  'one-way-to-client',
  'pause',
  'kill-leader',
  'kill-follower',
  'expire',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Every operation a worker records, named `<workload>.<call>`. */
export type OpName =
  | 'lock.acquire'
  | 'lock.release'
  | 'semaphore.acquire'
  | 'semaphore.release'
  | 'counter.add'
  | 'queue.put'
  | 'queue.take'
  | 'locking-queue.put'
  | 'locking-queue.take'
  | 'locking-queue.ack'
  | 'locking-queue.release';

/**
 * The confirmed operations that show a workload works again after the faults stopped: its recovery
 * time is when every worker has had one of each (the latch's is measured by the suite instead).
 */
export const PROGRESS_OPS: Record<WorkloadName, readonly OpName[]> = {
  lock: ['lock.acquire'],
  semaphore: ['semaphore.acquire'],
  latch: [],
  counter: ['counter.add'],
  queue: ['queue.put', 'queue.take'],
  'locking-queue': ['locking-queue.put', 'locking-queue.ack'],
};

/**
 * How an operation ended: `ok` (confirmed), `fail` (certainly without effect: a wait that timed out,
 * an ack refused because the lock was lost), `unknown` (it may or may not have taken effect: any
 * other error), `unfinished` (still pending when its worker finished: a hang).
 */
export type OpPhase = 'invoke' | 'ok' | 'fail' | 'unknown' | 'unfinished';

/** An error as recorded: its class name and message. */
export interface ErrorInfo {
  name: string;
  message: string;
}

interface At {
  /** Microseconds on CLOCK_MONOTONIC. */
  t: number;
  /** Who recorded it: a worker's name (`c1`…), `nemesis` or `suite`. */
  w: string;
}

/** One step of an operation; `id` pairs its invoke with its completion (per worker). */
export interface OpEvent extends At {
  kind: 'op';
  op: OpName;
  id: number;
  phase: OpPhase;
  /** A queue item (put, take, ack, release). */
  item?: string;
  /** A holding's fencing token (czxid, decimal) and node, on an acquire's ok. */
  token?: string;
  node?: string;
  /** A counter add's confirmed before and after values (decimal). */
  before?: string;
  after?: string;
  error?: ErrorInfo;
}

/** Recipes whose holdings are checked for exclusion (a lock, a semaphore's leases, a latch's leadership). */
export type HeldResource = 'lock' | 'semaphore' | 'latch';

/**
 * A holder's belief: `begin` (acquired, or became leader), `use` (checked `state === 'HELD'` right
 * before what would be a side effect), `state` (an emission of the holding's `state$`), `end` (it stopped
 * acting as holder: release begun, a non-HELD state noticed, leadership ended).
 */
export interface HoldEvent extends At {
  kind: 'hold';
  resource: HeldResource;
  token: string;
  node: string;
  what: 'begin' | 'use' | 'state' | 'end';
  state?: string;
  reason?: string;
}

/** A latch participation's life: joined, left (unsubscribed), told it follows, or its stream errored or completed. */
export interface LatchEvent extends At {
  kind: 'latch';
  what: 'join' | 'leave' | 'follower' | 'error' | 'complete';
  error?: ErrorInfo;
}

/** A worker's connection state (and session id, hex, once it has one). */
export interface ClientEvent extends At {
  kind: 'client';
  state: string;
  session?: string;
}

/** A worker process died of an error nobody caught (an unhandled rejection or exception). */
export interface CrashEvent extends At {
  kind: 'crash';
  error: ErrorInfo;
}

/** A fault's start and end (or the error that stopped the nemesis from making it). */
export interface FaultEvent extends At {
  kind: 'fault';
  fault: FaultKind;
  /** A worker's name or a server (`zk1`…). */
  target: string;
  what: 'start' | 'end' | 'error';
  /** How long the fault was meant to last. */
  plannedMs?: number;
  detail?: string;
}

/** The run's phases: faults begin, faults stopped (everything healed), workers told to finish. */
export interface PhaseEvent extends At {
  kind: 'phase';
  phase: 'faults-start' | 'faults-stopped' | 'finish';
}

/** What the suite saw of the latch once the faults had stopped (or when its bound ran out). */
export interface LatchObservation {
  /** Whether every live participant was in the election with exactly one leader, as its participants believed. */
  converged: boolean;
  /** `participants()` as a fresh client reads it. */
  participants: { identifier: string; isLeader: boolean }[];
  /** Each worker's own view: taking part (its stream alive), and leading. */
  beliefs: Record<string, { joined: boolean; leader: boolean }>;
}

/** What the suite read at the end: the counter's value, the queues' remaining items, the latch. */
export interface FinalEvent extends At {
  kind: 'final';
  counter?: string;
  queue?: string[];
  lockingQueue?: string[];
  latch?: LatchObservation;
}

export type HistoryEvent = OpEvent | HoldEvent | LatchEvent | ClientEvent | CrashEvent | FaultEvent | PhaseEvent | FinalEvent;

/** An event without its stamp, as callers give it. */
export type Unstamped<E extends HistoryEvent> = E extends HistoryEvent ? Omit<E, 't' | 'w'> & { t?: number } : never;

/** Appends one process's events to its file, one synchronous write each: what was observed is on disk even if the process dies next. */
export class HistoryWriter {
  private fd: number | undefined;

  constructor(
    file: string,
    private readonly who: string,
  ) {
    this.fd = fs.openSync(file, 'a');
  }

  /** Records `event` now (or at its own `t`) and returns its time. */
  record(event: Unstamped<HistoryEvent>): number {
    const t = event.t ?? now();
    if (this.fd !== undefined) fs.writeSync(this.fd, JSON.stringify({ ...event, t, w: this.who }) + '\n');
    return t;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Every event of a run's directory (`*.jsonl`), in time order (ties keep their file order). */
export function readHistory(dir: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      // A process killed mid-write leaves a partial last line: skip it.
      if (line.trim() === '') continue;
      try {
        events.push(JSON.parse(line) as HistoryEvent);
      } catch {
        continue;
      }
    }
  }
  return events.map((e, i) => ({ e, i })).sort((a, b) => a.e.t - b.e.t || a.i - b.i).map(({ e }) => e);
}
