// Digest ACLs against a real ZooKeeper 3.8: digestCredential / makeDigestAcl compute what the
// server's DigestAuthenticationProvider computes, the harness's super user (superDigest), the
// credentials replayed after a reconnect, and the same ACLs seen from kazoo (Python).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { promisify } from 'node:util';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import {
  CREATOR_ALL_ACL,
  NoAuthError,
  Perms,
  digestCredential,
  makeDigestAcl,
  type ZooKeeperClient,
} from '../../src';
import { clientPool, until } from '../support/fixtures';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { TcpProxy } from '../support/tcp-proxy';

const execFileAsync = promisify(execFile);

let zkServer: StartedZooKeeper;
const { connect, closeAll } = clientPool(() => zkServer.connectString);


async function addAuth(zk: ZooKeeperClient, credential: string): Promise<void> {
  await lastValueFrom(zk.addAuth('digest', credential), { defaultValue: undefined });
}

beforeAll(async () => {
  zkServer = await startZooKeeper();
});

afterEach(async () => {
  await closeAll();
});

afterAll(async () => {
  await zkServer?.stop();
});

describe("digestCredential and makeDigestAcl agree with ZooKeeper's DigestAuthenticationProvider", () => {
  // The server turns CREATOR_ALL_ACL ('auth' scheme) into the session's own digest identity,
  // which it computes with DigestAuthenticationProvider.generateDigest from the addAuth
  // credential: getAcl then shows the server's digest, to compare with ours.
  it.each([
    ['alice', 'wonderland'],
    ['empty', ''],
    // The password may contain ':' (the server splits at the first one only).
    ['colons', 'pass:with:colons'],
    // UTF-8 both ways: the server decodes the credential with the JVM's default charset
    // (UTF-8 here, and always from Java 18) and hashes it as UTF-8.
    ['jürgen', 'pässwörd ✓'],
  ])("the server's digest of %j:%j is digestCredential's", async (username, password) => {
    const zk = await connect();
    await addAuth(zk, `${username}:${password}`);
    const path = `/creator-${Buffer.from(username).toString('hex')}`;
    await firstValueFrom(zk.create(path, 'mine', { acl: CREATOR_ALL_ACL }));
    const { acl } = await firstValueFrom(zk.getAcl(path));
    expect(acl).toEqual([{ perms: Perms.ALL, scheme: 'digest', id: digestCredential(username, password) }]);
    expect(acl).toEqual([makeDigestAcl(username, password, Perms.ALL)]);
  });

  it('a makeDigestAcl node opens to addAuth with that password, and to nobody else', async () => {
    const owner = await connect();
    await firstValueFrom(owner.create('/digest-guarded', 'secret', { acl: [makeDigestAcl('carol', 'c4r0l', Perms.READ | Perms.ADMIN)] }));

    const anonymous = await connect();
    await expect(firstValueFrom(anonymous.get('/digest-guarded'))).rejects.toBeInstanceOf(NoAuthError);
    const wrong = await connect();
    // The server accepts any digest credential (it is only an identity); it just does not match the ACL.
    await addAuth(wrong, 'carol:not-the-password');
    await expect(firstValueFrom(wrong.get('/digest-guarded'))).rejects.toBeInstanceOf(NoAuthError);

    const carol = await connect();
    await addAuth(carol, 'carol:c4r0l');
    expect((await firstValueFrom(carol.get('/digest-guarded'))).data.toString()).toBe('secret');
    // READ | ADMIN: reading works, writing does not.
    await expect(firstValueFrom(carol.set('/digest-guarded', 'changed'))).rejects.toBeInstanceOf(NoAuthError);
  });

  it("the test server's super user: superDigest is digestCredential(super), and it passes every ACL", async () => {
    const superUser = zkServer.superUser!;
    expect(superUser).toEqual({ username: 'super', password: 'super-secret' });
    // How rxzk/testing configures it: -Dzookeeper.DigestAuthenticationProvider.superDigest=super:<digest>.
    const pid = zkServer.members[0].pid;
    expect(pid).toBeDefined();
    const argv = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const flag = '-Dzookeeper.DigestAuthenticationProvider.superDigest=';
    expect(argv.find((arg) => arg.startsWith(flag))?.slice(flag.length)).toBe(digestCredential(superUser.username, superUser.password));

    const owner = await connect();
    await firstValueFrom(owner.create('/only-dave', 'dave data', { acl: [makeDigestAcl('dave', 'd4ve', Perms.ALL)] }));

    const root = await connect();
    await addAuth(root, `${superUser.username}:${superUser.password}`);
    // The server matched our credential against superDigest: the session is super.
    expect(await firstValueFrom(root.whoAmI())).toContainEqual({ scheme: 'super', id: '' });
    expect((await firstValueFrom(root.get('/only-dave'))).data.toString()).toBe('dave data');
    await firstValueFrom(root.set('/only-dave', 'super was here'));

    const impostor = await connect();
    await addAuth(impostor, `${superUser.username}:wrong`);
    expect((await firstValueFrom(impostor.whoAmI())).map((id) => id.scheme)).not.toContain('super');
    await expect(firstValueFrom(impostor.get('/only-dave'))).rejects.toBeInstanceOf(NoAuthError);
  });

  it('replays digest credentials after a cut connection, before a read queued meanwhile', async () => {
    const owner = await connect();
    await firstValueFrom(owner.create('/digest-reconnect', 'still mine', { acl: [makeDigestAcl('erin', '3rin', Perms.ALL)] }));
    const proxy = await TcpProxy.start(zkServer.connectString);
    try {
      const zk = await connect({ hosts: proxy.address, sessionTimeout: 20_000, retry: { delay: 50, maxDelay: 500 } });
      await addAuth(zk, 'erin:3rin');
      const session = zk.session!.id;

      proxy.refuse();
      await until(zk, 'SUSPENDED');
      const queued = firstValueFrom(zk.get('/digest-reconnect'));
      proxy.accept();

      // The server forgets a connection's identities when it closes: this read works only
      // because the credential went out again, first thing, on the new connection.
      expect((await queued).data.toString()).toBe('still mine');
      expect(zk.session?.id).toBe(session);
      expect(await firstValueFrom(zk.whoAmI())).toContainEqual({ scheme: 'digest', id: 'erin' });
    } finally {
      await proxy.stop();
    }
  });
});

describe('digest ACLs seen from kazoo', () => {
  // kazoo 2.8 from Debian's python3-kazoo, run by Debian's interpreter (the machine's default
  // python3 may be another one, without Debian's packages).
  const PYTHON = '/usr/bin/python3';
  let kazooAvailable: Promise<void> | undefined;

  /** Fails (never skips) when kazoo is missing, saying how to install it. */
  function requireKazoo(): Promise<void> {
    kazooAvailable ??= execFileAsync(PYTHON, ['-c', 'import kazoo'], { timeout: 30_000 }).then(
      () => undefined,
      (err: unknown) => {
        const detail = typeof err === 'object' && err !== null && 'stderr' in err ? String(err.stderr).trim().split('\n').pop() : String(err);
        throw new Error(
          `this test needs kazoo for ${PYTHON}, which cannot import it (${detail}). ` +
            "Install it with 'apt-get install -y python3-kazoo', or run scripts/install-zookeeper.sh with RXZK_INSTALL_KAZOO=1 (as CI must).",
        );
      },
    );
    return kazooAvailable;
  }

  /** Runs a kazoo script with `sys.argv[1:]` = args; it prints one JSON value. */
  async function kazoo(script: string, args: string[]): Promise<unknown> {
    await requireKazoo();
    const { stdout } = await execFileAsync(PYTHON, ['-c', script, ...args], { timeout: 30_000 });
    return JSON.parse(stdout);
  }

  const KAZOO_GET = `
import json, sys
from kazoo.client import KazooClient
from kazoo.exceptions import NoAuthError
hosts, path, credential = sys.argv[1:4]
zk = KazooClient(hosts=hosts, timeout=10)
zk.start(timeout=10)
try:
    if credential:
        zk.add_auth('digest', credential)
    try:
        data, stat = zk.get(path)
        print(json.dumps({'data': data.decode('utf-8')}))
    except NoAuthError:
        print(json.dumps({'error': 'NoAuthError'}))
finally:
    zk.stop()
    zk.close()
`;

  it("kazoo reads a node protected by rxzk's makeDigestAcl with the same credentials, and gets NoAuth without them", async () => {
    const zk = await connect();
    await firstValueFrom(zk.create('/for-kazoo', 'hello from rxzk', { acl: [makeDigestAcl('frank', 'fr4nk', Perms.ALL)] }));

    expect(await kazoo(KAZOO_GET, [zkServer.connectString, '/for-kazoo', 'frank:fr4nk'])).toEqual({ data: 'hello from rxzk' });
    expect(await kazoo(KAZOO_GET, [zkServer.connectString, '/for-kazoo', ''])).toEqual({ error: 'NoAuthError' });
    expect(await kazoo(KAZOO_GET, [zkServer.connectString, '/for-kazoo', 'frank:wrong'])).toEqual({ error: 'NoAuthError' });
  });

  it("rxzk reads a node protected by kazoo's make_digest_acl, whose credential is digestCredential's", async () => {
    const credentials: [string, string][] = [
      ['grace', 'gr4ce'],
      ['colons', 'a:b:c'],
      ['jürgen', 'pässwörd ✓'],
    ];
    const made = await kazoo(
      `
import json, sys
from kazoo.client import KazooClient
from kazoo.security import make_digest_acl, make_digest_acl_credential
hosts = sys.argv[1]
pairs = json.loads(sys.argv[2])
zk = KazooClient(hosts=hosts, timeout=10)
zk.start(timeout=10)
try:
    zk.create('/from-kazoo', b'hello from kazoo', acl=[make_digest_acl('grace', 'gr4ce', all=True)])
finally:
    zk.stop()
    zk.close()
print(json.dumps([make_digest_acl_credential(u, p) for u, p in pairs]))
`,
      [zkServer.connectString, JSON.stringify(credentials)],
    );
    expect(made).toEqual(credentials.map(([u, p]) => digestCredential(u, p)));

    const anonymous = await connect();
    await expect(firstValueFrom(anonymous.get('/from-kazoo'))).rejects.toBeInstanceOf(NoAuthError);
    const grace = await connect();
    await addAuth(grace, 'grace:gr4ce');
    expect((await firstValueFrom(grace.get('/from-kazoo'))).data.toString()).toBe('hello from kazoo');
    expect((await firstValueFrom(grace.getAcl('/from-kazoo'))).acl).toEqual([makeDigestAcl('grace', 'gr4ce', Perms.ALL)]);
  });
});
