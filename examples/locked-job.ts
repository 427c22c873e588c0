/**
 * A critical section: three workers take turns with one Lock, and each
 * passes holding.signal to its work, so the work stops by itself if the
 * lock is lost (SUSPENDED past the session timeout, an expiry); the fencing
 * token tells every later holder from an earlier one.
 *
 *   npx tsx examples/locked-job.ts            # a throwaway ZooKeeper
 *   ZOOKEEPER_CONNECT=zk1:2181 npx tsx examples/locked-job.ts
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createClient } from 'rxzk';
import { Lock, type Holding } from 'rxzk/recipes';
import { startZooKeeper } from 'rxzk/testing';

/** The protected work: a few steps, each abandoned at once if the signal aborts (the lock was lost). */
async function migrateBatch(worker: string, holding: Holding): Promise<number> {
  let done = 0;
  for (let step = 0; step < 3; step++) {
    await delay(50, undefined, { signal: holding.signal });
    done++;
  }
  console.log(`${worker} migrated ${done} steps with fencing token ${holding.fencingToken}`);
  return done;
}

async function main(): Promise<void> {
  const server = process.env.ZOOKEEPER_CONNECT ? null : await startZooKeeper();
  const hosts = process.env.ZOOKEEPER_CONNECT ?? server!.connectString;
  const clients = [createClient({ hosts }), createClient({ hosts }), createClient({ hosts })];
  await Promise.all(clients.map((zk) => zk.start()));
  const path = `/locked-job-demo-${process.pid}`;

  let inside = 0;
  const results = await Promise.all(
    clients.map((zk, i) => {
      const worker = `worker-${i + 1}`;
      return new Lock(zk, path, { identifier: worker }).withLock(
        async (holding) => {
          inside++;
          if (inside > 1) throw new Error('two workers inside the critical section');
          try {
            return await migrateBatch(worker, holding);
          } finally {
            inside--;
          }
        },
        { timeout: 20_000 },
      );
    }),
  );
  console.log(`all done, one at a time: ${results.reduce((a, b) => a + b, 0)} steps`);

  await Promise.all(clients.map((zk) => zk.close()));
  await server?.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
