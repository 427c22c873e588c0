/** What the suite and a worker process say to each other over the fork's IPC channel. */
import type { OpName, WorkloadName } from './history';

/** A worker's whole configuration, its one command-line argument (JSON). */
export interface WorkerConfig {
  /** `c1`, `c2`…: its name in the history, and its identifier in every recipe. */
  name: string;
  /** Its own proxies' addresses, one per server. */
  hosts: string[];
  /** Requested session timeout, ms. */
  sessionTimeout: number;
  workloads: WorkloadName[];
  /** The run's root znode: every workload works under it. */
  root: string;
  /** Where it appends its history. */
  historyFile: string;
  /** The built package it loads (rxzk workers). */
  dist: string;
  seed: number;
  /** The semaphore's maxLeases. */
  semaphoreLeases: number;
}

/** Suite → worker. */
export type ToWorker =
  /** The faults have stopped (at `at`, on the shared clock): report recovery, stop voluntary churn. */
  | { type: 'healed'; at: number }
  /** Stop every workload, wait at most `bound` ms for operations in flight, close, exit. */
  | { type: 'finish'; bound: number }
  /** Report the latch participation's state (answered with the same nonce). */
  | { type: 'status'; nonce: number };

/** Worker → suite. */
export type FromWorker =
  | { type: 'ready' }
  /** The current session (hex id, base64 password), so the nemesis can expire it on the server; null id while none. */
  | { type: 'session'; id: string | null; password?: string; timeout?: number }
  /** The first confirmed `op` (one of PROGRESS_OPS) after the faults stopped. */
  | { type: 'progress'; op: OpName }
  | { type: 'status'; nonce: number; latch: { joined: boolean; leader: boolean } | null }
  /** About to exit; `unfinished` operations were still pending at the bound. */
  | { type: 'done'; unfinished: number }
  | { type: 'fatal'; message: string };
