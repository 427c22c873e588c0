import type { ContainerRuntimeClient, StartedNetwork, StartedTestContainer } from 'testcontainers';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fourLetterWord, parseMode, serverMode, type ServerMode } from './four-letter-word';
import { memberPorts } from './free-port';
import { makeTempDir } from './temp-dir';
import { DEFAULT_SASL_USERS, jaasConfig } from './sasl-config';
import { ZooKeeperStartError, tail } from './start-errors';
import { Started } from './started-zookeeper';
import { digestCredential } from '../client/acl';
import { SUPER_USER } from './super-user';
import { generateTlsMaterial } from './tls-material';
import type { StartZooKeeperOptions, ZooKeeperMember } from './types';
import { delay } from './wait-for';
import { dynamicCfg, serverSpec, systemProperties, zooCfg, type QuorumMember } from './zoo-cfg';

type Testcontainers = typeof import('testcontainers');
type DockerContainer = ReturnType<ContainerRuntimeClient['container']['getById']>;

/** The official image; its entrypoint leaves a zoo.cfg we pass alone. */
export const DEFAULT_DOCKER_IMAGE = 'zookeeper:3.8';

// Inside each container. /data is chowned to the zookeeper user by the image's
// entrypoint, and servers rewrite their config there after a reconfig.
const C_DIR = '/data';
const C_CLIENT_PORT = 2181;
const C_SECURE_PORT = 2281;
const C_QUORUM_PORT = 2888;
const C_ELECTION_PORT = 3888;

/**
 * Loads testcontainers, only now: it is an optional dependency, and merely
 * requiring testcontainers 12 crashes Node 20.
 */
async function loadTestcontainers(): Promise<Testcontainers> {
  try {
    return await import('testcontainers');
  } catch (err) {
    // Jest runs test files in a vm where import() throws unless Node runs with
    // --experimental-vm-modules; testcontainers 11 also ships CommonJS, so a
    // plain require (resolved from the project's directory) does the job there.
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG' || code === 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') {
      try {
        return createRequire(path.join(process.cwd(), 'package.json'))('testcontainers') as Testcontainers;
      } catch (requireErr) {
        err = requireErr;
      }
    }
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`could not load testcontainers (npm install --save-dev testcontainers@11): ${why}`, { cause: err });
  }
}

/** One server in a container; ports on the host are fixed so they survive a restart. */
class DockerMember implements ZooKeeperMember {
  readonly logFile = undefined;
  readonly pid = undefined;
  private alive = true;

  constructor(
    readonly id: number,
    readonly connectString: string,
    readonly secureConnectString: string | undefined,
    readonly serverSpec: string | undefined,
    private readonly container: DockerContainer,
    private readonly startTimeout: number,
  ) {}

  get running(): boolean {
    return this.alive;
  }

  async start(options: { waitUntilServing?: boolean } = {}): Promise<void> {
    if (!this.alive) {
      await this.container.start();
      this.alive = true;
    }
    await this.waitUntilServing(options.waitUntilServing ?? true);
  }

  async waitUntilServing(requireMode = true): Promise<void> {
    const deadline = Date.now() + this.startTimeout;
    for (;;) {
      try {
        const srvr = await fourLetterWord(this.connectString, 'srvr', { timeout: 1000 });
        if (!requireMode || parseMode(srvr) !== null) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() >= deadline) {
        throw new ZooKeeperStartError(`ZooKeeper container ${this.id} did not serve within ${this.startTimeout} ms`, tail(await this.readLog()));
      }
      await delay(200);
    }
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    await this.container.stop({ t: 5 });
    this.alive = false;
  }

  async kill(): Promise<void> {
    if (!this.alive) return;
    await this.container.kill({ signal: 'SIGKILL' });
    this.alive = false;
  }

  async pause(): Promise<void> {
    await this.container.pause();
  }

  async resume(): Promise<void> {
    await this.container.unpause();
  }

  mode(): Promise<ServerMode> {
    return serverMode(`server ${this.id}`, this.connectString);
  }

  fourLetterWord(word: string): Promise<string> {
    return fourLetterWord(this.connectString, word);
  }

  async readLog(): Promise<string> {
    try {
      return demuxDockerLog(await this.container.logs({ stdout: true, stderr: true, follow: false }));
    } catch {
      return '';
    }
  }
}

/**
 * Starts the servers in Docker containers through testcontainers, on a
 * private network, with the same zoo.cfg as local servers (container paths).
 * Rejects when no container runtime answers.
 *
 * @example
 * const zk = await startDocker({ servers: 3 });
 */
export async function startDocker(options: StartZooKeeperOptions): Promise<Started> {
  const tc = await loadTestcontainers();
  // Fails fast, with testcontainers' own message, when there is no Docker engine.
  const client = await tc.getContainerRuntimeClient();
  const servers = options.servers ?? 1;
  const startTimeout = options.startTimeout ?? 60000;
  const scratch = await makeTempDir();
  const containers: StartedTestContainer[] = [];
  let network: StartedNetwork | undefined;
  const shutdown = async (): Promise<void> => {
    await Promise.all(containers.map((c) => c.stop({ remove: true, timeout: 5000 }).catch(() => undefined)));
    await network?.stop().catch(() => undefined);
    await fs.rm(scratch, { recursive: true, force: true });
  };

  try {
    const tlsMaterial = options.tls ? await generateTlsMaterial(path.join(scratch, 'tls')) : undefined;
    const saslUsers = options.sasl ? (options.sasl === true ? { ...DEFAULT_SASL_USERS } : { ...options.sasl.users }) : undefined;
    const jvmFlags = [
      '-Xmx256m',
      ...systemProperties({
        readOnlyMode: options.readOnlyMode,
        jaasFile: saslUsers ? `${C_DIR}/jaas.conf` : undefined,
        superDigest: digestCredential(SUPER_USER.username, SUPER_USER.password),
      }),
      ...(options.jvmFlags ?? []),
    ];
    const hostPorts = (await memberPorts(servers, tlsMaterial ? 2 : 1, options.port)).flat();
    const quorum: QuorumMember[] = Array.from({ length: servers }, (_, i) => ({
      id: i + 1,
      host: `zk${i + 1}`,
      quorumPort: C_QUORUM_PORT,
      electionPort: C_ELECTION_PORT,
      clientAddress: `${C_CLIENT_PORT}`,
    }));
    if (servers > 1) network = await new tc.Network().start();

    const started = await Promise.all(
      quorum.map(async (q, i) => {
        const clientHostPort = hostPorts[i * (tlsMaterial ? 2 : 1)];
        const secureHostPort = tlsMaterial ? hostPorts[i * 2 + 1] : undefined;
        const files: { content: string; target: string }[] = [
          {
            target: `${C_DIR}/zoo.cfg`,
            content: zooCfg({
              dataDir: C_DIR,
              clientPort: C_CLIENT_PORT,
              dynamicConfigFile: servers > 1 ? `${C_DIR}/zoo.cfg.dynamic` : undefined,
              quorumListenOnAllIPs: true,
              secureClientPort: tlsMaterial ? C_SECURE_PORT : undefined,
              tls: tlsMaterial && {
                keyStore: `${C_DIR}/tls/server-keystore.pem`,
                trustStore: `${C_DIR}/tls/ca.pem`,
                clientAuth: typeof options.tls === 'object' && options.tls.clientAuth ? 'need' : 'want',
              },
              sasl: saslUsers !== undefined,
              readOnlyMode: options.readOnlyMode,
              connectionFactory: options.connectionFactory,
            }),
          },
        ];
        if (servers > 1) files.push({ target: `${C_DIR}/zoo.cfg.dynamic`, content: dynamicCfg(quorum) });
        if (saslUsers) files.push({ target: `${C_DIR}/jaas.conf`, content: jaasConfig(saslUsers) });
        if (tlsMaterial) {
          files.push(
            { target: `${C_DIR}/tls/server-keystore.pem`, content: await fs.readFile(tlsMaterial.keyStoreFile, 'utf8') },
            { target: `${C_DIR}/tls/ca.pem`, content: tlsMaterial.ca },
          );
        }
        let container = new tc.GenericContainer(options.dockerImage ?? DEFAULT_DOCKER_IMAGE)
          .withEnvironment({ ZOO_MY_ID: String(q.id), SERVER_JVMFLAGS: jvmFlags.join(' ') })
          .withCopyContentToContainer(files)
          .withCommand(['zkServer.sh', 'start-foreground', `${C_DIR}/zoo.cfg`])
          .withExposedPorts(
            { container: C_CLIENT_PORT, host: clientHostPort },
            ...(secureHostPort === undefined ? [] : [{ container: C_SECURE_PORT, host: secureHostPort }]),
          )
          .withStartupTimeout(startTimeout);
        if (network) container = container.withNetwork(network).withNetworkAliases(q.host);
        const c = await container.start();
        containers.push(c);
        return { q, c, clientHostPort, secureHostPort };
      }),
    );

    const members = started.map(
      ({ q, c, clientHostPort, secureHostPort }) =>
        new DockerMember(
          q.id,
          `${c.getHost()}:${clientHostPort}`,
          secureHostPort === undefined ? undefined : `${c.getHost()}:${secureHostPort}`,
          servers > 1 ? serverSpec(q) : undefined,
          client.container.getById(c.getId()),
          startTimeout,
        ),
    );
    await Promise.all(members.map((m) => m.waitUntilServing()));

    return new Started({
      source: 'docker',
      members,
      tls: tlsMaterial ? { ca: tlsMaterial.ca, cert: tlsMaterial.cert, key: tlsMaterial.key } : undefined,
      sasl: saslUsers ? { users: Object.freeze(saslUsers) } : undefined,
      superUser: SUPER_USER,
      shutdown,
    });
  } catch (err) {
    await shutdown();
    throw err;
  }
}

/** Docker's non-TTY log format: frames of [stream, 0, 0, 0, size (uint32 BE)] then the bytes. */
function demuxDockerLog(raw: Buffer): string {
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos + 8 <= raw.length) {
    const size = raw.readUInt32BE(pos + 4);
    parts.push(raw.subarray(pos + 8, pos + 8 + size));
    pos += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
