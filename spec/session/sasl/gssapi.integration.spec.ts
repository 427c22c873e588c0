// SASL GSSAPI (Kerberos) against a real ZooKeeper 3.8 logging in from a keytab, with a throwaway MIT KDC
// (rxzk/testing's kerberos: true) and the real `kerberos` binding: the identity it gives, `sasl:` ACLs by
// principal, credentials refused by the KDC or inside the exchange (AUTH_FAILED either way), authentication
// again after a restart, an expiry and an expired ticket, the ticket cache, and kazoo as the same principal.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { firstValueFrom } from 'rxjs';
import { AuthFailedError, NoAuthError, Perms, makeAcl, type ZooKeeperClient } from '../../../src';
import { SaslError } from '../../../src/session/sasl/sasl-error';
import { TcpProxy, waitFor } from '../../../src/testing';
import { observeFor, rejectionOf, until, untilNewSession } from '../../support/fixtures';
import { kerberizedZooKeeper } from './kerberos-server';

const execFileAsync = promisify(execFile);
const kz = kerberizedZooKeeper();

const whoAmI = (zk: ZooKeeperClient) => firstValueFrom(zk.whoAmI());

/** Ticket lifetime of the short-lived principals (kadmin -maxlife), in seconds. */
const MAX_LIFE_S = 8;

/**
 * Until a ticket issued before `issuedBy` (ms) is no longer accepted: its lifetime plus the 5 s of clock
 * skew the realm allows, and a second of margin. The condition is the time itself.
 */
const ticketExpired = (issuedBy: number) =>
  waitFor(() => Date.now() >= issuedBy + (MAX_LIFE_S + 5 + 1) * 1000, { timeout: (MAX_LIFE_S + 7) * 1000, interval: 250 });
const read = async (zk: ZooKeeperClient, p: string): Promise<string> => (await firstValueFrom(zk.get(p))).data.toString();

/** The KDC's log lines for a TGT issued to `principal` (an AS exchange), and for a service ticket to ZooKeeper. */
const tgtIssued = (principal: string) => new RegExp(`AS_REQ .*ISSUE: .* ${principal.replace(/\./g, '\\.')} for krbtgt/`);
const serviceTicketIssued = (principal: string) => new RegExp(`TGS_REQ .*ISSUE: .* ${principal.replace(/\./g, '\\.')} for zookeeper/localhost@RXZK\\.TEST`);

describe('SASL GSSAPI against a Kerberized ZooKeeper', () => {
  it('authenticates from a keytab: whoAmI names the principal, whose ticket was for zookeeper/localhost', async () => {
    const alice = await kz.kerberos.addPrincipal('alice');
    const zk = kz.client({ sasl: kz.gssapi(alice) });
    await zk.start();
    expect(zk.state).toBe('CONNECTED');
    expect(await whoAmI(zk)).toContainEqual({ scheme: 'sasl', id: 'alice@RXZK.TEST' });
    // The connect string says 127.0.0.1: the host was canonicalised to the name the servers' principal has.
    expect(await kz.kdcCount(serviceTicketIssued(alice.principal))).toBeGreaterThanOrEqual(1);
  });

  it('a sasl: ACL naming a principal grants it and refuses another principal and the anonymous with NoAuthError', async () => {
    const [owner, other] = await Promise.all([kz.kerberos.addPrincipal('owner'), kz.kerberos.addPrincipal('other')]);
    const ownerZk = kz.client({ sasl: kz.gssapi(owner) });
    const otherZk = kz.client({ sasl: kz.gssapi(other) });
    const anonymous = kz.client({});
    await Promise.all([ownerZk.start(), otherZk.start(), anonymous.start()]);

    await firstValueFrom(ownerZk.create('/owned', 'secret', { acl: [makeAcl('sasl', owner.principal, Perms.ALL)] }));
    expect(await read(ownerZk, '/owned')).toBe('secret');
    expect((await firstValueFrom(ownerZk.getAcl('/owned'))).acl).toEqual([{ perms: Perms.ALL, scheme: 'sasl', id: 'owner@RXZK.TEST' }]);
    expect(await whoAmI(otherZk)).toContainEqual({ scheme: 'sasl', id: 'other@RXZK.TEST' });
    await expect(firstValueFrom(otherZk.get('/owned'))).rejects.toBeInstanceOf(NoAuthError);
    await expect(firstValueFrom(otherZk.set('/owned', 'overwritten'))).rejects.toBeInstanceOf(NoAuthError);
    await expect(firstValueFrom(anonymous.get('/owned'))).rejects.toBeInstanceOf(NoAuthError);
    expect(await read(ownerZk, '/owned')).toBe('secret');
  });

  it.each([
    {
      what: 'a stale keytab (the key changed at the KDC since it was written): the KDC refuses it',
      setUp: async () => {
        const stale = await kz.kerberos.addPrincipal('rotated');
        await kz.kerberos.addPrincipal('rotated');
        return kz.gssapi(stale);
      },
      says: /cannot acquire Kerberos credentials as rotated@RXZK\.TEST: .*Preauthentication failed/,
    },
    {
      what: 'a service the KDC does not know (serviceName): no ticket, as the Java client on UNKNOWN_SERVER',
      setUp: async () => kz.gssapi(await kz.kerberos.addPrincipal('misdirected'), { serviceName: 'nosuchservice' }),
      says: /cannot get a Kerberos ticket for nosuchservice@localhost as misdirected@RXZK\.TEST: .*not found in Kerberos database/,
    },
    {
      what: 'a ticket for another service (serviceHost): the server refuses it inside the exchange',
      setUp: async () => {
        await kz.kerberos.addPrincipal('zookeeper/elsewhere.invalid');
        return kz.gssapi(await kz.kerberos.addPrincipal('lost'), { serviceHost: 'elsewhere.invalid' });
      },
      says: /^the server refused SASL GSSAPI authentication/,
    },
  ])('$what: start() rejects with AuthFailedError, AUTH_FAILED, no reconnection', async ({ setUp, says }) => {
    const sasl = await setUp();
    const counter = await TcpProxy.start(kz.server.connectString);
    try {
      const zk = kz.client({ hosts: counter.address, sasl, connectTimeout: 10_000 });
      const err = await rejectionOf(zk.start());
      expect(err).toBeInstanceOf(AuthFailedError);
      expect(err.message).toMatch(says);
      expect(zk.state).toBe('AUTH_FAILED');
      // The Kerberos library's refusals are typed too: the AuthFailedError's cause is a SaslError.
      if (!/^the server refused/.test(err.message)) expect(err.cause).toBeInstanceOf(SaslError);

      // No reconnection storm: ~1 s later still the one connection.
      await observeFor(1_000);
      expect(counter.accepted).toBe(1);
      expect(zk.state).toBe('AUTH_FAILED');
      await expect(firstValueFrom(zk.get('/'))).rejects.toBeInstanceOf(AuthFailedError);
    } finally {
      await counter.stop();
    }
  });

  it('authenticates again after a server restart, before the requests queued meanwhile', async () => {
    const restarted = await kz.kerberos.addPrincipal('restarted');
    const zk = kz.client({ sasl: kz.gssapi(restarted), sessionTimeout: 20_000, retry: { delay: 50, maxDelay: 500 } });
    await zk.start();
    await firstValueFrom(zk.create('/restarted', 'kept', { acl: [makeAcl('sasl', restarted.principal, Perms.ALL)] }));
    const session = zk.session!.id;

    const member = kz.server.members[0];
    await member.stop();
    await until(zk, 'SUSPENDED');
    // Queued while the server is down: it can only succeed if GSSAPI ran first on the new connection.
    const queued = read(zk, '/restarted');
    await member.start();

    expect(await queued).toBe('kept');
    expect(zk.session?.id).toBe(session);
    expect(await whoAmI(zk)).toContainEqual({ scheme: 'sasl', id: 'restarted@RXZK.TEST' });
  });

  it('authenticates the new session after an expiry', async () => {
    const expiring = await kz.kerberos.addPrincipal('expiring');
    const zk = kz.client({ sasl: kz.gssapi(expiring) });
    await zk.start();
    await firstValueFrom(zk.create('/expiring', 'still mine', { acl: [makeAcl('sasl', expiring.principal, Perms.ALL)] }));
    const session = zk.session!.id;

    const expired = until(zk, 'EXPIRED');
    const expiredSession = zk.session?.id;
    await kz.server.expireSession(zk);
    await expired;
    await untilNewSession(zk, expiredSession);

    expect(zk.session?.id).not.toBe(session);
    expect(await whoAmI(zk)).toContainEqual({ scheme: 'sasl', id: 'expiring@RXZK.TEST' });
    expect(await read(zk, '/expiring')).toBe('still mine');
  });

  it('takes a new ticket from the keytab for the reconnect after its ticket expired while connected', async () => {
    const shortLived = await kz.kerberos.addPrincipal('shortlived', { maxLife: MAX_LIFE_S });
    const proxy = await TcpProxy.start(kz.server.connectString);
    try {
      const zk = kz.client({ hosts: proxy.address, sasl: kz.gssapi(shortLived), sessionTimeout: 30_000, retry: { delay: 50, maxDelay: 500 } });
      await zk.start();
      const ticketTaken = Date.now();
      const tgts = await kz.kdcCount(tgtIssued(shortLived.principal));
      expect(tgts).toBeGreaterThanOrEqual(1);

      await ticketExpired(ticketTaken);
      expect(zk.state).toBe('CONNECTED');
      proxy.cut();
      await until(zk, 'SUSPENDED');
      await until(zk, 'CONNECTED');

      expect(await whoAmI(zk)).toContainEqual({ scheme: 'sasl', id: 'shortlived@RXZK.TEST' });
      // A ticket-granting ticket issued after the first expired: taken from the keytab, nobody ran kinit.
      expect(await kz.kdcCount(tgtIssued(shortLived.principal))).toBeGreaterThan(tgts);
    } finally {
      await proxy.stop();
    }
  }, 60_000);
});

describe('SASL GSSAPI with a ticket cache, and with kazoo', () => {
  let dir: string;
  const savedCache = process.env.KRB5CCNAME;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxzk-krb5cc-'));
  });

  afterEach(() => {
    if (savedCache === undefined) delete process.env.KRB5CCNAME;
    else process.env.KRB5CCNAME = savedCache;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** kinit from the keytab into a cache file of this test's (MIT's kinit, as a user would). */
  async function kinit(principal: { principal: string; keytab: string }): Promise<string> {
    const cache = `FILE:${path.join(dir, 'krb5cc')}`;
    await execFileAsync('kinit', ['-kt', principal.keytab, principal.principal], { env: { ...process.env, KRB5CCNAME: cache }, timeout: 15_000 });
    return cache;
  }

  it('takes the ticket from the ticket cache (KRB5CCNAME) when no keytab is given', async () => {
    const cached = await kz.kerberos.addPrincipal('cached');
    process.env.KRB5CCNAME = await kinit(cached);
    // The cache's principal, and the same principal asked for by name.
    const zk = kz.client({ sasl: { mechanism: 'GSSAPI' } });
    const named = kz.client({ sasl: { mechanism: 'GSSAPI', principal: cached.principal } });
    await Promise.all([zk.start(), named.start()]);
    expect(await whoAmI(zk)).toContainEqual({ scheme: 'sasl', id: 'cached@RXZK.TEST' });
    expect(await whoAmI(named)).toContainEqual({ scheme: 'sasl', id: 'cached@RXZK.TEST' });
  });

  it('with only a ticket cache, a ticket that expired while connected ends the client in AUTH_FAILED at the next reconnect', async () => {
    const cacheOnly = await kz.kerberos.addPrincipal('cacheonly', { maxLife: MAX_LIFE_S });
    process.env.KRB5CCNAME = await kinit(cacheOnly);
    const ticketTaken = Date.now();
    const proxy = await TcpProxy.start(kz.server.connectString);
    try {
      const errors: string[] = [];
      const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (message: string) => errors.push(message) };
      const zk = kz.client({ hosts: proxy.address, sasl: { mechanism: 'GSSAPI' }, sessionTimeout: 30_000, retry: { delay: 50, maxDelay: 500 }, logger });
      await zk.start();
      await ticketExpired(ticketTaken);
      proxy.cut();
      await until(zk, 'AUTH_FAILED');
      await expect(firstValueFrom(zk.get('/'))).rejects.toBeInstanceOf(AuthFailedError);
      expect(errors.join('\n')).toMatch(/GSSAPI: cannot get a Kerberos ticket for zookeeper@localhost: .*expired/i);
    } finally {
      await proxy.stop();
    }
  }, 60_000);

  it('kazoo (puresasl over python-kerberos) and rxzk authenticated as one principal share a node its ACL closes to others', async () => {
    const shared = await kz.kerberos.addPrincipal('shared');
    const cache = await kinit(shared);
    // kazoo 2.8 has no keytab option: it takes the ticket from KRB5CCNAME, and names the host as given.
    const kazoo = (script: string): Promise<string> =>
      execFileAsync(
        '/usr/bin/python3',
        ['-c', `import sys\nfrom kazoo.client import KazooClient\nfrom kazoo.security import make_acl\nzk = KazooClient(hosts=sys.argv[1], sasl_options={'mechanism': 'GSSAPI', 'service': 'zookeeper'})\nzk.start(timeout=20)\n${script}\nzk.stop()\n`, kz.server.connectString],
        { env: { ...process.env, KRB5CCNAME: cache }, timeout: 30_000 },
      ).then((r) => r.stdout.trim());

    await kazoo(`zk.create('/shared', b'from kazoo', acl=[make_acl('sasl', 'shared@RXZK.TEST', all=True)])`);
    const zk = kz.client({ sasl: kz.gssapi(shared) });
    const stranger = kz.client({ sasl: kz.gssapi(await kz.kerberos.addPrincipal('stranger')) });
    await Promise.all([zk.start(), stranger.start()]);

    expect(await read(zk, '/shared')).toBe('from kazoo');
    expect((await firstValueFrom(zk.getAcl('/shared'))).acl).toEqual([{ perms: Perms.ALL, scheme: 'sasl', id: 'shared@RXZK.TEST' }]);
    await firstValueFrom(zk.set('/shared', 'from rxzk'));
    await expect(firstValueFrom(stranger.get('/shared'))).rejects.toBeInstanceOf(NoAuthError);
    expect(await kazoo(`print(zk.get('/shared')[0].decode())`)).toBe('from rxzk');
  }, 60_000);
});
