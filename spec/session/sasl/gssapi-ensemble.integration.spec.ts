// SASL GSSAPI on a 3-server Kerberized ensemble (quorum SASL off, every member logging in as
// zookeeper/localhost from one keytab): each member authenticates a principal, and a client whose
// member dies authenticates again on the member it moves to.
import { filter, firstValueFrom, switchMap, take } from 'rxjs';
import { Perms, makeAcl } from '../../../src';
import { kerberizedZooKeeper } from './kerberos-server';

const kz = kerberizedZooKeeper({ servers: 3 });

describe('SASL GSSAPI on a Kerberized ensemble', () => {
  it('every member authenticates the principal', async () => {
    const alice = await kz.kerberos.addPrincipal('alice');
    for (const member of kz.server.members) {
      const zk = kz.client({ hosts: member.connectString, sasl: kz.gssapi(alice) });
      await zk.start();
      expect(await firstValueFrom(zk.whoAmI())).toContainEqual({ scheme: 'sasl', id: 'alice@RXZK.TEST' });
    }
  });

  it('a client whose member dies moves to another and authenticates there before its queued request', async () => {
    const mover = await kz.kerberos.addPrincipal('mover');
    const zk = kz.client({ sasl: kz.gssapi(mover), sessionTimeout: 20_000, retry: { delay: 50, maxDelay: 500 } });
    await zk.start();
    await firstValueFrom(zk.create('/moved', 'mine', { acl: [makeAcl('sasl', mover.principal, Perms.ALL)] }));
    const first = zk.server!;
    const session = zk.session!.id;

    const member = kz.server.memberOf(first);
    // Asked the moment the client notices: queued, and readable by mover only, so it succeeds only if
    // GSSAPI ran on the new member first.
    const queued = firstValueFrom(
      zk.state$.pipe(
        filter((s) => s === 'SUSPENDED'),
        take(1),
        switchMap(() => zk.get('/moved')),
      ),
    );
    await member.kill();
    try {
      expect((await queued).data.toString()).toBe('mine');
      expect(zk.server).not.toBe(first);
      expect(zk.session?.id).toBe(session);
      expect(await firstValueFrom(zk.whoAmI())).toContainEqual({ scheme: 'sasl', id: 'mover@RXZK.TEST' });
    } finally {
      await member.start();
    }
  });
});
