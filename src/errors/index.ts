export { ZooKeeperError, type ZooKeeperErrorOptions } from './zookeeper-error';
export * from './server-errors';
export { RolledBackError } from './rolled-back-error';
export * from './client-errors';
