/** The printed summary of a fault run: operations, faults by kind, violations by kind, explained overlaps, recovery. */
import { VIOLATION_KINDS, type CheckResult } from './check';
import { FAULT_KINDS, type WorkloadName } from './history';

/** What a run was: enough to check its history again (report.json keeps it). */
export interface RunFacts {
  lib: string;
  workloads: readonly WorkloadName[];
  clients: number;
  faultSeconds: number;
  seed: number;
  sessionTimeout: number;
  semaphoreLeases: number;
  recoveryBound: number;
  hangBound: number;
  dir: string;
}

const pad = (s: string | number, n: number): string => String(s).padEnd(n);
const lpad = (s: string | number, n: number): string => String(s).padStart(n);

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
}

export function summary(result: CheckResult, facts: RunFacts): string {
  const lines: string[] = [];
  lines.push(
    `${facts.lib} fault run: ${facts.workloads.join(', ')}; ${facts.clients} client processes; ${facts.faultSeconds} s of faults; session timeout ${facts.sessionTimeout} ms; seed ${facts.seed}`,
  );
  lines.push(`history and report: ${facts.dir}`, '');

  lines.push('Operations                 ok      fail   unknown  unfinished');
  for (const [op, row] of Object.entries(result.ops)) {
    lines.push(`  ${pad(op, 22)} ${lpad(row.ok ?? 0, 7)} ${lpad(row.fail ?? 0, 8)} ${lpad(row.unknown ?? 0, 8)} ${lpad(row.unfinished ?? 0, 10)}`);
  }

  const held = Object.entries(result.holdings).map(([r, n]) => `${r} ${n}`);
  if (held.length > 0) lines.push(`Holdings begun: ${held.join(', ')}${result.holdings.latch !== undefined ? ' (latch: terms of leadership)' : ''}`);

  lines.push('', 'Faults                  count  errors  lasted ms (min / median / max)');
  for (const kind of FAULT_KINDS) {
    const row = result.faults[kind];
    if (row === undefined) continue;
    const ms = row.ms;
    const spread = ms.length === 0 ? '-' : `${Math.round(Math.min(...ms))} / ${Math.round(median(ms))} / ${Math.round(Math.max(...ms))}`;
    lines.push(`  ${pad(kind, 20)} ${lpad(row.count, 6)} ${lpad(row.errors, 7)}  ${spread}`);
  }

  lines.push('', 'Violations by kind');
  let any = false;
  for (const kind of VIOLATION_KINDS) {
    const found = result.violations.filter((v) => v.kind === kind);
    if (found.length === 0) continue;
    any = true;
    lines.push(`  ${pad(kind, 26)} ${found.length}`);
    for (const v of found.slice(0, 5)) lines.push(`    [${v.workload}] ${v.explanation}`);
    if (found.length > 5) lines.push(`    … and ${found.length - 5} more (report.json)`);
  }
  if (!any) lines.push('  none');

  const ex = result.explained;
  lines.push('', `Overlaps explained by a pause past the session timeout or a forced expiry of the stale holder: ${ex.length}`);
  for (const e of ex.slice(0, 5)) {
    lines.push(
      e.cause === 'pause'
        ? `  [${e.workload}] ${e.stale} paused ${Math.round(e.pauseMs)} ms; ${e.other} began holding; ${e.stale}'s last use came ${e.lastUseAfterResumeMs.toFixed(1)} ms after its SIGCONT`
        : `  [${e.workload}] ${e.stale}'s session was expired by the nemesis; ${e.other} began holding; ${e.stale}'s last use came ${e.lastUseAfterResumeMs.toFixed(1)} ms after the expiry was issued, before its own server told it`,
    );
  }
  lines.push(`Uses with a stale token (a fenced resource refuses them): lock ${result.staleUses.lock}, latch ${result.staleUses.latch}`);
  for (const note of result.notes) lines.push(note);

  lines.push('', 'Recovery after the faults stopped (ms; the slowest worker, then each)');
  for (const r of result.recovery) {
    const each = Object.entries(r.perWorker)
      .map(([w, v]) => `${w} ${v === null ? 'never' : Math.round(v)}`)
      .join(', ');
    lines.push(`  ${pad(r.workload, 14)} ${lpad(r.ms === null ? 'never' : Math.round(r.ms), 6)}   (${each})`);
  }
  lines.push('', `violations: ${result.violations.length}`);
  return lines.join('\n');
}
