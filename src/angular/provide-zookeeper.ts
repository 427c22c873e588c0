import { APP_INITIALIZER, DestroyRef, InjectionToken, inject, makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';
import { createClient, type ClientOptions, type ZooKeeperClient } from '../index';

/**
 * The injection token of the client `provideZooKeeper()` registers.
 *
 * @example
 * const zk = injector.get(ZOOKEEPER);
 */
export const ZOOKEEPER = new InjectionToken<ZooKeeperClient>('rxzk ZooKeeperClient');

/**
 * A ZooKeeper client for an Angular injector that runs in Node (server-side
 * rendering, Analog's server routes, an environment injector in a script; a
 * browser cannot open the TCP sockets ZooKeeper speaks): started by an app
 * initializer — `bootstrapApplication` and `renderApplication` run it, and
 * wait for the connection — and closed when the injector is destroyed.
 *
 * An injector made by `createEnvironmentInjector` runs no initializer: its
 * owner runs them (`for (const f of injector.get(APP_INITIALIZER, [])) await runInInjectionContext(injector, f)`).
 *
 * @example
 * const injector = createEnvironmentInjector([provideZooKeeper({ hosts: 'zk1:2181' })], parent);
 * for (const init of injector.get(APP_INITIALIZER, [])) await runInInjectionContext(injector, init);
 * const zk = injector.get(ZOOKEEPER); // connected
 * injector.destroy();                  // closed
 */
export function provideZooKeeper(options: ClientOptions): EnvironmentProviders {
  return makeEnvironmentProviders([
    {
      provide: ZOOKEEPER,
      useFactory: (): ZooKeeperClient => {
        const zk = createClient(options);
        inject(DestroyRef).onDestroy(() => void zk.close());
        return zk;
      },
    },
    {
      // APP_INITIALIZER rather than provideAppInitializer (Angular 19+): the same token, from Angular 17 on.
      provide: APP_INITIALIZER,
      multi: true,
      useFactory: () => {
        const zk = inject(ZOOKEEPER);
        return () => zk.start();
      },
    },
  ]);
}

/**
 * The client `provideZooKeeper()` registered, from an injection context.
 *
 * @example
 * @Injectable({ providedIn: 'root' })
 * export class ConfigStore {
 *   private readonly zk = injectZooKeeper();
 *   readonly config = toSignal(this.zk.watchData$('/config'));
 * }
 */
export function injectZooKeeper(): ZooKeeperClient {
  return inject(ZOOKEEPER);
}
