/**
 * One client process of a fault run (forked by the suite with an IPC channel):
 *
 *   node --import tsx faults/worker/main.ts '<WorkerConfig as JSON>'
 *
 * It loads rxzk from the built package, connects through its own proxies, runs its workloads until told
 * to finish, and appends what it observed to its history file. It tells the suite its session (for
 * server-side expiries), its progress once the faults have stopped, and its latch participation when asked.
 */
import { loadBuilt } from '../built';
import { HistoryWriter, PROGRESS_OPS, type OpName, type WorkloadName } from '../history';
import type { FromWorker, ToWorker, WorkerConfig } from '../protocol';
import { Rng } from '../rng';
import type { Workload, WorkloadContext } from './context';
import { errorInfo, Ops } from './ops';
import { counterWorkload } from './workloads/counter';
import { latchWorkload } from './workloads/latch';
import { lockWorkload } from './workloads/locks';
import { lockingQueueWorkload, queueWorkload } from './workloads/queues';

const config = JSON.parse(process.argv[2] ?? '') as WorkerConfig;
const history = new HistoryWriter(config.historyFile, config.name);
const send = (message: FromWorker): void => {
  process.send?.(message);
};

// The suite gone (its end, or its crash): nothing of this run may outlive it.
process.on('disconnect', () => process.exit(1));
for (const event of ['unhandledRejection', 'uncaughtException'] as const) {
  process.on(event, (err: unknown) => {
    history.record({ kind: 'crash', error: errorInfo(err) });
    send({ type: 'fatal', message: `${event}: ${errorInfo(err).name}: ${errorInfo(err).message}` });
    process.exit(70);
  });
}

const MAKERS: Record<WorkloadName, (ctx: WorkloadContext) => Workload> = {
  lock: (ctx) => lockWorkload(ctx, 'lock'),
  semaphore: (ctx) => lockWorkload(ctx, 'semaphore'),
  latch: latchWorkload,
  counter: counterWorkload,
  queue: queueWorkload,
  'locking-queue': lockingQueueWorkload,
};

async function main(): Promise<void> {
  const { core, recipes } = loadBuilt(config.dist);
  const zk = core.createClient({ hosts: config.hosts, sessionTimeout: config.sessionTimeout, connectTimeout: 60_000 });
  zk.state$.subscribe((state) => history.record({ kind: 'client', state, session: zk.session?.id.toString(16) }));
  zk.session$.subscribe((s) =>
    send(s === null ? { type: 'session', id: null } : { type: 'session', id: s.id.toString(16), password: s.password.toString('base64'), timeout: s.timeout }),
  );
  await zk.start();

  const stopping = new AbortController();
  let healedAt: number | undefined;
  const progressed = new Set<OpName>();
  const progressOps = new Set<OpName>(config.workloads.flatMap((w) => PROGRESS_OPS[w]));
  const ops = new Ops(history, (op, t) => {
    if (healedAt === undefined || t <= healedAt || !progressOps.has(op) || progressed.has(op)) return;
    progressed.add(op);
    send({ type: 'progress', op });
  });
  const sleepers = new Set<() => void>();
  stopping.signal.addEventListener('abort', () => sleepers.forEach((wake) => wake()));
  const ctx: WorkloadContext = {
    core,
    recipes,
    zk,
    name: config.name,
    root: config.root,
    history,
    ops,
    rng: new Rng(config.seed),
    stopping: stopping.signal,
    healed: () => healedAt !== undefined,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (stopping.signal.aborted) return resolve();
        const wake = (): void => {
          clearTimeout(timer);
          sleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        sleepers.add(wake);
      }),
    semaphoreLeases: config.semaphoreLeases,
  };
  const workloads = config.workloads.map((w) => MAKERS[w](ctx));
  const running = Promise.all(workloads.map((w) => w.run()));
  const latch = workloads.find((w) => w.status !== undefined);

  process.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'healed':
        healedAt = message.at;
        return;
      case 'status':
        send({ type: 'status', nonce: message.nonce, latch: latch?.status?.() ?? null });
        return;
      case 'finish':
        void finish(message.bound);
        return;
    }
  });

  async function finish(bound: number): Promise<void> {
    stopping.abort();
    const deadline = new Promise((resolve) => setTimeout(resolve, bound));
    await Promise.race([running, deadline]);
    const unfinished = ops.finish();
    history.record({ kind: 'client', state: 'FINISHING' });
    await Promise.race([zk.close(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    history.close();
    // Exit once the message is out (an exit right after send() may drop it).
    const done: FromWorker = { type: 'done', unfinished };
    if (process.send) process.send(done, () => process.exit(0));
    else process.exit(0);
  }

  send({ type: 'ready' });
}

main().catch((err: unknown) => {
  history.record({ kind: 'crash', error: errorInfo(err) });
  send({ type: 'fatal', message: `${errorInfo(err).name}: ${errorInfo(err).message}` });
  process.exit(70);
});
