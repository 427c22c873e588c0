/**
 * Where a lock cycle's time goes, on one local server (Netty): the cycle as rxzk's Lock does it, beside the bare
 * requests it is made of, sent the same way (create + list pipelined, then delete) with no recipe around them — the
 * floor the recipe's own cost stands on. Rounds interleaved; medians.
 *
 *   node --expose-gc --import tsx bench/recipes/lock-floor.ts [connectString] [--cycles N] [--rounds N] [--lock-only | --bare-only]
 *   node --cpu-prof --cpu-prof-dir=/tmp/p --import tsx bench/recipes/lock-floor.ts --lock-only   # where the recipe's CPU goes
 */
import '../compile-hook';
import { createClient, type ZooKeeperClient } from '../../src';
import { Lock } from '../../src/recipes';
import { startBenchServer } from '../server';
import { median } from '../stats';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const connectArg = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));

/** Cycles per second, and this process's CPU µs per cycle (user + system: the client's own cost, whatever the load). */
interface Sample {
  perSec: number;
  cpuUs: number;
}

async function timed(n: number, cycle: () => Promise<void>): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await cycle();
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { perSec: (n * 1000) / elapsed, cpuUs: (cpu.user + cpu.system) / n };
}

function lockCycles(zk: ZooKeeperClient, path: string, n: number): Promise<Sample> {
  const lock = new Lock(zk, path);
  return timed(n, async () => (await lock.acquire()).release());
}

function bareCycles(zk: ZooKeeperClient, path: string, n: number): Promise<Sample> {
  return timed(n, async () => {
    const created = zk.createWithStat(`${path}/_c_x-lock-`, 'id', { ephemeral: true, sequential: true });
    const listed = zk.getChildren(path);
    const [{ path: node }] = await Promise.all([created, listed]);
    await zk.delete(node);
  });
}

async function main(): Promise<void> {
  const server = connectArg === undefined ? await startBenchServer('netty') : null;
  const connect = connectArg ?? server!.connectString;
  const zk = createClient({ hosts: connect, sessionTimeout: 30_000 });
  await zk.start();
  const path = `/lock-floor-${Date.now()}`;
  await zk.create(path, null, { makePath: true });
  await zk.create(`${path}/keep`, null);
  const cycles = flag('cycles', 1000);
  const rounds = flag('rounds', 5);
  const lock: Sample[] = [];
  const bare: Sample[] = [];
  await lockCycles(zk, path, cycles / 10);
  await bareCycles(zk, path, cycles / 10);
  // For a CPU profile of one alone: the recipe's, or the bare requests' (the two profiles' difference is the recipe's cost).
  const lockOnly = args.includes('--lock-only');
  const bareOnly = args.includes('--bare-only');
  for (let r = 0; r < rounds; r++) {
    if (!bareOnly) lock.push(await lockCycles(zk, path, cycles));
    if (!lockOnly) bare.push(await bareCycles(zk, path, cycles));
  }
  const show = (what: string, xs: Sample[]) =>
    console.log(
      `${what}: ${Math.round(median(xs.map((x) => x.perSec)))}/s [${xs.map((x) => Math.round(x.perSec)).join(' ')}], ` +
        `client CPU ${Math.round(median(xs.map((x) => x.cpuUs)))} µs/cycle [${xs.map((x) => Math.round(x.cpuUs)).join(' ')}]`,
    );
  if (!bareOnly) show('Lock acquire+release', lock);
  if (!lockOnly) show('bare create+list, delete', bare);
  await zk.delete(path, { recursive: true });
  await zk.close();
  await server?.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
