import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { freePorts } from './free-port';
import { kdcConf, krb5Conf } from './kerberos-config';
import { ServerProcess } from './server-process';
import { ZooKeeperStartError, tail } from './start-errors';
import type { KerberosPrincipal, AddPrincipalOptions } from './types';
import { delay } from './wait-for';

/** The realm of every throwaway KDC: nothing else on the machine uses it. */
export const TEST_REALM = 'RXZK.TEST';

/** What to install when the MIT tools are missing (Debian/Ubuntu package names). */
const MIT_PACKAGES = 'krb5-kdc krb5-admin-server krb5-user';

/** Bound on each MIT admin command (kdb5_util, kadmin.local): they take ~0.1 s. */
const COMMAND_TIMEOUT_MS = 30_000;

/** Bound on the KDC's start-up (it listens within ~0.2 s). */
const START_TIMEOUT_MS = 15_000;

/** How a principal name may look: `name` or `service/host`, without the realm. */
const PRINCIPAL_NAME = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)?$/;

/**
 * A throwaway MIT Kerberos KDC for one `startZooKeeper({ kerberos: true })`:
 * its database, stash, ACL, logs, keytabs, `krb5.conf` and `kdc.conf` in one
 * directory; `krb5kdc` in the foreground (`-n`) under the same watchdog as
 * the servers, so it dies with Node; every MIT tool pointed at these files by
 * `KRB5_CONFIG` and `KRB5_KDC_PROFILE`, never at the machine's.
 */
export class LocalKdc {
  private proc: ServerProcess | null = null;
  /** How many keytabs were written per principal name: each call gets a file of its own. */
  private readonly keytabs = new Map<string, number>();

  private constructor(
    readonly realm: string,
    readonly port: number,
    readonly dir: string,
    readonly krb5Conf: string,
    private readonly kdcProfile: string,
  ) {}

  /**
   * Creates the realm's database in `dir` (made if missing) and starts its KDC
   * on a free 127.0.0.1 port; resolves once the KDC accepts TCP connections.
   *
   * @example
   * const kdc = await LocalKdc.start('/tmp/rxzk-zk-x/kdc');
   * const { principal, keytab } = await kdc.addPrincipal('alice');
   * await kdc.stop();
   */
  static async start(dir: string, realm = TEST_REALM): Promise<LocalKdc> {
    const tools = { krb5kdc: findTool('krb5kdc'), kdb5_util: findTool('kdb5_util'), 'kadmin.local': findTool('kadmin.local') };
    const missing = Object.entries(tools).filter(([, found]) => found === null).map(([name]) => name);
    if (missing.length > 0) {
      throw new ZooKeeperStartError(
        `kerberos: no ${missing.join(', ')} (MIT Kerberos) on this machine: apt-get install ${MIT_PACKAGES}, or run scripts/install-kerberos.sh as root`,
      );
    }
    await fs.promises.mkdir(dir, { recursive: true });
    const [port] = await freePorts(1);
    const files = { realm, port, dir };
    const krb5File = path.join(dir, 'krb5.conf');
    const kdcFile = path.join(dir, 'kdc.conf');
    await fs.promises.writeFile(krb5File, krb5Conf(files));
    await fs.promises.writeFile(kdcFile, kdcConf(files));
    // No kadmind runs: the ACL only has to exist.
    await fs.promises.writeFile(path.join(dir, 'kadm5.acl'), '');
    const kdc = new LocalKdc(realm, port, dir, krb5File, kdcFile);
    // The master password protects nothing here (the stash file sits beside the database).
    await kdc.run(tools.kdb5_util as string, ['-r', realm, 'create', '-s', '-P', randomBytes(16).toString('hex')]);
    await kdc.launch(tools.krb5kdc as string);
    return kdc;
  }

  /** The environment every MIT tool runs with: this realm's files, never the machine's. */
  get env(): NodeJS.ProcessEnv {
    return { ...process.env, KRB5_CONFIG: this.krb5Conf, KRB5_KDC_PROFILE: this.kdcProfile, KRB5CCNAME: `FILE:${this.dir}/krb5cc_default` };
  }

  /**
   * Makes `name@REALM` (or finds it), gives it a new random key and writes
   * that key to a keytab of its own. Calling it again for the same name
   * issues another key: keytabs written before for that name are then stale,
   * and the KDC refuses them (PREAUTH_FAILED).
   *
   * @example
   * const alice = await kdc.addPrincipal('alice', { maxLife: 30 });
   * // alice.principal === 'alice@RXZK.TEST', alice.keytab: a file in the KDC's directory
   */
  async addPrincipal(name: string, options: AddPrincipalOptions = {}): Promise<KerberosPrincipal> {
    if (typeof name !== 'string' || !PRINCIPAL_NAME.test(name)) {
      throw new TypeError(`kerberos.addPrincipal: ${JSON.stringify(name)} is not a principal name ('name' or 'service/host', without the realm)`);
    }
    const { maxLife } = options;
    if (maxLife !== undefined && (!Number.isInteger(maxLife) || maxLife < 1)) {
      throw new TypeError(`kerberos.addPrincipal: maxLife must be a positive whole number of seconds, not ${String(maxLife)}`);
    }
    const principal = `${name}@${this.realm}`;
    const life = maxLife === undefined ? '' : ` -maxlife "${maxLife} seconds"`;
    const exists = (await this.kadmin(`getprincs ${principal}`)).split('\n').some((line) => line.trim() === principal);
    if (!exists) await this.kadmin(`addprinc -randkey${life} ${principal}`);
    else if (life !== '') await this.kadmin(`modprinc${life} ${principal}`);
    const n = (this.keytabs.get(name) ?? 0) + 1;
    this.keytabs.set(name, n);
    const keytab = path.join(this.dir, `${name.replace('/', '_')}.${n}.keytab`);
    // ktadd gives the principal a new random key (its kvno goes up) and writes it.
    await this.kadmin(`ktadd -k ${keytab} ${principal}`);
    if (!fs.existsSync(keytab)) throw new Error(`kerberos.addPrincipal: kadmin.local wrote no keytab for ${principal}`);
    return { principal, keytab };
  }

  /**
   * The KDC's log: one `AS_REQ … ISSUE` line per ticket-granting ticket it
   * issued, `PREAUTH_FAILED` or `CLIENT_NOT_FOUND` for refusals.
   *
   * @example
   * const issued = (await kdc.readLog()).split('\n').filter((l) => /AS_REQ .*ISSUE.* alice@/.test(l)).length;
   */
  async readLog(): Promise<string> {
    try {
      return await fs.promises.readFile(path.join(this.dir, 'kdc.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Runs one kadmin.local query against this realm's database; resolves with its output. */
  async kadmin(query: string): Promise<string> {
    const tool = findTool('kadmin.local');
    if (tool === null) throw new Error(`kerberos: no kadmin.local: apt-get install ${MIT_PACKAGES}`);
    return this.run(tool, ['-r', this.realm, '-q', query]);
  }

  /** Kills the KDC (SIGTERM, then SIGKILL) and waits for it; its files stay for the caller to remove. */
  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (proc) await proc.stop(2_000);
  }

  private async launch(krb5kdc: string): Promise<void> {
    const logFile = path.join(this.dir, 'krb5kdc.out');
    this.proc = await ServerProcess.spawn({ command: krb5kdc, args: ['-n', '-r', this.realm], logFile, cwd: this.dir, env: this.env });
    const proc = this.proc;
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (!proc.running) {
        const exit = await proc.exited;
        throw new ZooKeeperStartError(`kerberos: krb5kdc exited during start-up (${exit.signal ?? `code ${exit.code}`})`, await this.logTail(logFile));
      }
      if (await accepts(this.port)) return;
      if (Date.now() >= deadline) {
        await this.stop();
        throw new ZooKeeperStartError(`kerberos: krb5kdc did not listen on 127.0.0.1:${this.port} within ${START_TIMEOUT_MS} ms`, await this.logTail(logFile));
      }
      await Promise.race([delay(50), proc.exited]);
    }
  }

  private async logTail(logFile: string): Promise<string> {
    const read = (file: string): Promise<string> => fs.promises.readFile(file, 'utf8').catch(() => '');
    return tail(`${await read(logFile)}${await this.readLog()}`);
  }

  private run(command: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(command, args, { env: this.env, cwd: this.dir, timeout: COMMAND_TIMEOUT_MS }, (err, stdout, stderr) => {
        // kadmin.local exits 0 even when a query fails ('add_principal: … while creating …' on
        // stderr); the one other line it writes there is the notice that no policy applies.
        const complaint = stderr.split('\n').filter((line) => line.trim() !== '' && !/^No policy specified for /.test(line)).join('\n');
        if (err || complaint !== '') {
          reject(new Error(`kerberos: ${path.basename(command)} ${args.join(' ')} failed: ${complaint || (err as Error).message}`, { cause: err ?? undefined }));
        } else {
          resolve(stdout);
        }
      });
    });
  }
}

/** An MIT tool on the PATH, or in the sbin directories a non-root PATH lacks. */
function findTool(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1_000, () => done(false));
  });
}
