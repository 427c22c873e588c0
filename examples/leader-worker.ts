/**
 * A job that runs only while this process leads: two workers join one
 * LeaderLatch election, each pipes its job through whileLeader, so only the
 * leader's job ticks; when the leader leaves, the other one takes over.
 *
 *   npx tsx examples/leader-worker.ts            # a throwaway ZooKeeper
 *   ZOOKEEPER_CONNECT=zk1:2181 npx tsx examples/leader-worker.ts
 */
import { filter, firstValueFrom, interval, map, Subject, type Subscription } from 'rxjs';
import { createClient, type ZooKeeperClient } from 'rxzk';
import { LeaderLatch, whileLeader } from 'rxzk/recipes';
import { startZooKeeper } from 'rxzk/testing';

interface Tick {
  worker: string;
  n: number;
}

/** One worker: its job (a tick every 100 ms) runs only while its latch leads. */
function worker(zk: ZooKeeperClient, path: string, name: string, ticks: Subject<Tick>): Subscription {
  const latch = new LeaderLatch(zk, path, { identifier: name });
  return interval(100)
    .pipe(
      map((n) => ({ worker: name, n })),
      whileLeader(latch),
    )
    .subscribe(ticks);
}

async function main(): Promise<void> {
  const server = process.env.ZOOKEEPER_CONNECT ? null : await startZooKeeper();
  const hosts = process.env.ZOOKEEPER_CONNECT ?? server!.connectString;
  const [a, b] = [createClient({ hosts }), createClient({ hosts })];
  await Promise.all([a.start(), b.start()]);
  const path = `/leader-worker-demo-${process.pid}`;
  const ticks = new Subject<Tick>();
  ticks.subscribe(({ worker: w, n }) => console.log(`${w} runs the job (tick ${n})`));

  const workerA = worker(a, path, 'worker-a', ticks);
  // worker-a leads first: wait for its third tick before worker-b joins.
  await firstValueFrom(ticks.pipe(filter((t) => t.worker === 'worker-a' && t.n === 2)));
  const workerB = worker(b, path, 'worker-b', ticks);

  // worker-a steps down (unsubscribing leaves the election): worker-b's job starts.
  const takeover = firstValueFrom(ticks.pipe(filter((t) => t.worker === 'worker-b'), map((t) => t.worker)));
  workerA.unsubscribe();
  console.log('worker-a left the election');
  console.log(`${await takeover} took over`);
  await firstValueFrom(ticks.pipe(filter((t) => t.worker === 'worker-b' && t.n >= 2)));

  workerB.unsubscribe();
  await Promise.all([a.close(), b.close()]);
  await server?.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
