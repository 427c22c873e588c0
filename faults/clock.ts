/**
 * The one clock every process of a fault run writes on: CLOCK_MONOTONIC in microseconds.
 * `process.hrtime.bigint()` reads CLOCK_MONOTONIC on Linux, as Python's `time.monotonic_ns()` does,
 * so the nemesis, the suite and every worker (Node or kazoo) stamp their events on the same time line,
 * unaffected by wall-clock steps. Microseconds fit a double exactly for centuries of uptime.
 */
export function now(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Microseconds in `ms` milliseconds. */
export const us = (ms: number): number => Math.round(ms * 1000);

/** Milliseconds in `micros` microseconds. */
export const ms = (micros: number): number => micros / 1000;
