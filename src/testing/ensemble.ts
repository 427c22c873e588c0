import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { memberPorts } from './free-port';
import { makeTempDir } from './temp-dir';
import type { LocalInstallation } from './local-installation';
import { LocalMember } from './local-member';
import { DEFAULT_SASL_USERS, jaasConfig } from './sasl-config';
import { startKerberosForServers, type KerberosForServers } from './kerberos-realm';
import { PortCollisionError, ZooKeeperStartError } from './start-errors';
import { Started } from './started-zookeeper';
import { digestCredential } from '../client/acl';
import { SUPER_USER } from './super-user';
import { generateTlsMaterial, type TlsMaterial } from './tls-material';
import type { StartZooKeeperOptions } from './types';
import { LOG4J_PROPERTIES, dynamicCfg, serverSpec, systemProperties, zooCfg, type QuorumMember } from './zoo-cfg';

/** Every server binds loopback only: test servers are nobody else's business. */
const HOST = '127.0.0.1';

/** Tries with fresh ports when one was taken under us. */
const MAX_ATTEMPTS = 3;

/**
 * A small heap (ZooKeeper holds little in tests), the serial collector (fewer
 * threads on a 2-core machine), the C1 compiler only (start-up costs half the
 * CPU), and no hsperfdata files left in /tmp.
 */
const BASE_JVM_FLAGS = ['-Xms32m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData'];

/**
 * Starts `servers` ZooKeeper JVMs from a local installation, waits until each
 * serves and (for an ensemble) one leads, and returns the handle.
 *
 * Files live in one directory, `os.tmpdir()/rxzk-zk-*`: `tls/`, `jaas.conf`,
 * `log4j.properties`, `kdc/` (with `kerberos`: the realm and its keytabs), and `server.<id>/` per member (zoo.cfg, the dynamic
 * config, data/, zookeeper.log). `stop()` removes it.
 *
 * @example
 * const zk = await startLocal(installation, { servers: 3 });
 */
export async function startLocal(installation: LocalInstallation, options: StartZooKeeperOptions): Promise<Started> {
  const servers = options.servers ?? 1;
  if (options.kerberos && options.sasl) throw new TypeError('kerberos and sasl exclude each other: a ZooKeeper server runs one SASL mechanism');
  const root = await makeTempDir();
  let members: LocalMember[] = [];
  let realm: KerberosForServers | undefined;
  const stopMembers = async (): Promise<void> => {
    await Promise.all(members.map((m) => m.stop()));
    await realm?.kdc.stop();
  };
  try {
    const tlsMaterial = options.tls ? await generateTlsMaterial(path.join(root, 'tls')) : undefined;
    const saslUsers = options.sasl ? (options.sasl === true ? { ...DEFAULT_SASL_USERS } : { ...options.sasl.users }) : undefined;
    let jaasFile = saslUsers ? path.join(root, 'jaas.conf') : undefined;
    if (jaasFile && saslUsers) await fs.writeFile(jaasFile, jaasConfig(saslUsers));
    if (options.kerberos) {
      realm = await startKerberosForServers(root);
      jaasFile = realm.jaasFile;
    }
    const log4jConfig = installation.usesLog4j ? path.join(root, 'log4j.properties') : undefined;
    if (log4jConfig) await fs.writeFile(log4jConfig, LOG4J_PROPERTIES);
    const jvmArgs = [
      ...BASE_JVM_FLAGS,
      ...systemProperties({ readOnlyMode: options.readOnlyMode, jaasFile, krb5Conf: realm?.kdc.krb5Conf, superDigest: digestCredential(SUPER_USER.username, SUPER_USER.password), log4jConfig }),
      ...(options.jvmFlags ?? []),
    ];

    const context: MemberContext = { root, installation, jvmArgs, tlsMaterial, options, dynamic: servers > 1 || options.reconfig === true };
    for (let attempt = 1; ; attempt++) {
      members = await prepareMembers(context, servers);
      try {
        await Promise.all(members.map((m) => m.launch()));
        await Promise.all(members.map((m) => m.waitUntilServing()));
        if (context.dynamic) await requireOneLeader(members);
        break;
      } catch (err) {
        await Promise.all(members.map((m) => m.kill()));
        if (!(err instanceof PortCollisionError) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }

    return new Started({
      source: 'local',
      members,
      tls: tlsMaterial ? { ca: tlsMaterial.ca, cert: tlsMaterial.cert, key: tlsMaterial.key } : undefined,
      sasl: saslUsers ? { users: Object.freeze(saslUsers) } : undefined,
      kerberos: realm?.kerberos,
      superUser: SUPER_USER,
      addMember: options.reconfig ? () => addMember(context, members) : undefined,
      shutdown: async () => {
        await stopMembers();
        await fs.rm(root, { recursive: true, force: true });
      },
    });
  } catch (err) {
    await stopMembers().catch(() => undefined);
    await fs.rm(root, { recursive: true, force: true });
    throw err;
  }
}

/** What every member's files are made from, beside its own ports. */
interface MemberContext {
  root: string;
  installation: LocalInstallation;
  jvmArgs: readonly string[];
  tlsMaterial: TlsMaterial | undefined;
  options: StartZooKeeperOptions;
  /** Members run from a dynamic configuration (an ensemble, or `reconfig`). */
  dynamic: boolean;
}

/** One member's ports. */
interface MemberPlan {
  id: number;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
  securePort: number | undefined;
}

/** Picks ports and writes every member's files (afresh: a retry starts from scratch). */
async function prepareMembers(context: MemberContext, servers: number): Promise<LocalMember[]> {
  const plans = await planMembers(context, servers, 1, context.options.port);
  const quorum = plans.map(quorumMember);
  const members: LocalMember[] = [];
  for (const plan of plans) members.push(await writeMember(context, plan, context.dynamic ? dynamicCfg(quorum) : undefined));
  return members;
}

/** Ports for `count` members, ids from `firstId`. */
async function planMembers(context: MemberContext, count: number, firstId: number, firstClientPort?: number): Promise<MemberPlan[]> {
  const perMember = (context.dynamic ? 3 : 1) + (context.tlsMaterial ? 1 : 0);
  const ports = await memberPorts(count, perMember, firstClientPort, HOST);
  return ports.map(([clientPort, ...rest], i) => ({
    id: firstId + i,
    clientPort,
    quorumPort: context.dynamic ? rest.shift()! : 0,
    electionPort: context.dynamic ? rest.shift()! : 0,
    securePort: context.tlsMaterial ? rest.shift()! : undefined,
  }));
}

function quorumMember(p: MemberPlan): QuorumMember {
  return { id: p.id, host: HOST, quorumPort: p.quorumPort, electionPort: p.electionPort, clientAddress: `${HOST}:${p.clientPort}` };
}

/** Writes one member's directory (myid, zoo.cfg, its dynamic configuration `dynamic` if any) and makes its handle. */
async function writeMember(context: MemberContext, p: MemberPlan, dynamic: string | undefined): Promise<LocalMember> {
  const { root, installation, jvmArgs, tlsMaterial, options } = context;
  const dir = path.join(root, `server.${p.id}`);
  await fs.rm(dir, { recursive: true, force: true });
  const dataDir = path.join(dir, 'data');
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(path.join(dataDir, 'myid'), `${p.id}\n`);
  const dynamicConfigFile = dynamic === undefined ? undefined : path.join(dir, 'zoo.cfg.dynamic');
  if (dynamicConfigFile !== undefined) await fs.writeFile(dynamicConfigFile, dynamic!);
  const cfgFile = path.join(dir, 'zoo.cfg');
  await fs.writeFile(
    cfgFile,
    zooCfg({
      dataDir,
      clientPort: p.clientPort,
      clientPortAddress: HOST,
      dynamicConfigFile,
      standaloneEnabled: options.reconfig ? false : undefined,
      secureClientPort: p.securePort,
      secureClientPortAddress: p.securePort === undefined ? undefined : HOST,
      tls: tlsMaterial && {
        keyStore: tlsMaterial.keyStoreFile,
        trustStore: tlsMaterial.trustStoreFile,
        clientAuth: typeof options.tls === 'object' && options.tls.clientAuth ? 'need' : 'want',
      },
      sasl: (options.sasl !== undefined && options.sasl !== false) || options.kerberos === true,
      readOnlyMode: options.readOnlyMode,
      connectionFactory: options.connectionFactory,
    }),
  );
  return new LocalMember({
    id: p.id,
    installation,
    dir,
    cfgFile,
    logFile: path.join(dir, 'zookeeper.log'),
    jvmArgs,
    connectString: `${HOST}:${p.clientPort}`,
    secureConnectString: p.securePort === undefined ? undefined : `${HOST}:${p.securePort}`,
    serverSpec: dynamic === undefined ? undefined : serverSpec(quorumMember(p)),
    startTimeout: options.startTimeout ?? 30000,
  });
}

/**
 * `addMember` (with `reconfig`): a new server, started as a joiner — its dynamic configuration is the ensemble's
 * current one (a running member's `conf`) plus its own line — that serves as a non-voting follower until a
 * `reconfig({ joining: member.serverSpec })` makes it a participant.
 */
async function addMember(context: MemberContext, members: LocalMember[]): Promise<LocalMember> {
  let current: string | undefined;
  for (const m of members.filter((m) => m.running)) {
    current = await m.fourLetterWord('conf').catch(() => undefined);
    if (current !== undefined) break;
  }
  if (current === undefined) throw new Error('addMember: no running member answers conf');
  const lines = current.split('\n').filter((l) => l.startsWith('server.'));
  const [plan] = await planMembers(context, 1, Math.max(...members.map((m) => m.id)) + 1);
  const member = await writeMember(context, plan, [...lines, serverSpec(quorumMember(plan))].join('\n') + '\n');
  members.push(member);
  await member.start();
  return member;
}

/** Followers report a Mode only once synced with a leader; still, make sure exactly one leads. */
async function requireOneLeader(members: readonly LocalMember[]): Promise<void> {
  const modes = await Promise.all(members.map((m) => m.mode()));
  const leaders = modes.filter((m) => m === 'leader').length;
  if (leaders !== 1) {
    throw new ZooKeeperStartError(`expected one leader, the members report ${modes.join(', ')}`);
  }
}
