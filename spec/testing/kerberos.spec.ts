// startZooKeeper({ kerberos: true }): the throwaway realm itself — its files, its KDC and its principals —
// and that stop() leaves neither process nor file behind. (What clients do with it: spec/session/sasl.)
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';

const execFileAsync = promisify(execFile);

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** The KDC's port, as the realm's krb5.conf gives it to clients. */
function kdcPort(krb5Conf: string): number {
  const match = /kdc = 127\.0\.0\.1:(\d+)/.exec(fs.readFileSync(krb5Conf, 'utf8'));
  if (!match) throw new Error(`no kdc line in ${krb5Conf}`);
  return Number(match[1]);
}

describe('startZooKeeper({ kerberos: true })', () => {
  let zkServer: StartedZooKeeper;

  beforeAll(async () => {
    zkServer = await startZooKeeper({ kerberos: true });
  }, 60_000);

  afterAll(async () => {
    await zkServer?.stop();
  });

  it('runs a KDC for realm RXZK.TEST on 127.0.0.1, and servers that accept tickets for zookeeper/localhost', async () => {
    const { kerberos } = zkServer;
    expect(kerberos?.realm).toBe('RXZK.TEST');
    expect(kerberos?.servicePrincipal).toBe('zookeeper/localhost@RXZK.TEST');
    expect(await listening(kdcPort(kerberos!.krb5Conf))).toBe(true);
    const log = await zkServer.members[0].readLog();
    expect(log).toMatch(/Server successfully logged in/);
  });

  it('makes principals whose keytabs the KDC honours, a second call making the first keytab stale', async () => {
    const kerberos = zkServer.kerberos!;
    const first = await kerberos.addPrincipal('carol');
    const second = await kerberos.addPrincipal('carol');
    expect(first.principal).toBe('carol@RXZK.TEST');
    expect(second.keytab).not.toBe(first.keytab);

    // MIT's own kinit, in a cache of the realm's directory, as a user would check a keytab.
    const env = { ...process.env, KRB5_CONFIG: kerberos.krb5Conf, KRB5CCNAME: `FILE:${path.join(path.dirname(kerberos.krb5Conf), 'check.cc')}` };
    await expect(execFileAsync('kinit', ['-kt', second.keytab, second.principal], { env })).resolves.toBeDefined();
    await expect(execFileAsync('kinit', ['-kt', first.keytab, first.principal], { env })).rejects.toThrow(/Preauthentication failed/);
    expect(await kerberos.readLog()).toMatch(/PREAUTH_FAILED: carol@RXZK\.TEST/);
  });

  it('caps a principal\'s tickets with maxLife', async () => {
    const kerberos = zkServer.kerberos!;
    const brief = await kerberos.addPrincipal('brief', { maxLife: 30 });
    const env = { ...process.env, KRB5_CONFIG: kerberos.krb5Conf, KRB5CCNAME: `FILE:${path.join(path.dirname(kerberos.krb5Conf), 'brief.cc')}` };
    await execFileAsync('kinit', ['-kt', brief.keytab, brief.principal], { env });
    const { stdout } = await execFileAsync('klist', [], { env });
    // "Valid starting     Expires            Service principal" then one line per ticket: 30 s apart.
    const [start, end] = /(\d\d:\d\d:\d\d)\s+\S+\s+(\d\d:\d\d:\d\d)\s+krbtgt/.exec(stdout)!.slice(1).map((t) => {
      const [h, m, s] = t.split(':').map(Number);
      return h * 3600 + m * 60 + s;
    });
    expect((end - start + 86400) % 86400).toBe(30);
  });

  it('refuses a principal name with a realm or a space, and kerberos together with sasl', async () => {
    await expect(zkServer.kerberos!.addPrincipal('dave@ELSEWHERE')).rejects.toThrow(TypeError);
    await expect(zkServer.kerberos!.addPrincipal('da ve')).rejects.toThrow(TypeError);
    await expect(startZooKeeper({ kerberos: true, sasl: true })).rejects.toThrow('kerberos and sasl exclude each other');
  });

  it('stop() kills the KDC and removes the realm', async () => {
    const server = await startZooKeeper({ kerberos: true });
    const { krb5Conf } = server.kerberos!;
    const port = kdcPort(krb5Conf);
    await server.stop();
    expect(await listening(port)).toBe(false);
    expect(fs.existsSync(path.dirname(krb5Conf))).toBe(false);
  }, 60_000);
});
