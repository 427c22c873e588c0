/**
 * Service discovery on curator-x-discovery's layout: three instances of a
 * service register themselves (as Java services on Curator's ServiceDiscovery
 * would), a client discovers them and spreads calls round-robin, skipping an
 * instance that keeps failing.
 *
 *   npx tsx examples/service-discovery.ts            # a throwaway ZooKeeper
 *   ZOOKEEPER_CONNECT=zk1:2181 npx tsx examples/service-discovery.ts
 */
import { createClient } from 'rxzk';
import { ServiceDiscovery, serviceUri } from 'rxzk/recipes';
import { startZooKeeper } from 'rxzk/testing';

async function main(): Promise<void> {
  const server = await startZooKeeper();
  const services = createClient({ hosts: server.connectString });
  const caller = createClient({ hosts: server.connectString });
  await Promise.all([services.start(), caller.start()]);
  const base = `/discovery-demo-${process.pid}`;

  // Each instance: an ephemeral node <base>/billing/<id> holding Curator's JSON, re-registered after an expiry.
  const registry = new ServiceDiscovery(services, base);
  for (const [id, port] of [['billing-1', 8081], ['billing-2', 8082], ['billing-3', 8083]] as const) {
    const { instance } = await registry.register({
      name: 'billing', id, address: '127.0.0.1', port, payload: { zone: 'eu-1' }, uriSpec: '{scheme}://{address}:{port}/api',
    });
    console.log('registered', instance.id, 'at', serviceUri(instance));
  }

  // The caller's side: discover, then pick round-robin.
  const discovery = new ServiceDiscovery(caller, base);
  console.log('services:', await discovery.names());
  console.log('billing instances:', (await discovery.instances('billing')).map((i) => i.id));
  const provider = discovery.provider('billing', { strategy: 'round-robin' });
  const picks: string[] = [];
  for (let call = 0; call < 6; call++) {
    const instance = await provider.next({ timeout: 5_000 });
    if (instance === null) throw new Error('no billing instance');
    picks.push(instance.id);
    // billing-2 fails: noted twice, it is skipped for 30 s (Curator's DownInstancePolicy).
    if (instance.id === 'billing-2') provider.noteError(instance);
  }
  console.log('round-robin picks:', picks.join(' '));
  const usable = (await provider.instances()).map((i) => i.id);
  console.log('usable now:', usable.join(' '));
  if (!usable.includes('billing-1') || usable.includes('billing-2')) throw new Error('unexpected provider state');

  provider.close();
  await registry.close(); // the DYNAMIC registrations are removed
  console.log('after close:', (await discovery.instances('billing')).length, 'instances');
  await Promise.all([services.close(), caller.close()]);
  await server.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
