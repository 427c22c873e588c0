import { randomUUID } from 'node:crypto';
import { filter, firstValueFrom, lastValueFrom, timeout } from 'rxjs';
import { createClient, type ClientOptions, type ZooKeeperClient } from '../index';
import { checkStartOptions, startZooKeeper } from './start-zookeeper';
import { TcpProxy } from './tcp-proxy';
import type { StartedZooKeeper, StartZooKeeperOptions } from './types';

/**
 * Options of `zooKeeperHarness`: those of `startZooKeeper` (an ensemble with `servers: 3`, a client port with `port`).
 *
 * @example
 * const harness = zooKeeperHarness({ servers: 3 });
 */
export type HarnessOptions = StartZooKeeperOptions;

/**
 * What `zooKeeperHarness()` gives a test file.
 *
 * @example
 * const harness = zooKeeperHarness();
 * beforeAll(() => harness.setup());
 * afterAll(() => harness.teardown());
 */
export interface ZooKeeperHarness {
  /**
   * Starts the server (or ensemble) of this test file: call it in `beforeAll`. Rejects with `startZooKeeper`'s
   * error (a ZooKeeperStartError with the server's log) when it cannot start.
   *
   * @example
   * beforeAll(() => harness.setup(), 120_000); // a JVM may need a while on a busy CI machine
   */
  setup(): Promise<void>;
  /** The started server, once `setup()` has resolved. */
  readonly server: StartedZooKeeper;
  /**
   * A client, started, chrooted to a fresh unique path (so tests never see
   * each other's nodes) and connected through a proxy of its own, closed at
   * teardown. `opts` are passed on (`hosts` and `chroot` are the harness's).
   *
   * @param opts client options; `hosts` and `chroot` are ignored
   * @example
   * const zk = await harness.client({ sessionTimeout: 6000 });
   * await firstValueFrom(zk.create('/a', 'x')); // '/a' in this client's own chroot
   */
  client(opts?: Partial<ClientOptions>): Promise<ZooKeeperClient>;
  /**
   * The chroot of a client this harness made (a path under `/rxzk-harness`), for a client of your own that must see
   * its nodes: a writer in another process, a peer in another language.
   *
   * @param zk a client this harness made
   * @example
   * const zk = await harness.client();
   * const writer = createClient({ hosts: harness.server.connectString, chroot: harness.chrootOf(zk) });
   */
  chrootOf(zk: ZooKeeperClient): string;
  /**
   * Cuts that client's TCP connection (both sides reset) and refuses its
   * reconnections for `for` ms (default 0: back at once); resolves once the
   * client is CONNECTED again, on the same session, and what the reconnection
   * set off has settled: the harness's own round trip (an `exists`) queued
   * behind the requests sent on reconnecting is answered, so a holding's check
   * of its node is done (`holding.state` reads HELD again) and restored watches
   * have been re-read, as a test expects once the cut is over.
   *
   * @param zk a client this harness made
   * @param opts `for`: how long reconnections are refused, in ms (keep it under the session timeout to keep the session)
   * @example
   * const before = zk.session!.id;
   * await harness.loseConnection(zk, { for: 1000 });
   * expect(zk.session!.id).toBe(before); // the same session: ephemerals and watches survived
   */
  loseConnection(zk: ZooKeeperClient, opts?: { for?: number }): Promise<void>;
  /**
   * A real server-side expiry of that client's session (its ephemerals are deleted, its watches get an Expired
   * event); resolves once it is CONNECTED on its new session and the requests that set off are answered (as for
   * `loseConnection`). As after a session timed out, the client is disconnected first and learns of the expiry on
   * its next connection: it never reconnects to the closing session in between.
   *
   * @param zk a client this harness made
   * @example
   * await harness.expireSession(zk);
   * expect(await firstValueFrom(zk.exists('/my-ephemeral'))).toBeNull();
   */
  expireSession(zk: ZooKeeperClient): Promise<void>;
  /**
   * Closes the clients and proxies and stops the server: call it in `afterAll`. On ZOOKEEPER_CONNECT, deletes the
   * chroots instead. Leaves no process, port or temporary file.
   *
   * @example
   * afterAll(() => harness.teardown());
   */
  teardown(): Promise<void>;
}

/**
 * Resolves once a round trip sent now is answered. Whatever the client's state listeners sent when it (re)connected — a
 * holding's check of its node, the reads of restored watches — went out before it, and a session's requests are
 * answered in order, so their replies have been handled by then (issue 18.3: a holding read SUSPENDED right after
 * loseConnection resolved, and turned HELD a reply later).
 */
async function settled(zk: ZooKeeperClient): Promise<void> {
  await lastValueFrom(zk.exists('/').pipe(timeout(RECOVERY_TIMEOUT_MS)), { defaultValue: null });
}

/** The parent of every harness chroot. */
const HARNESS_ROOT = '/rxzk-harness';

/** How long the harness waits for a client to reconnect or to get its new session. */
const RECOVERY_TIMEOUT_MS = 60_000;

interface HarnessClient {
  zk: ZooKeeperClient;
  proxies: TcpProxy[];
  chroot: string;
}

/**
 * A test harness like kazoo's KazooTestHarness, with what it lacks: one
 * server (or ensemble) per test file; clients each chrooted to a fresh path
 * and each behind its own TCP proxy, so that a test can cut one client's
 * connection (its session surviving) or expire its session for real on the
 * server; a teardown that leaves no process, port, file or node behind.
 *
 * @example
 * const harness = zooKeeperHarness();
 * beforeAll(() => harness.setup());
 * afterAll(() => harness.teardown());
 *
 * it('survives a dropped connection', async () => {
 *   const zk = await harness.client();
 *   await firstValueFrom(zk.create('/job', 'x', { ephemeral: true }));
 *   await harness.loseConnection(zk, { for: 500 });
 *   expect((await firstValueFrom(zk.get('/job'))).data.toString()).toBe('x');
 * });
 */
export function zooKeeperHarness(opts: HarnessOptions = {}): ZooKeeperHarness {
  // A mistyped option is refused here, where the harness is declared, not in beforeAll.
  checkStartOptions(opts, 'zooKeeperHarness');
  let server: StartedZooKeeper | null = null;
  /** An admin client, unchrooted: makes and deletes the chroots. */
  let admin: ZooKeeperClient | null = null;
  const clients = new Map<ZooKeeperClient, HarnessClient>();

  const started = (): StartedZooKeeper => {
    if (server === null) throw new Error('zooKeeperHarness: call setup() first (in beforeAll)');
    return server;
  };
  const known = (zk: ZooKeeperClient): HarnessClient => {
    const entry = clients.get(zk);
    if (entry === undefined) throw new Error('zooKeeperHarness: not a client of this harness');
    return entry;
  };

  return {
    async setup() {
      if (server !== null) return;
      server = await startZooKeeper(opts);
      admin = createClient({ hosts: server.connectString });
      await admin.start();
    },

    get server() {
      return started();
    },

    async client(options = {}) {
      const zkServer = started();
      const chroot = `${HARNESS_ROOT}/${randomUUID()}`;
      await lastValueFrom((admin as ZooKeeperClient).ensurePath(chroot), { defaultValue: undefined });
      const proxies = await Promise.all(zkServer.members.map((m) => TcpProxy.start(m.connectString)));
      let zk: ZooKeeperClient;
      try {
        zk = createClient({ ...options, hosts: proxies.map((p) => p.address).join(','), chroot });
      } catch (err) {
        // Options refused (an unknown key, a bad value): the proxies made for the client go too, or they keep the
        // test process alive (seen: a jest worker force-exited at the end of CI).
        await Promise.all(proxies.map((p) => p.stop()));
        throw err;
      }
      clients.set(zk, { zk, proxies, chroot });
      await zk.start();
      return zk;
    },

    async loseConnection(zk, { for: ms = 0 } = {}) {
      const { proxies } = known(zk);
      const session = zk.session?.id;
      if (session === undefined) throw new Error('loseConnection: the client has no session');
      const suspended = firstValueFrom(zk.state$.pipe(filter((s) => s === 'SUSPENDED'), timeout(RECOVERY_TIMEOUT_MS)));
      for (const p of proxies) p.refuse();
      await suspended;
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      for (const p of proxies) p.accept();
      await firstValueFrom(zk.state$.pipe(filter((s) => s === 'CONNECTED' || s === 'CONNECTED_READ_ONLY'), timeout(RECOVERY_TIMEOUT_MS)));
      if (zk.session?.id !== session) throw new Error('loseConnection: the session did not survive (the cut lasted longer than its timeout?)');
      await settled(zk);
    },

    chrootOf(zk) {
      return known(zk).chroot;
    },

    async expireSession(zk) {
      const { proxies } = known(zk);
      const before = zk.session?.id;
      // The client cannot reconnect while its session is closed. To close it, the server-side expiry resumes the session
      // on a second connection, which drops the client's; a client free to reconnect may win the session back for a
      // moment before the close (seen in CI: a LeaderLatch led again on it, then lost again), which no timed-out session
      // shows. Kept out, it learns of the expiry on its first reconnection, as after a real expiry.
      for (const p of proxies) p.refuse();
      try {
        await started().expireSession(zk);
      } finally {
        for (const p of proxies) p.accept();
      }
      // session$ tells the current session first: a new one the client may have made already counts.
      await firstValueFrom(zk.session$.pipe(filter((s) => s !== null && s.id !== before), timeout(RECOVERY_TIMEOUT_MS)));
      await firstValueFrom(zk.state$.pipe(filter((s) => s === 'CONNECTED' || s === 'CONNECTED_READ_ONLY'), timeout(RECOVERY_TIMEOUT_MS)));
      await settled(zk);
    },

    async teardown() {
      const entries = [...clients.values()];
      clients.clear();
      await Promise.all(entries.map((e) => e.zk.close()));
      await Promise.all(entries.flatMap((e) => e.proxies.map((p) => p.stop())));
      if (server !== null && server.source === 'external' && admin !== null) {
        // Another team's ensemble: leave it as found.
        for (const e of entries) await lastValueFrom(admin.delete(e.chroot, { recursive: true }), { defaultValue: undefined }).catch(() => undefined);
      }
      await admin?.close();
      admin = null;
      await server?.stop();
      server = null;
    },
  };
}
