// A Kerberized ZooKeeper shared by one spec file: startZooKeeper({ kerberos: true }), this process's MIT library
// pointed at its realm (KRB5_CONFIG, restored at the end), clients closed after each test.
import { createClient, type ClientOptions, type GssapiSaslOptions, type ZooKeeperClient } from '../../../src';
import { loadKerberosBinding } from '../../../src/session/sasl/kerberos-binding';
import { startZooKeeper, type KerberosPrincipal, type StartedZooKeeper, type ZooKeeperKerberos } from '../../../src/testing';

export interface KerberizedZooKeeper {
  readonly server: StartedZooKeeper;
  readonly kerberos: ZooKeeperKerberos;
  /** A client closed after the test. */
  client(options: Partial<ClientOptions>): ZooKeeperClient;
  /** The sasl option of a principal with its keytab. */
  gssapi(principal: KerberosPrincipal, more?: Partial<GssapiSaslOptions>): GssapiSaslOptions;
  /** How many lines of the KDC's log match. */
  kdcCount(pattern: RegExp): Promise<number>;
}

/**
 * Registers beforeAll/afterEach/afterAll hooks for one Kerberized server (or ensemble) per file.
 *
 * @example
 * const kz = kerberizedZooKeeper({ servers: 3 });
 * it('…', async () => { const alice = await kz.kerberos.addPrincipal('alice'); … });
 */
export function kerberizedZooKeeper(options: { servers?: number } = {}): KerberizedZooKeeper {
  let server: StartedZooKeeper | undefined;
  const savedConfig = process.env.KRB5_CONFIG;
  const clients: ZooKeeperClient[] = [];

  beforeAll(async () => {
    try {
      // Through rxzk's loader: loaded once more through Jest's registry, the package would wrap its addon's
      // methods a second time (see kerberos-binding.spec.ts).
      loadKerberosBinding();
    } catch (err) {
      throw new Error("the GSSAPI specs need the optional peer 'kerberos' built in node_modules: run bash scripts/install-kerberos.sh (as root on a fresh machine)", { cause: err });
    }
    server = await startZooKeeper({ kerberos: true, servers: options.servers });
    process.env.KRB5_CONFIG = server.kerberos!.krb5Conf;
  }, 90_000);

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((zk) => zk.close()));
  });

  afterAll(async () => {
    if (savedConfig === undefined) delete process.env.KRB5_CONFIG;
    else process.env.KRB5_CONFIG = savedConfig;
    await server?.stop();
  });

  const started = (): StartedZooKeeper => {
    if (server === undefined) throw new Error('the Kerberized ZooKeeper has not started');
    return server;
  };
  return {
    get server() {
      return started();
    },
    get kerberos() {
      return started().kerberos!;
    },
    client(clientOptions) {
      const zk = createClient({ hosts: started().connectString, ...clientOptions });
      clients.push(zk);
      return zk;
    },
    gssapi(principal, more = {}) {
      return { mechanism: 'GSSAPI', principal: principal.principal, keytab: principal.keytab, ...more };
    },
    async kdcCount(pattern) {
      return (await started().kerberos!.readLog()).split('\n').filter((line) => pattern.test(line)).length;
    },
  };
}
