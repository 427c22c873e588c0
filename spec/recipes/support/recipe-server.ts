// The ZooKeeper a recipe spec file shares: one server for the file, an observer client to look at its nodes, clients
// closed and proxies stopped at the end. Registers its own beforeAll/afterAll, so a spec file calls it once at the top.
import type { ClientOptions, ZooKeeperClient } from '../../../src';
import { startZooKeeper, type StartedZooKeeper } from '../../../src/testing';
import { clientPool } from '../../support/fixtures';
import { TcpProxy } from '../../support/tcp-proxy';
import { ReplyGate } from './reply-gate';

export interface RecipeServer {
  /** The file's server (set in beforeAll). */
  readonly server: StartedZooKeeper;
  /** A client that only looks (set in beforeAll). */
  readonly observer: ZooKeeperClient;
  /** A started client of the server, closed in afterAll. */
  connect(options?: Partial<ClientOptions>): Promise<ZooKeeperClient>;
  /** A client not started yet, closed in afterAll. */
  client(options?: Partial<ClientOptions>): ZooKeeperClient;
  /** A proxy to the server, to cut or black-hole one client's connection; stopped in afterAll. */
  proxy(): Promise<TcpProxy>;
  /** A started client behind a proxy of its own. */
  proxied(sessionTimeout?: number): Promise<{ zk: ZooKeeperClient; proxy: TcpProxy }>;
  /** A started client behind a reply gate of its own (replies held or lost on demand); stopped in afterAll. */
  gated(sessionTimeout?: number): Promise<{ zk: ZooKeeperClient; gate: ReplyGate }>;
}

export function recipeServer(): RecipeServer {
  let server: StartedZooKeeper | undefined;
  let observer: ZooKeeperClient | undefined;
  const proxies: { stop(): Promise<void> }[] = [];
  const pool = clientPool(() => env.server.connectString);
  const env: RecipeServer = {
    get server() {
      if (server === undefined) throw new Error('the server starts in beforeAll');
      return server;
    },
    get observer() {
      if (observer === undefined) throw new Error('the observer connects in beforeAll');
      return observer;
    },
    connect: pool.connect,
    client: pool.client,
    async proxy() {
      const proxy = await TcpProxy.start(env.server.connectString);
      proxies.push(proxy);
      return proxy;
    },
    async proxied(sessionTimeout = 4_000) {
      const proxy = await env.proxy();
      return { zk: await pool.connect({ hosts: proxy.address, sessionTimeout }), proxy };
    },
    async gated(sessionTimeout = 20_000) {
      const gate = await ReplyGate.start(env.server.connectString);
      proxies.push(gate);
      return { zk: await pool.connect({ hosts: gate.address, sessionTimeout }), gate };
    },
  };
  beforeAll(async () => {
    server = await startZooKeeper();
    observer = await pool.connect();
  });
  afterAll(async () => {
    await pool.closeAll();
    for (const p of proxies.splice(0)) await p.stop();
    await server?.stop();
  });
  return env;
}
