/**
 * rxzk/angular in Node (server-side rendering, Analog, a script): an environment injector with
 * provideZooKeeper, its initializers run as bootstrapApplication runs them, and a signal made with
 * toSignal(zk.watchData$(…)) that follows the node. A browser cannot open ZooKeeper's TCP sockets.
 *
 *   npx tsx examples/angular/main.ts
 */
import { APP_INITIALIZER, Injector, createEnvironmentInjector, runInInjectionContext, type EnvironmentInjector } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { createClient } from 'rxzk';
import { injectZooKeeper, provideZooKeeper } from 'rxzk/angular';
import { startZooKeeper } from 'rxzk/testing';

async function main(): Promise<void> {
  const server = await startZooKeeper();
  const path = `/feature-flags-${process.pid}`;
  try {
    const injector = createEnvironmentInjector([provideZooKeeper({ hosts: server.connectString })], Injector.NULL as EnvironmentInjector);
    for (const init of injector.get(APP_INITIALIZER, [])) await runInInjectionContext(injector, init);

    // What a service would do in its field initialisers.
    const { zk, flags } = runInInjectionContext(injector, () => {
      const zk = injectZooKeeper();
      return { zk, flags: toSignal(zk.watchData$(path)) };
    });
    console.log(`client ${zk.state} once the initializers ran; flags: ${flags()?.data.toString() ?? '(not there)'}`);

    // An operator edits the flags with another client; the signal follows.
    const admin = createClient({ hosts: server.connectString });
    await admin.start();
    await firstValueFrom(admin.create(path, '{"beta":false}'));
    await firstValueFrom(zk.watchData$(path).pipe(filter((n) => n !== null)));
    console.log(`flags: ${flags()?.data.toString()}`);
    await firstValueFrom(admin.set(path, '{"beta":true}'));
    await firstValueFrom(zk.watchData$(path).pipe(filter((n) => n?.data.toString() === '{"beta":true}')));
    console.log(`flags: ${flags()?.data.toString()}`);

    injector.destroy(); // closes the client
    await firstValueFrom(zk.state$.pipe(filter((s) => s === 'CLOSED')));
    console.log(`injector destroyed: client ${zk.state}`);
    await lastValueFrom(admin.delete(path), { defaultValue: undefined });
    await admin.close();
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
