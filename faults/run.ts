/**
 * A fault run from the command line:
 *
 *   npm run faults -- [--minutes 3 | --seconds 90] [--workload counter,latch | all] [--clients 5]
 *                     [--faults cut-long,pause,…] [--interval 2000-4000] [--session-timeout 4000]
 *                     [--lib rxzk | kazoo] [--seed N] [--out dir]
 *   npm run faults -- --check <run dir>      # checks a run's history again (after a change to the checker)
 *
 * Prints progress, then the summary (operations, faults by kind, violations by kind, explained
 * overlaps, recovery); the history, the workers' logs, report.json and summary.txt stay in the run's
 * directory. Exits 1 when a violation was found. On a 2-core machine shared with others, run it niced:
 * `nice -n 10 npm run faults -- …`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { killAllClients } from './clients';
import { FAULT_KINDS, WORKLOADS, type FaultKind, type WorkloadName } from './history';
import type { RunFacts } from './report';
import { checkRun, runFaults } from './suite';

function list<T extends string>(raw: string | undefined, known: readonly T[], what: string): T[] | undefined {
  if (raw === undefined || raw === 'all') return undefined;
  const items = raw.split(',').map((s) => s.trim());
  for (const item of items) {
    if (!known.includes(item as T)) throw new Error(`unknown ${what} '${item}' (known: ${known.join(', ')})`);
  }
  return items as T[];
}

function number(raw: string | undefined, what: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${what} needs a number, not '${raw}'`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string' },
      seconds: { type: 'string' },
      workload: { type: 'string' },
      clients: { type: 'string' },
      faults: { type: 'string' },
      interval: { type: 'string' },
      'session-timeout': { type: 'string' },
      lib: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      check: { type: 'string' },
    },
    strict: true,
  });
  if (values.check !== undefined) {
    const { facts } = JSON.parse(fs.readFileSync(path.join(values.check, 'report.json'), 'utf8')) as { facts: RunFacts };
    const again = checkRun({ ...facts, dir: values.check });
    console.log(again.summary);
    return again.result.violations.length === 0 ? 0 : 1;
  }
  const minutes = number(values.minutes, 'minutes');
  const interval = values.interval?.split('-').map((s) => number(s, 'interval') ?? 0);
  if (interval !== undefined && (interval.length !== 2 || interval[0] > interval[1])) throw new Error('--interval takes min-max in ms, e.g. 2000-4000');
  if (values.lib !== undefined && values.lib !== 'rxzk' && values.lib !== 'kazoo') throw new Error(`--lib is rxzk or kazoo, not '${values.lib}'`);

  const run = await runFaults({
    workloads: list<WorkloadName>(values.workload, WORKLOADS, 'workload'),
    kinds: list<FaultKind>(values.faults, FAULT_KINDS, 'fault'),
    faultSeconds: minutes !== undefined ? minutes * 60 : (number(values.seconds, 'seconds') ?? 180),
    clients: number(values.clients, 'clients'),
    interval: interval as [number, number] | undefined,
    sessionTimeout: number(values['session-timeout'], 'session-timeout'),
    lib: values.lib as 'rxzk' | 'kazoo' | undefined,
    seed: number(values.seed, 'seed'),
    outDir: values.out,
    log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  console.log('\n' + run.summary);
  return run.result.violations.length === 0 ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // The servers' watchdogs stop the JVMs once this process is gone; the workers are ours to kill.
    killAllClients();
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    killAllClients();
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(2);
  },
);
