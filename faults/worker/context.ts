/** What every workload gets from its worker process. */
import type { ZooKeeperClient } from '../../src/index';
import type { RxzkCore, RxzkRecipes } from '../built';
import type { HistoryWriter, WorkloadName } from '../history';
import type { Rng } from '../rng';
import type { Ops } from './ops';

export interface WorkloadContext {
  core: RxzkCore;
  recipes: RxzkRecipes;
  zk: ZooKeeperClient;
  /** The worker's name, also its identifier in every recipe. */
  name: string;
  /** The run's root znode. */
  root: string;
  history: HistoryWriter;
  ops: Ops;
  rng: Rng;
  /** Aborted when the worker is told to finish: loops end after their current operation. */
  stopping: AbortSignal;
  /** Whether the faults have stopped (voluntary churn, such as a leader stepping down, stops then). */
  healed(): boolean;
  /** Resolves after `ms`, or at once when stopping. */
  sleep(ms: number): Promise<void>;
  semaphoreLeases: number;
}

/** One workload's loop in a worker; `status` answers the suite's question about a latch participation. */
export interface Workload {
  readonly name: WorkloadName;
  run(): Promise<void>;
  status?(): { joined: boolean; leader: boolean };
}
