/**
 * zoo.cfg and JVM system properties for test servers. Pure functions: the
 * local and the Docker sources render the same settings with their own paths.
 */

/** One voting member of an ensemble as its peers see it. */
export interface QuorumMember {
  /** `myid`, 1-based. */
  id: number;
  /** Host the peers reach it on. */
  host: string;
  /** Followers connect to the leader here. */
  quorumPort: number;
  /** Leader election. */
  electionPort: number;
  /** Client address as written in the server line: 'host:port', or just the port (all interfaces). */
  clientAddress: string;
}

/** TLS settings of one server; paths as the server sees them. */
export interface ServerTlsFiles {
  /** PEM: the server's private key (PKCS#8) followed by its certificate. */
  keyStore: string;
  /** PEM: the CA certificate clients' certificates are checked against. */
  trustStore: string;
  /** `need`: clients must present a certificate; `want`: they may (it then authenticates them as scheme x509). */
  clientAuth: 'need' | 'want';
}

/** Everything one server's zoo.cfg depends on. */
export interface ZooCfgOptions {
  dataDir: string;
  /** Standalone servers: the plain client port and the address it binds. Ensembles take these from `quorum`. */
  clientPort: number;
  clientPortAddress?: string;
  /** With `tls`: a second, TLS-only client port. */
  secureClientPort?: number;
  secureClientPortAddress?: string;
  tls?: ServerTlsFiles;
  /** Ensembles (and `reconfig`): the file holding the server lines (written by `dynamicCfg`). */
  dynamicConfigFile?: string;
  /** `standaloneEnabled`: false lets a single server run as a quorum of one, which a reconfig can grow. */
  standaloneEnabled?: boolean;
  sasl?: boolean;
  readOnlyMode?: boolean;
  /** `serverCnxnFactory`: NIO (ZooKeeper's default) unless `'netty'`, or TLS, which only Netty speaks. */
  connectionFactory?: 'nio' | 'netty';
  /** Docker: peers reach each other by container name, so bind the quorum ports on every interface. */
  quorumListenOnAllIPs?: boolean;
}

/**
 * A server line for the dynamic configuration (and for `reconfig`'s
 * `joining`): `server.<id>=<host>:<quorum>:<election>:participant;<client>`.
 *
 * @example
 * serverSpec({ id: 2, host: '127.0.0.1', quorumPort: 4001, electionPort: 4002, clientAddress: '127.0.0.1:4000' });
 * // 'server.2=127.0.0.1:4001:4002:participant;127.0.0.1:4000'
 */
export function serverSpec(m: QuorumMember): string {
  return `server.${m.id}=${m.host}:${m.quorumPort}:${m.electionPort}:participant;${m.clientAddress}`;
}

/**
 * The dynamic configuration file of an ensemble (ZooKeeper 3.5+): only server
 * lines. Servers rewrite it themselves after a `reconfig`, which is why a
 * restarted member is started from its own files, never from fresh ones.
 */
export function dynamicCfg(members: readonly QuorumMember[]): string {
  return members.map(serverSpec).join('\n') + '\n';
}

/**
 * The static zoo.cfg of one server.
 *
 * Why each line is there:
 * - `tickTime=500`, `minSessionTimeout=1000`: sessions can expire in about a
 *   second, so expiry tests are fast; `maxSessionTimeout=60000` keeps long ones possible.
 * - `initLimit`/`syncLimit` in ticks: 5 s to join, 2.5 s of silence before a
 *   follower (or a paused leader) is dropped.
 * - `4lw.commands.whitelist=*`: 3.5+ allows only `srvr` by default; tests use `wchp`, `cons`, `mntr`, `isro`.
 * - `admin.enableServer=false`: the admin server would take port 8080.
 * - `extendedTypesEnabled=true`: TTL nodes (else createTTL is UNIMPLEMENTED).
 * - `reconfigEnabled=true`: the `reconfig` op (3.5.3+ disables it by default).
 *   Its ACL check still applies: authenticate as the super user to reconfigure.
 * - `forceSync=no`: no fsync per transaction; a test server's data is throwaway.
 * - `preAllocSize=4096` (KB): the transaction log grows by 4 MB, not 64 MB.
 * - `cnxTimeout=1000`: election connections to a paused peer give up after 1 s, not 5.
 * - `standaloneEnabled=false` (`reconfig`): one server runs as a quorum of one, so a reconfig can add members.
 * - `localSessionsEnabled=true` with read-only mode: 3.8 refuses every session
 *   on a read-only server otherwise ("Refusing global session reconnection in RO mode").
 * - `jute.maxbuffer` and `globalOutstandingLimit` keep their defaults (1 MiB, 1000),
 *   the limits clients meet in production.
 *
 * @example
 * const text = zooCfg({ dataDir: '/tmp/zk/data', clientPort: 2181, clientPortAddress: '127.0.0.1' });
 */
export function zooCfg(o: ZooCfgOptions): string {
  const lines: string[] = [
    'tickTime=500',
    'initLimit=10',
    'syncLimit=5',
    `dataDir=${o.dataDir}`,
    'minSessionTimeout=1000',
    'maxSessionTimeout=60000',
    '4lw.commands.whitelist=*',
    'admin.enableServer=false',
    'extendedTypesEnabled=true',
    'reconfigEnabled=true',
    'forceSync=no',
    'preAllocSize=4096',
  ];
  if (o.dynamicConfigFile !== undefined) {
    // The client port comes from this member's server line.
    lines.push(`dynamicConfigFile=${o.dynamicConfigFile}`, 'cnxTimeout=1000');
    if (o.quorumListenOnAllIPs) lines.push('quorumListenOnAllIPs=true');
    if (o.standaloneEnabled === false) lines.push('standaloneEnabled=false');
  } else {
    lines.push(`clientPort=${o.clientPort}`);
    if (o.clientPortAddress !== undefined) lines.push(`clientPortAddress=${o.clientPortAddress}`);
  }
  if (o.readOnlyMode) lines.push('localSessionsEnabled=true', 'localSessionsUpgradingEnabled=true');
  if (o.tls || o.connectionFactory === 'netty') {
    // Only the Netty factory speaks TLS; the plain port stays open on it too.
    lines.push('serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory');
  }
  if (o.tls) {
    if (o.secureClientPort === undefined) throw new Error('tls needs a secureClientPort');
    lines.push(
      `secureClientPort=${o.secureClientPort}`,
      ...(o.secureClientPortAddress !== undefined ? [`secureClientPortAddress=${o.secureClientPortAddress}`] : []),
      `ssl.keyStore.location=${o.tls.keyStore}`,
      'ssl.keyStore.type=PEM',
      `ssl.trustStore.location=${o.tls.trustStore}`,
      // A PKCS12 trust store made by openssl fails ("trustAnchors parameter must be non-empty"); PEM works.
      'ssl.trustStore.type=PEM',
      `ssl.clientAuth=${o.tls.clientAuth}`,
    );
  }
  if (o.sasl) {
    // Any key under authProvider. registers a provider (zookeeper.authProvider.* system properties).
    lines.push('authProvider.sasl=org.apache.zookeeper.server.auth.SASLAuthenticationProvider');
  }
  return lines.join('\n') + '\n';
}

/** What the JVM-level settings depend on. */
export interface SystemPropertyOptions {
  readOnlyMode?: boolean;
  /** Path of the JAAS file with the `Server` section, as the server sees it. */
  jaasFile?: string;
  /** With Kerberos: the realm's krb5.conf (the KDC's address), as the server sees it. */
  krb5Conf?: string;
  /** `user:base64(sha1(user:password))` of the super user. */
  superDigest?: string;
  /** log4j 1.2 configuration file (Debian's package and ZooKeeper < 3.8). */
  log4jConfig?: string;
}

/**
 * `-D` flags that zoo.cfg cannot carry (they are read before, or outside, the
 * config file), plus the few the brief asks to set twice for older servers.
 *
 * @example
 * const flags = systemProperties({ readOnlyMode: true });
 */
export function systemProperties(o: SystemPropertyOptions): string[] {
  const flags = [
    '-Dzookeeper.admin.enableServer=false',
    // Containers are reaped once a minute by default; tests wait for it.
    '-Dznode.container.checkIntervalMs=1000',
    '-Dzookeeper.extendedTypesEnabled=true',
    '-Dzookeeper.jmx.log4j.disable=true',
    // Log to the console (redirected to the server's log file), at INFO.
    '-Dzookeeper.root.logger=INFO,CONSOLE',
    '-Dzookeeper.console.threshold=INFO',
  ];
  if (o.log4jConfig !== undefined) flags.push(`-Dlog4j.configuration=file:${o.log4jConfig}`);
  if (o.readOnlyMode) flags.push('-Dreadonlymode.enabled=true');
  if (o.jaasFile !== undefined) {
    flags.push(
      `-Djava.security.auth.login.config=${o.jaasFile}`,
      // Clients without SASL stay welcome (the default, stated so a changed default cannot break tests).
      '-Dzookeeper.sessionRequireClientSASLAuth=false',
    );
  }
  if (o.krb5Conf !== undefined) flags.push(`-Djava.security.krb5.conf=${o.krb5Conf}`);
  if (o.superDigest !== undefined) flags.push(`-Dzookeeper.DigestAuthenticationProvider.superDigest=${o.superDigest}`);
  return flags;
}

/** A log4j 1.2 configuration that sends everything at INFO to the console. */
export const LOG4J_PROPERTIES = [
  'log4j.rootLogger=INFO, CONSOLE',
  'log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender',
  'log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n',
  '',
].join('\n');
