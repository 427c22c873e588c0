// The set-up an interop spec file shares: recipeServer's server and observer, an rxzk client `zk` to act with, and the
// peers it asks for — a real Curator 5.4 and/or kazoo 2.8 (spec/support/interop/peers.ts) — started side by side in
// one beforeAll (the JVM and the Python interpreter each take seconds; Curator's classes compile once per machine) and
// closed in afterAll before the server stops. A spec file calls it once at the top.
import type { ZooKeeperClient } from '../../../src';
import { extend, late } from '../../support/fixtures';
import { startCuratorPeer, startKazooPeer, type CuratorPeer, type KazooPeer } from '../../support/interop/peers';
import { recipeServer, type RecipeServer } from './recipe-server';

export interface InteropServer extends RecipeServer {
  /** An rxzk client of the server, to act beside the peers (set in beforeAll). */
  readonly zk: ZooKeeperClient;
  /** The Curator peer (set in beforeAll, when asked for). */
  readonly curator: CuratorPeer;
  /** The kazoo peer (set in beforeAll, when asked for). */
  readonly kazoo: KazooPeer;
}

/** Starting the JVM, compiling the Curator peer once per machine, connecting: well above the default 30 s test timeout. */
const START_TIMEOUT = 90_000;

export function interopServer(peers: { curator?: boolean; kazoo?: boolean }): InteropServer {
  const zk = late<ZooKeeperClient>('zk connects in beforeAll');
  const curator = late<CuratorPeer>(peers.curator ? 'the Curator peer starts in beforeAll' : 'interopServer was not asked for a Curator peer');
  const kazoo = late<KazooPeer>(peers.kazoo ? 'the kazoo peer starts in beforeAll' : 'interopServer was not asked for a kazoo peer');
  // Registered before recipeServer's afterAll, so it runs first: the peers' sessions end while the server is up.
  afterAll(async () => {
    await Promise.all([curator.peek()?.close(), kazoo.peek()?.close()]);
  });
  const server = recipeServer();
  beforeAll(async () => {
    const [c, k, z] = await Promise.all([
      peers.curator ? startCuratorPeer(server.server.connectString) : undefined,
      peers.kazoo ? startKazooPeer(server.server.connectString) : undefined,
      server.connect(),
    ]);
    curator.set(c);
    kazoo.set(k);
    zk.set(z);
  }, START_TIMEOUT);
  return extend(server, {
    get zk() {
      return zk.get();
    },
    get curator() {
      return curator.get();
    },
    get kazoo() {
      return kazoo.get();
    },
  });
}
