import { randomUUID } from 'node:crypto';
import { firstValueFrom, lastValueFrom, type Subscription } from 'rxjs';
import { createClient, RolledBackError, withRetry, type RetryPolicy, type ZooKeeperClient } from '../../src';
import { startZooKeeper, waitFor, type StartedZooKeeper, type ZooKeeperMember } from '../../src/testing';
import { liveAfterRelease, trackResources } from '../support/resource-tracker';

// The worst day, bounded: a 3-server ensemble whose members are killed,
// paused and restarted in turn (the leader included) while four clients
// increment a counter with compare-and-set, make protected sequential creates
// and follow the counter with watchData$; one client's session is expired on
// the way. Nothing acknowledged may be lost or applied twice.

const CHAOS_MS = 45_000;
const RETRY: RetryPolicy = { maxTries: -1, delay: 100, maxDelay: 1_000, retryOnExpired: true };
const ROOT = '/chaos';
const COUNTER = `${ROOT}/counter`;
const MARKERS = `${ROOT}/increments`;
const CREATES = `${ROOT}/creates`;

/** The chaos schedule: how long a fault (or the calm between two) lasts. A duration of the test's own making, not a synchronisation. */
const faultFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Worker {
  name: string;
  zk: ZooKeeperClient;
  increments: number;
  creates: string[];
  lastSeen: number | null;
  suspensions: number;
  expiries: number;
  subscriptions: Subscription[];
}

/**
 * One compare-and-set increment. The transaction also creates a marker node
 * unique to this increment, so that when a reply is lost (the commit is
 * retried and answers BadVersion or NodeExists) the marker tells whether the
 * increment was in fact applied.
 */
async function increment(zk: ZooKeeperClient): Promise<void> {
  for (;;) {
    const { data, stat } = await firstValueFrom(zk.get(COUNTER).pipe(withRetry(RETRY)));
    const marker = `${MARKERS}/${randomUUID()}`;
    try {
      await firstValueFrom(
        zk.transaction().set(COUNTER, String(Number(data.toString()) + 1), stat.version).create(marker).commit().pipe(withRetry(RETRY)),
      );
      return;
    } catch (err) {
      if (!(err instanceof RolledBackError)) throw err;
      if ((await firstValueFrom(zk.exists(marker).pipe(withRetry(RETRY)))) !== null) return; // applied by an attempt whose reply was lost
      // Someone else incremented first: read again.
    }
  }
}

describe('chaos', () => {
  let ensemble: StartedZooKeeper;

  beforeAll(async () => {
    ensemble = await startZooKeeper({ servers: 3 });
  }, 60_000);

  afterAll(async () => {
    await ensemble.stop();
  });

  it('loses nothing acknowledged through crashes, freezes, restarts and an expiry', async () => {
    const problems: unknown[] = [];
    const onProblem = (err: unknown) => problems.push(err);
    process.on('unhandledRejection', onProblem);
    process.on('uncaughtException', onProblem);
    const resources = trackResources();
    const log: string[] = [];
    let failovers = 0;
    let expiries = 0;

    try {
      const setup = createClient({ hosts: ensemble.connectString });
      await setup.start();
      await lastValueFrom(setup.ensurePath(MARKERS), { defaultValue: undefined });
      await lastValueFrom(setup.ensurePath(CREATES), { defaultValue: undefined });
      await firstValueFrom(setup.create(COUNTER, '0'));
      await setup.close();

      const workers: Worker[] = [];
      for (let i = 0; i < 4; i++) {
        const zk = createClient({ hosts: ensemble.connectString, sessionTimeout: 4_000, retry: { delay: 50, maxDelay: 1_000 } });
        await zk.start();
        const worker: Worker = { name: `client-${i}`, zk, increments: 0, creates: [], lastSeen: null, suspensions: 0, expiries: 0, subscriptions: [] };
        worker.subscriptions.push(
          zk.state$.subscribe((state) => {
            if (state === 'SUSPENDED') worker.suspensions++;
            if (state === 'EXPIRED') worker.expiries++;
          }),
          zk.watchData$(COUNTER).subscribe({
            next: (v) => (worker.lastSeen = v === null ? null : Number(v.data.toString())),
            error: onProblem,
          }),
        );
        workers.push(worker);
      }

      let running = true;
      const loops = workers.flatMap((w) => [
        (async () => {
          while (running) {
            await increment(w.zk);
            w.increments++;
          }
        })(),
        (async () => {
          while (running) {
            const path = await firstValueFrom(w.zk.create(`${CREATES}/c-`, w.name, { protected: true, sequential: true }).pipe(withRetry(RETRY)));
            w.creates.push(path);
          }
        })(),
      ]);

      // The chaos: one member at a time, so the ensemble keeps its quorum; the leader is hit on purpose every other round.
      const started = Date.now();
      const actions = ['kill', 'pause', 'stop'] as const;
      for (let round = 0; Date.now() - started < CHAOS_MS; round++) {
        await faultFor(1_500); // the calm between faults
        let victim: ZooKeeperMember;
        try {
          victim = round % 2 === 0 ? await ensemble.leader(10_000) : ensemble.members[round % 3];
        } catch {
          continue; // no leader yet: an election is running
        }
        const action = actions[round % actions.length];
        log.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${action} server ${victim.id}${round % 2 === 0 ? ' (leader)' : ''}`);
        if (action === 'pause') {
          await victim.pause();
          await faultFor(3_500); // frozen longer than the clients' read timeout
          await victim.resume();
        } else {
          await (action === 'kill' ? victim.kill() : victim.stop());
          await faultFor(2_000); // down this long
          await victim.start({ waitUntilServing: false });
        }
        if (round === 3) {
          log.push(`${((Date.now() - started) / 1000).toFixed(1)}s expire the session of ${workers[1].name}`);
          await ensemble.expireSession(workers[1].zk);
          expiries++;
        }
      }
      running = false;
      await Promise.all(loops);
      await ensemble.leader(30_000);

      // The verdict, from a fresh client.
      const judge = createClient({ hosts: ensemble.connectString });
      await judge.start();
      const finalCounter = Number((await firstValueFrom(judge.get(COUNTER))).data.toString());
      const markers = await firstValueFrom(judge.getChildren(MARKERS));
      const created = await firstValueFrom(judge.getChildren(CREATES));
      const acknowledgedIncrements = workers.reduce((n, w) => n + w.increments, 0);
      const acknowledgedCreates = workers.flatMap((w) => w.creates);

      // Every watcher ends on the final value.
      const deadline = Date.now() + 20_000;
      await waitFor(() => workers.every((w) => w.lastSeen === finalCounter), { timeout: Math.max(0, deadline - Date.now()), description: 'every watcher on the final value' }).catch(() => undefined);

      failovers = workers.reduce((n, w) => n + w.suspensions, 0);
      const expiredSeen = workers.reduce((n, w) => n + w.expiries, 0);
      console.log(
        [
          `chaos over ${((Date.now() - started) / 1000).toFixed(0)} s: ${acknowledgedIncrements} increments, ${acknowledgedCreates.length} creates, ` +
            `${failovers} failovers (SUSPENDED), ${expiredSeen} expiries seen (${expiries} caused)`,
          ...log,
        ].join('\n'),
      );

      expect(finalCounter).toBe(acknowledgedIncrements);
      expect(markers).toHaveLength(acknowledgedIncrements);
      expect(new Set(acknowledgedCreates).size).toBe(acknowledgedCreates.length);
      expect(created.map((c) => `${CREATES}/${c}`).sort()).toEqual([...acknowledgedCreates].sort());
      expect(workers.map((w) => w.lastSeen)).toEqual(workers.map(() => finalCounter));
      expect(expiredSeen).toBeGreaterThanOrEqual(1);
      expect(failovers).toBeGreaterThanOrEqual(4);
      expect(acknowledgedIncrements).toBeGreaterThan(0);

      for (const w of workers) for (const s of w.subscriptions) s.unsubscribe();
      await Promise.all([...workers.map((w) => w.zk.close()), judge.close()]);
      expect(await liveAfterRelease(resources)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      resources.stop();
      process.off('unhandledRejection', onProblem);
      process.off('uncaughtException', onProblem);
    }
  }, 170_000);
});
