// The fault suite's short run (issue 17): five client processes on the built package, each behind its own
// proxies to a real 3-server ensemble, drive Lock, Semaphore, LeaderLatch, Counter, Queue and LockingQueue at
// once while the nemesis injects a fault every 2–4 s for 80 s (at least two of every kind); then the faults
// stop and the history is checked. Any violation fails the spec with its explanation; the run's directory
// (histories, worker logs, report.json, summary.txt) is kept then and removed otherwise. The long run is
// `npm run faults -- --minutes 3 --workload counter` (see faults/README.md).
import * as fs from 'node:fs';
import { runFaults, type FaultRun } from '../../faults/suite';
import { FAULT_KINDS, PROGRESS_OPS, WORKLOADS } from '../../faults/history';

const FAULT_SECONDS = 80;

/** Violations by kind, each with up to three explanations: what the failure message shows. */
function byKind(run: FaultRun): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of run.result.violations) (out[v.kind] ??= []).push(`[${v.workload}] ${v.explanation}`);
  for (const kind of Object.keys(out)) if (out[kind].length > 3) out[kind] = [...out[kind].slice(0, 3), `… ${out[kind].length - 3} more`];
  return out;
}

describe('fault suite (short run)', () => {
  let run: FaultRun | undefined;

  afterAll(() => {
    if (run === undefined) return;
    if (run.result.violations.length === 0) fs.rmSync(run.dir, { recursive: true, force: true });
    else console.log(`${run.summary}\n(kept: ${run.dir})`);
  });

  it('six recipes through cuts, partitions, pauses, kills and expiries: no violation, and every workload recovers', async () => {
    run = await runFaults({ faultSeconds: FAULT_SECONDS });
    const { result } = run;

    // The run did what it says: every fault kind at least twice, every workload's operations confirmed.
    expect(FAULT_KINDS.filter((k) => (result.faults[k]?.count ?? 0) < 2)).toEqual([]);
    for (const workload of WORKLOADS) {
      for (const op of PROGRESS_OPS[workload]) expect({ op, ok: (result.ops[op]?.ok ?? 0) > 0 }).toEqual({ op, ok: true });
    }

    expect(byKind(run)).toEqual({});
    expect(result.recovery.map((r) => ({ workload: r.workload, recovered: r.ms !== null }))).toEqual(WORKLOADS.map((workload) => ({ workload, recovered: true })));
  }, 330_000);
});
