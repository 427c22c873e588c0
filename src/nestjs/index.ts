// rxzk/nestjs: ZooKeeper clients as NestJS providers, started with the module and closed on shutdown.
export { ZooKeeperModule, type ZooKeeperModuleOptions, type ZooKeeperModuleAsyncOptions } from './zookeeper-module';
export { InjectZooKeeper } from './inject-zookeeper';
export { getZooKeeperToken } from './tokens';
export { ZooKeeperHealthIndicator, type ZooKeeperHealthResult } from './health-indicator';
