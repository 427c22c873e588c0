/**
 * A fault run, end to end: a 3-server ensemble (rxzk/testing), `clients` worker processes each behind
 * its own proxies, the nemesis for `faultSeconds`, then the faults stop (everything healed) and the run
 * measures recovery, tells the workers to finish, reads what is left (counter value, queues), and checks
 * the merged history. Every process it started is gone when it resolves or rejects.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { firstValueFrom } from 'rxjs';
import type { ZooKeeperClient } from '../src/index';
import { startZooKeeper, type StartedZooKeeper } from '../src/testing';
import { ensureBuilt } from '../spec/package/built-package';
import { DIST, loadBuilt, type RxzkRecipes } from './built';
import { check, type CheckResult } from './check';
import { ClientProcess, type Library } from './clients';
import { FAULT_KINDS, HistoryWriter, PROGRESS_OPS, WORKLOADS, readHistory, type FaultKind, type LatchObservation, type WorkloadName } from './history';
import { Nemesis } from './nemesis';
import { summary, type RunFacts } from './report';
import { Rng } from './rng';

export interface FaultRunOptions {
  /** Which recipes to drive (default: all six, at once, in every client process). */
  workloads?: readonly WorkloadName[];
  /** Client processes (default 5). */
  clients?: number;
  /** How long the nemesis injects faults, s (default 60). */
  faultSeconds?: number;
  /** Which faults (default: every kind). */
  kinds?: readonly FaultKind[];
  /** Pause between two faults' starts, ms (default [2000, 4000]). */
  interval?: [number, number];
  /** Requested session timeout of every worker's client, ms (default 4000). */
  sessionTimeout?: number;
  /** The semaphore's maxLeases (default 2). */
  semaphoreLeases?: number;
  /** Once the faults stop, how long every workload may take to work again, ms (default 30000). */
  recoveryBound?: number;
  /** How long one operation may take, not counting faults on its client or its servers, ms (default 20000). */
  hangBound?: number;
  /** The PRNG seed (default: random; printed, so a run can be repeated). */
  seed?: number;
  /** Where the histories, logs and report go (default: a new directory under the OS temp dir). */
  outDir?: string;
  /** Which library the workers run (default 'rxzk'; 'kazoo' runs kazoo 2.8's recipes under /usr/bin/python3). */
  lib?: Library;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface FaultRun {
  dir: string;
  facts: RunFacts;
  result: CheckResult;
  /** The printed summary. */
  summary: string;
}

/** How long a worker may take, once told to finish, for its operations in flight, ms. */
const FINISH_BOUND = 20_000;
/** How long a worker may take to start and connect, ms (five tsx start-ups on two busy cores). */
const READY_BOUND = 120_000;

export async function runFaults(options: FaultRunOptions = {}): Promise<FaultRun> {
  const workloads = [...(options.workloads ?? WORKLOADS)];
  const lib = options.lib ?? 'rxzk';
  const clientCount = options.clients ?? 5;
  const faultSeconds = options.faultSeconds ?? 60;
  const sessionTimeout = options.sessionTimeout ?? 4_000;
  const semaphoreLeases = options.semaphoreLeases ?? 2;
  const recoveryBound = options.recoveryBound ?? 30_000;
  const hangBound = options.hangBound ?? 20_000;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const log = options.log ?? (() => undefined);
  const dir = options.outDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `rxzk-faults-${lib}-`));
  fs.mkdirSync(dir, { recursive: true });
  const names = Array.from({ length: clientCount }, (_, i) => `c${i + 1}`);
  const rng = new Rng(seed);

  await ensureBuilt(); // the workers (and the suite's own reads) use dist/
  const { core, recipes } = loadBuilt();
  const history = new HistoryWriter(path.join(dir, 'suite.jsonl'), 'suite');
  const nemesisHistory = new HistoryWriter(path.join(dir, 'nemesis.jsonl'), 'nemesis');
  let ensemble: StartedZooKeeper | undefined;
  let observer: ZooKeeperClient | undefined;
  let nemesis: Nemesis | undefined;
  const clients: ClientProcess[] = [];
  try {
    log(`starting a 3-server ensemble (seed ${seed}, history in ${dir})`);
    ensemble = await startZooKeeper({ servers: 3 });
    const reader = core.createClient({ hosts: ensemble.connectString, sessionTimeout: 30_000 });
    observer = reader;
    await reader.start();
    const root = `/faults-${lib}-${Date.now().toString(36)}`;
    await firstValueFrom(reader.create(root));

    log(`starting ${clientCount} ${lib} client processes (${workloads.join(', ')})`);
    for (const name of names) {
      const config = { name, sessionTimeout, workloads, root, historyFile: path.join(dir, `${name}.jsonl`), dist: DIST, seed: rng.fork(), semaphoreLeases };
      clients.push(await ClientProcess.start(lib, ensemble.members, config, path.join(dir, `${name}.log`)));
    }
    await Promise.all(clients.map((c) => c.ready(READY_BOUND)));

    log(`faults for ${faultSeconds} s`);
    history.record({ kind: 'phase', phase: 'faults-start' });
    nemesis = new Nemesis(ensemble, clients, {
      kinds: options.kinds ?? FAULT_KINDS,
      // The counter's hazard is a write applied whose reply is lost: leader kills lose the most. The
      // latch's is an expiry while a create is in flight: expiries twice as often.
      weights: { ...(workloads.includes('counter') ? { 'kill-leader': 2 } : {}), ...(workloads.includes('latch') ? { expire: 2 } : {}) },
      interval: options.interval ?? [2_000, 4_000],
      sessionTimeout,
      rng: new Rng(rng.fork()),
      history: nemesisHistory,
      log,
    });
    await nemesis.run(faultSeconds * 1000);
    const healedAt = history.record({ kind: 'phase', phase: 'faults-stopped' });
    for (const c of clients) c.send({ type: 'healed', at: healedAt });

    log('faults stopped: waiting for every workload to work again');
    const latch = await awaitRecovery(clients, workloads, recoveryBound, () => latchParticipants(lib, reader, recipes, `${root}/latch`));
    if (latch !== undefined) history.record({ kind: 'final', t: latch.t, latch: latch.observation });

    history.record({ kind: 'phase', phase: 'finish' });
    log('finishing the workers');
    await Promise.all(clients.map((c) => c.finish(FINISH_BOUND)));
    history.record({ kind: 'final', ...(await finalReads(reader, recipes, root, workloads)) });
  } catch (err) {
    await nemesis?.healAll().catch(() => undefined);
    throw err;
  } finally {
    for (const c of clients) c.kill();
    await Promise.all(clients.map((c) => c.exited));
    await Promise.all(clients.map((c) => c.stopProxies()));
    await observer?.close().catch(() => undefined);
    await ensemble?.stop();
    history.close();
    nemesisHistory.close();
  }

  const facts: RunFacts = { lib, workloads, clients: clientCount, faultSeconds, seed, sessionTimeout, semaphoreLeases, recoveryBound, hangBound, dir };
  return checkRun(facts);
}

/** Checks (again) the history in `facts.dir` and writes report.json and summary.txt there. */
export function checkRun(facts: RunFacts): FaultRun {
  const result = check(readHistory(facts.dir), {
    sessionTimeoutMs: facts.sessionTimeout,
    hangBoundMs: facts.hangBound,
    recoveryBoundMs: facts.recoveryBound,
    semaphoreLeases: facts.semaphoreLeases,
    workloads: facts.workloads,
    workers: Array.from({ length: facts.clients }, (_, i) => `c${i + 1}`),
  });
  const text = summary(result, facts);
  fs.writeFileSync(path.join(facts.dir, 'report.json'), JSON.stringify({ facts, result }, null, 2));
  fs.writeFileSync(path.join(facts.dir, 'summary.txt'), text + '\n');
  return { dir: facts.dir, facts, result, summary: text };
}

/**
 * Waits until every worker has confirmed each progress operation of its workloads since the faults
 * stopped and, with the latch, until the election has settled (every worker in it once, one leader, who
 * alone believes it leads) — at most `bound` ms. Returns the latch's settled (or last) observation.
 */
async function awaitRecovery(
  clients: readonly ClientProcess[],
  workloads: readonly WorkloadName[],
  bound: number,
  participants: () => Promise<LatchObservation['participants']>,
): Promise<{ t: number; observation: LatchObservation } | undefined> {
  const deadline = Date.now() + bound;
  const progressOps = workloads.flatMap((w) => PROGRESS_OPS[w]);
  const withLatch = workloads.includes('latch');
  let last: { t: number; observation: LatchObservation } | undefined;
  for (;;) {
    const progressed = clients.every((c) => progressOps.every((op) => c.progress.has(op)));
    if (withLatch && !last?.observation.converged) last = await observeLatch(clients, participants);
    if (progressed && (!withLatch || last?.observation.converged)) return last;
    if (Date.now() >= deadline) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The latch's participants as a fresh client reads them: rxzk's LeaderLatch nodes, or — kazoo has no
 * LeaderLatch; its worker takes part through kazoo's Election, a lock — the lock's contenders, the first leading.
 */
async function latchParticipants(lib: Library, zk: ZooKeeperClient, recipes: RxzkRecipes, path: string): Promise<LatchObservation['participants']> {
  if (lib === 'rxzk') return new recipes.LeaderLatch(zk, path, { identifier: 'suite' }).participants();
  const contenders = await new recipes.LeaderElection(zk, path, { identifier: 'suite' }).contenders();
  return contenders.map((identifier, i) => ({ identifier, isLeader: i === 0 }));
}

async function observeLatch(
  clients: readonly ClientProcess[],
  read: () => Promise<LatchObservation['participants']>,
): Promise<{ t: number; observation: LatchObservation }> {
  const beliefs: LatchObservation['beliefs'] = {};
  for (const c of clients) beliefs[c.name] = (await c.status(3_000).catch(() => null)) ?? { joined: false, leader: false };
  const participants = await read().catch(() => []);
  const t = Number(process.hrtime.bigint() / 1000n);
  const leaders = participants.filter((p) => p.isLeader).map((p) => p.identifier);
  const believers = Object.entries(beliefs)
    .filter(([, b]) => b.leader)
    .map(([w]) => w);
  const converged =
    participants.length === clients.length &&
    clients.every((c) => beliefs[c.name].joined && participants.filter((p) => p.identifier === c.name).length === 1) &&
    leaders.length === 1 &&
    believers.length === 1 &&
    believers[0] === leaders[0];
  return { t, observation: { converged, participants, beliefs } };
}

/** What is left at the end: the counter's value and the queues' items (read, never taken). */
async function finalReads(
  zk: ZooKeeperClient,
  recipes: RxzkRecipes,
  root: string,
  workloads: readonly WorkloadName[],
): Promise<{ counter?: string; queue?: string[]; lockingQueue?: string[] }> {
  const items = async (dir: string): Promise<string[]> => {
    const children = await firstValueFrom(zk.getChildren(dir)).catch((err: unknown) => {
      if (err instanceof Error && err.name === 'NoNodeError') return [] as string[];
      throw err;
    });
    const out: string[] = [];
    for (const child of children.sort()) out.push((await firstValueFrom(zk.get(`${dir}/${child}`))).data.toString());
    return out;
  };
  return {
    ...(workloads.includes('counter') ? { counter: String(await new recipes.Counter(zk, `${root}/counter`).value()) } : {}),
    ...(workloads.includes('queue') ? { queue: await items(`${root}/queue`) } : {}),
    ...(workloads.includes('locking-queue') ? { lockingQueue: await items(`${root}/locking-queue/entries`) } : {}),
  };
}
