// rxzk/angular: a ZooKeeper client for Angular injectors that run in Node (server-side rendering, Analog, scripts).
export { provideZooKeeper, injectZooKeeper, ZOOKEEPER } from './provide-zookeeper';
