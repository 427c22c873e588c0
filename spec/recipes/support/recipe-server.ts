// The ZooKeeper a recipe spec file shares: one server for the file, an observer client to look at its nodes, clients
// closed and proxies stopped at the end. Registers its own beforeAll/afterAll, so a spec file calls it once at the top.
import type { ZooKeeperClient } from '../../../src';
import { extend, late } from '../../support/fixtures';
import { sharedServer, type ServerClients } from '../../support/shared-server';
import type { TcpProxy } from '../../support/tcp-proxy';
import { ReplyGate } from './reply-gate';

/** Its clients and proxies are released in afterAll. */
export interface RecipeServer extends ServerClients {
  /** A client that only looks (set in beforeAll). */
  readonly observer: ZooKeeperClient;
  /** A started client behind a proxy of its own. */
  proxied(sessionTimeout?: number): Promise<{ zk: ZooKeeperClient; proxy: TcpProxy }>;
  /** A started client behind a reply gate of its own (replies held or lost on demand); stopped in afterAll. */
  gated(sessionTimeout?: number): Promise<{ zk: ZooKeeperClient; gate: ReplyGate }>;
}

export function recipeServer(): RecipeServer {
  const shared = sharedServer();
  const { connect, proxy } = shared.clients;
  const observer = late<ZooKeeperClient>('the observer connects in beforeAll');
  const env: RecipeServer = extend(shared.clients, {
    get observer() {
      return observer.get();
    },
    async proxied(sessionTimeout = 4_000) {
      const p = await proxy();
      return { zk: await connect({ hosts: p.address, sessionTimeout }), proxy: p };
    },
    async gated(sessionTimeout = 20_000) {
      const gate = shared.stopAtRelease(await ReplyGate.start(env.server.connectString));
      return { zk: await connect({ hosts: gate.address, sessionTimeout }), gate };
    },
  });
  beforeAll(async () => {
    await shared.start();
    observer.set(await connect());
  });
  afterAll(async () => {
    await shared.release();
    await shared.stop();
  });
  return env;
}
