import type { ServerMode } from './four-letter-word';
import type { SessionHolder } from './expire-session';
import type { ClientTlsMaterial } from './tls-material';
import type { Credentials } from './super-user';

/**
 * Options of `startZooKeeper`.
 *
 * @example
 * const zkServer = await startZooKeeper({ servers: 3, readOnlyMode: true, startTimeout: 60_000 });
 */
export interface StartZooKeeperOptions {
  /** Ensemble size (default 1: a standalone server). 3 and 5 are the usual choices. */
  servers?: number;
  /**
   * The (first) client port: member i (from 0) listens on `port + i`. Default: a free one. A port that is taken fails
   * at once with a ZooKeeperStartError naming it. With `ZOOKEEPER_CONNECT` set, a port asked for starts a server of
   * its own (an existing ensemble's ports are not this module's to choose).
   *
   * @example
   * const zkServer = await startZooKeeper({ port: 2181 }); // zkServer.connectString === '127.0.0.1:2181'
   */
  port?: number;
  /**
   * A TLS-only client port on every server, with a throwaway CA. `clientAuth:
   * true` makes the server demand a client certificate (`ssl.clientAuth=need`);
   * otherwise clients may present one (`want`). The plain port stays open.
   */
  tls?:
    | boolean
    | {
        /** Demand a client certificate (`ssl.clientAuth=need`); default false (`want`). */
        clientAuth?: boolean;
      };
  /** SASL DIGEST-MD5 with these users (default: `DEFAULT_SASL_USERS`). Clients without SASL are still accepted. */
  sasl?:
    | boolean
    | {
        /** User name to password, written to the servers' JAAS `Server` section. */
        users: Record<string, string>;
      };
  /**
   * SASL GSSAPI (Kerberos): a throwaway MIT KDC (Debian's `krb5-kdc`, see
   * `scripts/install-kerberos.sh`) and servers that log in from a keytab as
   * `zookeeper/localhost@RXZK.TEST` (JAAS `Server` section,
   * `SASLAuthenticationProvider`; quorum SASL stays off). Make client
   * principals with `zkServer.kerberos.addPrincipal`. Clients without SASL
   * are still accepted. Not with `sasl` (a server runs one SASL mechanism).
   */
  kerberos?: boolean;
  /** Servers that lose their quorum keep serving reads (`Mode: read-only`). */
  readOnlyMode?: boolean;
  /**
   * Ready for dynamic reconfiguration: every member runs from a dynamic configuration file (a single server too,
   * as a quorum of one: `standaloneEnabled=false`), and `addMember()` starts joiners. `reconfigEnabled` is on for
   * every server this module starts; `reconfig()` needs the `superUser`. A local installation only.
   *
   * @example
   * const zkServer = await startZooKeeper({ servers: 3, reconfig: true });
   * const joiner = await zkServer.addMember();
   * await admin.reconfig({ joining: joiner.serverSpec }); // admin: a client authenticated as zkServer.superUser
   */
  reconfig?: boolean;
  /**
   * The server's connection factory (`serverCnxnFactory`): `'nio'`, ZooKeeper's default, or `'netty'`, the one TLS
   * needs and many production ensembles run. Default `'nio'`, or `'netty'` with `tls`. A benchmark should run on
   * both: one NIO connection is throttled near 14k pipelined reads per second, so there the server is the limit.
   *
   * @example
   * const zkServer = await startZooKeeper({ connectionFactory: 'netty' });
   */
  connectionFactory?: 'nio' | 'netty';
  /** Bound on start-up, per attempt, in ms (default 30000). */
  startTimeout?: number;
  /** Extra JVM flags for the local source, e.g. ['-Xmx512m']. */
  jvmFlags?: string[];
  /** Image for the Docker source (default 'zookeeper:3.8'). */
  dockerImage?: string;
}

/**
 * A principal `addPrincipal` made and the keytab holding its key.
 *
 * @example
 * const { principal, keytab } = await zkServer.kerberos!.addPrincipal('alice');
 * createClient({ hosts: zkServer.connectString, sasl: { mechanism: 'GSSAPI', principal, keytab } });
 */
export interface KerberosPrincipal {
  /** `name@REALM`, e.g. 'alice@RXZK.TEST': the id `whoAmI` reports and `sasl:` ACLs name. */
  readonly principal: string;
  /** Path of a keytab with the principal's current key. */
  readonly keytab: string;
}

/**
 * Options of `addPrincipal`.
 *
 * @example
 * await zkServer.kerberos!.addPrincipal('shortlived', { maxLife: 30 });
 */
export interface AddPrincipalOptions {
  /** Cap on the principal's ticket lifetime in seconds (kadmin `-maxlife`); default: the realm's (1 day). */
  maxLife?: number;
}

/**
 * The throwaway Kerberos realm of `startZooKeeper({ kerberos: true })`: an
 * MIT KDC on 127.0.0.1, its files in the servers' temporary directory, gone
 * at `stop()`. Clients of this process find it through `KRB5_CONFIG`:
 * `process.env.KRB5_CONFIG = zkServer.kerberos.krb5Conf` before connecting.
 *
 * @example
 * const zkServer = await startZooKeeper({ kerberos: true });
 * process.env.KRB5_CONFIG = zkServer.kerberos!.krb5Conf;
 * const alice = await zkServer.kerberos!.addPrincipal('alice');
 * const zk = createClient({ hosts: zkServer.connectString, sasl: { mechanism: 'GSSAPI', principal: alice.principal, keytab: alice.keytab } });
 */
export interface ZooKeeperKerberos {
  /** The realm, 'RXZK.TEST'. */
  readonly realm: string;
  /** Path of the realm's `krb5.conf`, for `KRB5_CONFIG` (and Java's `java.security.krb5.conf`). */
  readonly krb5Conf: string;
  /** The principal the servers accept tickets for: 'zookeeper/localhost@RXZK.TEST'. */
  readonly servicePrincipal: string;
  /**
   * Makes `name@REALM` (`name` or `service/host`) with a fresh random key
   * and writes it to a new keytab. Calling it again for a name issues a new
   * key: the keytabs handed out before for that name are then stale, and the
   * KDC refuses them (which is how a test makes a wrong keytab).
   *
   * @example
   * const bob = await zkServer.kerberos!.addPrincipal('bob');
   * const stale = bob.keytab;
   * await zkServer.kerberos!.addPrincipal('bob'); // `stale` no longer works
   */
  addPrincipal(name: string, options?: AddPrincipalOptions): Promise<KerberosPrincipal>;
  /**
   * The KDC's log so far: one `AS_REQ … ISSUE` line per ticket-granting ticket
   * issued (after a `NEEDED_PREAUTH` one), `PREAUTH_FAILED` for a stale key.
   *
   * @example
   * const log = await zkServer.kerberos!.readLog();
   * const tickets = log.split('\n').filter((line) => /AS_REQ.*ISSUE.*alice@RXZK\.TEST for krbtgt/.test(line)).length;
   */
  readLog(): Promise<string>;
}

/**
 * Where the servers come from: `'external'` (ZOOKEEPER_CONNECT names a running ensemble), `'local'` (a ZooKeeper
 * installation's JVM on this machine) or `'docker'` (containers of `dockerImage`).
 *
 * @example
 * if (zkServer.source === 'external') return; // cannot kill members of someone else's ensemble
 */
export type ZooKeeperSource = 'external' | 'local' | 'docker';

/**
 * One server of the ensemble, with control over its process.
 *
 * @example
 * const [first] = zkServer.members;
 * console.log(first.id, first.connectString); // 1 '127.0.0.1:40123'
 */
export interface ZooKeeperMember {
  /** The server's id (`myid`), from 1. */
  readonly id: number;
  /** Its plain client address, 'host:port'. */
  readonly connectString: string;
  /** Its TLS client address, with `tls`. */
  readonly secureConnectString: string | undefined;
  /**
   * Its line in the ensemble's dynamic configuration, the form `reconfig`'s
   * `joining` takes, e.g. 'server.2=127.0.0.1:4001:4002:participant;127.0.0.1:4000'.
   * Undefined for a standalone server and an external ensemble.
   */
  readonly serverSpec: string | undefined;
  /** Whether its process runs (paused counts as running). Always true for an external ensemble. */
  readonly running: boolean;
  /** The JVM's pid while it runs, when this module started it as a local process. */
  readonly pid: number | undefined;
  /** Its server log file (stdout and stderr of the JVM), when this module started it as a local process. */
  readonly logFile: string | undefined;
  /**
   * Starts it again after `stop()` or `kill()`, on the same ports and data,
   * so it rejoins the ensemble. Resolves once it answers `srvr` with a Mode
   * line; with `{ waitUntilServing: false }` as soon as it listens (a member
   * whose peers are all down never serves).
   *
   * @example
   * await member.kill();
   * await member.start(); // rejoins as a follower
   */
  start(options?: { waitUntilServing?: boolean }): Promise<void>;
  /**
   * Stops it cleanly (SIGTERM, SIGKILL after a grace period) and waits for the exit. Its data stays.
   *
   * @example
   * await zkServer.members[2].stop(); // a 3-member ensemble keeps its quorum
   * await zkServer.members[2].start();
   */
  stop(): Promise<void>;
  /**
   * Kills it (SIGKILL), as in a crash, and waits for the exit. Its data stays.
   *
   * @example
   * await zkServer.memberOf(zk.server).kill();
   * await firstValueFrom(zk.state$.pipe(filter((s) => s === 'SUSPENDED')));
   */
  kill(): Promise<void>;
  /**
   * Freezes it (SIGSTOP): connections stay open but nothing answers, as in a long GC pause.
   *
   * @example
   * await zkServer.memberOf(zk.server).pause();
   * // … the client's pings go unanswered: it suspends, then moves to another member
   * await zkServer.memberOf(zk.server).resume();
   */
  pause(): Promise<void>;
  /**
   * Undoes `pause()` (SIGCONT): the server answers again what it had received.
   *
   * @example
   * await member.pause();
   * await member.resume();
   */
  resume(): Promise<void>;
  /**
   * What it says in the `Mode:` line of `srvr`; rejects when it does not answer or is not serving.
   *
   * @example
   * await waitFor(async () => (await survivor.mode()) === 'read-only', { timeout: 20000 });
   */
  mode(): Promise<ServerMode>;
  /**
   * Sends a four-letter word to it over its plain port and resolves with the answer.
   *
   * @example
   * expect(await member.fourLetterWord('wchp')).toContain('/watched');
   */
  fourLetterWord(word: string): Promise<string>;
  /**
   * The whole server log so far ('' when this module did not start the server).
   *
   * @example
   * expect(await zkServer.members[0].readLog()).toContain('Using org.apache.zookeeper.server.NIOServerCnxnFactory');
   */
  readLog(): Promise<string>;
}

/**
 * Started servers; `startZooKeeper` resolves with one.
 *
 * @example
 * const zkServer = await startZooKeeper();
 * const zk = createClient({ hosts: zkServer.connectString });
 */
export interface StartedZooKeeper {
  /** Where the servers come from. */
  readonly source: ZooKeeperSource;
  /** Every member's plain client address, 'host:port,host:port'. */
  readonly connectString: string;
  /** Every member's TLS client address, with `tls`. */
  readonly secureConnectString: string | undefined;
  /** With `tls`: the CA to trust and a client certificate and key it signed (PEM). */
  readonly tls: ClientTlsMaterial | undefined;
  /** With `sasl`: the users and passwords the servers accept. */
  readonly sasl:
    | {
        /** User name to password. */
        readonly users: Readonly<Record<string, string>>;
      }
    | undefined;
  /** With `kerberos`: the throwaway realm, its `krb5.conf` and principals. */
  readonly kerberos: ZooKeeperKerberos | undefined;
  /**
   * A digest user for which every ACL check passes (`addAuth('digest', 'super:super-secret')`);
   * `reconfig` needs it. Undefined for an external ensemble.
   */
  readonly superUser: Readonly<Credentials> | undefined;
  /** The servers, in `id` order (one for a standalone server). */
  readonly members: readonly ZooKeeperMember[];
  /**
   * The member serving a client address ('host:port', plain or TLS port; any
   * loopback spelling matches), e.g. `memberOf(zk.server)`. Throws when no
   * member has that address.
   *
   * @example
   * await zkServer.memberOf(zk.server).kill(); // the member this client talks to
   */
  memberOf(serverAddress: string | null): ZooKeeperMember;
  /**
   * The member whose mode is 'leader' (or 'standalone'), waiting up to `timeout` ms (default 15000) for one.
   *
   * @example
   * await (await zkServer.leader()).kill();
   * const next = await zkServer.leader(); // after the election
   */
  leader(timeout?: number): Promise<ZooKeeperMember>;
  /**
   * With `reconfig`: starts one more server as a joiner — its configuration is the ensemble's current one plus its
   * own line (`serverSpec`, id one above the highest) — and resolves once it serves, as a non-voting follower,
   * until `reconfig({ joining: member.serverSpec })` (by the super user) makes it a participant. It is in
   * `members` from then on and stops with the others. A member a reconfig removes goes on running and serving
   * its clients (ZooKeeper's behaviour): stop it when the test wants it gone. Rejects without `reconfig`.
   *
   * @example
   * const zkServer = await startZooKeeper({ servers: 3, reconfig: true });
   * const [fourth, fifth] = [await zkServer.addMember(), await zkServer.addMember()];
   * await admin.reconfig({ joining: [fourth.serverSpec, fifth.serverSpec].join(',') });
   */
  addMember(): Promise<ZooKeeperMember>;
  /**
   * Expires the holder's session on the server side, for real: the server
   * closes it (its ephemerals go) and drops the holder's connection, which
   * then learns on reconnecting that the session expired. The holder is any
   * object with `session: { id, password } | null` (an rxzk client), and
   * optionally `server` ('host:port'), tried first (read-only mode's local
   * sessions live only there). Resolves once the server has confirmed.
   * To close the session it first resumes it on a connection of its own, which drops the holder's: a holder free to
   * reconnect may win its session back for a moment before the close (CONNECTED on the old session, then the
   * expiry). `zooKeeperHarness().expireSession` keeps its clients out meanwhile; for a client of your own, put it
   * behind a `TcpProxy` and `refuse()` connections until this resolves.
   *
   * @example
   * await zkServer.expireSession(zk);
   * await firstValueFrom(zk.state$.pipe(filter((s) => s === 'EXPIRED')));
   */
  expireSession(holder: SessionHolder): Promise<void>;
  /**
   * Stops every server and removes every temporary file. Idempotent. A no-op
   * for an ensemble named by ZOOKEEPER_CONNECT.
   *
   * @example
   * afterAll(() => zkServer.stop());
   */
  stop(): Promise<void>;
}
