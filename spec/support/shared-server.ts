// The ZooKeeper one spec file shares and what its tests make of it: clients (a clientPool) and proxies, released
// together. It registers no hooks: the helper built on it (recipeServer, otelServer) says when each step runs, so
// that its own set-up and teardown fall in the right place between them, and adds its members to `clients`.
import type { ClientOptions, ZooKeeperClient } from '../../src';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { clientPool, late } from './fixtures';
import { TcpProxy } from './tcp-proxy';

/** What a spec sees of the shared server; the helper built on it says when release() comes (after each test, or the file). */
export interface ServerClients {
  /** The file's server (set in beforeAll). */
  readonly server: StartedZooKeeper;
  /** A started client of the server, closed at release(). */
  connect(options?: Partial<ClientOptions>): Promise<ZooKeeperClient>;
  /** A client not started yet, closed at release(). */
  client(options?: Partial<ClientOptions>): ZooKeeperClient;
  /** A proxy to the server, to cut or black-hole one client's connection; stopped at release(). */
  proxy(): Promise<TcpProxy>;
}

export interface SharedServer {
  /** For the spec: a new object, the caller's own to extend. */
  readonly clients: ServerClients;
  /** Stops `stoppable` (a proxy of another kind) at release(); gives it back. */
  stopAtRelease<T extends { stop(): Promise<void> }>(stoppable: T): T;
  /** Starts the server (the caller's beforeAll). */
  start(): Promise<void>;
  /** Closes every client, then stops every proxy (the caller's afterEach or afterAll). */
  release(): Promise<void>;
  /** Stops the server (the caller's afterAll, after release()). */
  stop(): Promise<void>;
}

export function sharedServer(): SharedServer {
  const server = late<StartedZooKeeper>('the server starts in beforeAll');
  const proxies: { stop(): Promise<void> }[] = [];
  const pool = clientPool(() => server.get().connectString);
  const stopAtRelease = <T extends { stop(): Promise<void> }>(stoppable: T): T => {
    proxies.push(stoppable);
    return stoppable;
  };
  return {
    clients: {
      get server() {
        return server.get();
      },
      connect: pool.connect,
      client: pool.client,
      proxy: async () => stopAtRelease(await TcpProxy.start(server.get().connectString)),
    },
    stopAtRelease,
    async start() {
      server.set(await startZooKeeper());
    },
    async release() {
      await pool.closeAll();
      for (const p of proxies.splice(0)) await p.stop();
    },
    async stop() {
      await server.peek()?.stop();
    },
  };
}
