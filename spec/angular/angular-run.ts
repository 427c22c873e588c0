// Run by provide-zookeeper.integration.spec.ts in a child process (Angular ≥ 17 is ESM-only, which jest on Node 20
// cannot load): drives provideZooKeeper in a real environment injector against the server named by argv[2], and
// prints one JSON object of what it saw.
import { APP_INITIALIZER, DestroyRef, Injector, createEnvironmentInjector, runInInjectionContext, type EnvironmentInjector } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { filter, firstValueFrom, lastValueFrom, timeout } from 'rxjs';
import { createClient, type ConnectionState, type ZooKeeperClient } from 'rxzk';
import { ZOOKEEPER, injectZooKeeper, provideZooKeeper } from 'rxzk/angular';

const hosts = process.argv[2];
const base = `/ng-${process.pid}`;

/** An environment injector in a script: its parent is Angular's null injector. */
const environment = (): EnvironmentInjector =>
  createEnvironmentInjector([provideZooKeeper({ hosts })], Injector.NULL as EnvironmentInjector);

/** Runs the initializers as bootstrapApplication does (an environment injector runs none by itself). */
async function initialise(injector: EnvironmentInjector): Promise<void> {
  for (const init of injector.get(APP_INITIALIZER, [])) await runInInjectionContext(injector, init);
}

const reach = (zk: ZooKeeperClient, state: ConnectionState): Promise<unknown> =>
  firstValueFrom(zk.state$.pipe(filter((s) => s === state), timeout(20_000)));

async function main(): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {};
  const other = createClient({ hosts });
  await other.start();
  await lastValueFrom(other.ensurePath(base), { defaultValue: undefined });

  const injector = environment();
  const zk = injector.get(ZOOKEEPER);
  seen.sameClient = injector.get(ZOOKEEPER) === zk;
  seen.stateBeforeInitializers = zk.state;
  await initialise(injector);
  seen.stateAfterInitializers = zk.state;
  seen.injectInContext = runInInjectionContext(injector, () => injectZooKeeper()) === zk;
  try {
    injectZooKeeper();
    seen.injectOutsideContext = 'returned';
  } catch (err) {
    seen.injectOutsideContext = (err as Error).constructor.name;
  }

  // toSignal(zk.watchData$(…)): the signal follows a set() made by another client.
  await firstValueFrom(other.create(`${base}/config`, 'v1'));
  await firstValueFrom(zk.create(`${base}/eph`, '', { ephemeral: true }));
  const config = runInInjectionContext(injector, () => toSignal(injectZooKeeper().watchData$(`${base}/config`)));
  const text = (): string | undefined => config()?.data.toString();
  // The signal's value is read once the same watch, observed directly, has delivered the value (the shared server watch).
  await firstValueFrom(zk.watchData$(`${base}/config`).pipe(filter((n) => n?.data.toString() === 'v1'), timeout(20_000)));
  seen.signalFirst = text();
  await firstValueFrom(other.set(`${base}/config`, 'v2'));
  await firstValueFrom(zk.watchData$(`${base}/config`).pipe(filter((n) => n?.data.toString() === 'v2'), timeout(20_000)));
  seen.signalAfterSet = text();

  let destroyHooks = 0;
  injector.get(DestroyRef).onDestroy(() => destroyHooks++);
  const closed = reach(zk, 'CLOSED');
  injector.destroy();
  await closed;
  seen.stateAfterDestroy = zk.state;
  seen.destroyHooks = destroyHooks;
  // The session ended with the injector: its ephemeral is gone, as another client sees.
  await firstValueFrom(other.sync(base));
  seen.ephemeralAfterDestroy = (await firstValueFrom(other.exists(`${base}/eph`))) === null ? 'gone' : 'present';
  await lastValueFrom(other.delete(base, { recursive: true }), { defaultValue: undefined });
  await other.close();
  return seen;
}

main().then(
  (seen) => {
    console.log(JSON.stringify(seen));
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
