/**
 * A pipeline that runs only while the client is connected: a heartbeat written every 200 ms through
 * whileConnected(zk). When the connection drops, the pipeline is unsubscribed (no write is attempted
 * against a connection that cannot serve it); when it is back, it starts again on the same session.
 *
 *   npx tsx examples/while-connected/main.ts
 */
import { BehaviorSubject, filter, firstValueFrom, interval, lastValueFrom, switchMap, tap, timeout } from 'rxjs';
import { whileConnected } from 'rxzk';
import { zooKeeperHarness } from 'rxzk/testing';

async function main(): Promise<void> {
  // The harness puts a proxy between the client and a throwaway server, so the example can cut the connection for real.
  const harness = zooKeeperHarness();
  await harness.setup();
  try {
    const zk = await harness.client();
    await lastValueFrom(zk.ensurePath('/heartbeat'), { defaultValue: undefined });
    const beats$ = new BehaviorSubject(0);
    const heartbeat = interval(200).pipe(
      switchMap(() => zk.set('/heartbeat', new Date().toISOString())),
      tap(() => beats$.next(beats$.value + 1)),
      whileConnected(zk),
    );
    const subscription = heartbeat.subscribe({ error: (err: unknown) => console.error('heartbeat failed', err) });
    zk.state$.subscribe((state) => console.log(`state ${state}: heartbeat ${state === 'CONNECTED' ? 'running' : 'paused'} (${beats$.value} beats so far)`));

    await beatsReach(beats$, 3);
    await harness.loseConnection(zk, { for: 1_000 }); // paused for that second, resumed after
    await beatsReach(beats$, beats$.value + 3);
    subscription.unsubscribe();
    const { stat } = await firstValueFrom(zk.get('/heartbeat'));
    console.log(`${beats$.value} beats written (node version ${stat.version}), the session survived the cut: ${zk.session?.id.toString(16)}`);
  } finally {
    await harness.teardown();
  }
}

/** Resolves once `n` beats were written (bounded: a heartbeat that stopped fails the example). */
function beatsReach(beats$: BehaviorSubject<number>, n: number): Promise<number> {
  return firstValueFrom(beats$.pipe(filter((b) => b >= n), timeout(20_000)));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
