/**
 * ZooKeeper clients as NestJS providers (NestJS 10, 11 and 12): `ZooKeeperModule.forRoot(options)` or
 * `forRootAsync({ useFactory, inject })` registers a client that is started while the module initialises (bootstrap
 * fails with `start()`'s error) and closed on application shutdown; `@InjectZooKeeper(name?)` injects it
 * (`getZooKeeperToken(name?)` is its token, `'default'` the unnamed one's); `ZooKeeperHealthIndicator` reports it to
 * @nestjs/terminus.
 *
 * Optional peers: `@nestjs/common`, `@nestjs/core`, `reflect-metadata`; `@nestjs/terminus` for the health indicator.
 * From an ES module any Node of the package's engines works; `require()` with NestJS 12 (an ES module only) needs Node
 * 20.19 or later, or 22.12 or later.
 *
 * Under tsx, vitest or another esbuild-based runner, TypeScript is compiled without decorator metadata: name every
 * injection (`@InjectZooKeeper()`, `@Inject(ConfigService)`), since Nest cannot read constructor parameter types there.
 *
 * @example
 * @Module({ imports: [ZooKeeperModule.forRoot({ hosts: 'zk1:2181,zk2:2181/app' })], providers: [Jobs] })
 * export class AppModule {}
 *
 * @Injectable()
 * export class Jobs {
 *   constructor(@InjectZooKeeper() private readonly zk: ZooKeeperClient, @Inject(ConfigService) private readonly config: ConfigService) {}
 * }
 *
 * @packageDocumentation
 * @module rxzk/nestjs
 */
export { ZooKeeperModule, type ZooKeeperModuleOptions, type ZooKeeperModuleAsyncOptions } from './zookeeper-module';
export { InjectZooKeeper } from './inject-zookeeper';
export { getZooKeeperToken } from './tokens';
export { ZooKeeperHealthIndicator, type ZooKeeperHealthResult } from './health-indicator';
