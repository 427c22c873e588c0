/**
 * A ZooKeeper client for Angular injectors that run in Node (server-side rendering, Analog's server routes, scripts;
 * a browser cannot open ZooKeeper's TCP sockets), Angular 17 to 22: `provideZooKeeper(options)` registers the client
 * under `ZOOKEEPER`, started by an app initializer and closed when the injector is destroyed; `injectZooKeeper()`
 * gives it in an injection context.
 *
 * `bootstrapApplication` and `renderApplication` run the initializer. An environment injector made by
 * `createEnvironmentInjector` (a script, a worker, a test) runs none by itself: its owner runs them, as below.
 * Optional peer: `@angular/core`. `require()` of this entry point (Angular is an ES module only) needs Node 20.19 or
 * later, or 22.12 or later; `import` works on any Node of the package's engines.
 *
 * @example
 * import { APP_INITIALIZER, createEnvironmentInjector, Injector, runInInjectionContext, type EnvironmentInjector } from '@angular/core';
 * import { provideZooKeeper, ZOOKEEPER } from 'rxzk/angular';
 *
 * const injector = createEnvironmentInjector([provideZooKeeper({ hosts: 'zk1:2181' })], Injector.NULL as EnvironmentInjector);
 * for (const init of injector.get(APP_INITIALIZER, [])) await runInInjectionContext(injector, init);
 * const zk = injector.get(ZOOKEEPER); // connected
 * injector.destroy();                  // closed
 *
 * @packageDocumentation
 * @module rxzk/angular
 */
export { provideZooKeeper, injectZooKeeper, ZOOKEEPER } from './provide-zookeeper';
