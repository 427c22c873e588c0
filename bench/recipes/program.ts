/**
 * The protocol of bench/recipes/run.ts's Node programs (rxzk_bench.ts, socket_bench.ts), in one place: the command
 * line `<connectString> <workload> '<json params>'`, and one JSON line out — `{"result":{...}}`, `{"error":"..."}`,
 * or first `{"ready":true}` where the orchestrator acts while the program waits.
 *
 * @example
 * const { connect, workload, num } = programArgs();
 * runWorkload({ 'lock-cycle': lockCycle }, workload);
 */

/** The program's command line: where to connect, which workload, and its parameters. */
export function programArgs(): { connect: string; workload: string; params: Record<string, unknown>; num: (key: string) => number; str: (key: string) => string } {
  const [connect, workload, rawParams] = process.argv.slice(2);
  const params = JSON.parse(rawParams ?? '{}') as Record<string, unknown>;
  return { connect, workload, params, num: (key) => Number(params[key]), str: (key) => String(params[key]) };
}

/** Prints one line of the protocol. */
export function emit(line: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(line) + '\n');
}

/** Runs `workload` of `workloads`, prints its result or its error, and exits (2: no such workload). */
export function runWorkload(workloads: Record<string, () => Promise<Record<string, unknown>>>, workload: string): void {
  const run = workloads[workload];
  if (run === undefined) {
    emit({ error: `unknown workload ${workload}` });
    process.exit(2);
  }
  run().then(
    (result) => {
      emit({ result });
      process.exit(0);
    },
    (err: unknown) => {
      emit({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      process.exit(1);
    },
  );
}
