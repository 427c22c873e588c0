/**
 * A configuration subtree as a live map: a TreeCache holds every node under
 * /config in memory, on one server watch, and keeps a plain key → value map
 * up to date as another client edits the configuration.
 *
 *   npx tsx examples/tree-cache.ts            # a throwaway ZooKeeper
 *   ZOOKEEPER_CONNECT=zk1:2181 npx tsx examples/tree-cache.ts
 */
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { createClient } from 'rxzk';
import { TreeCache } from 'rxzk/recipes';
import { startZooKeeper } from 'rxzk/testing';

async function main(): Promise<void> {
  const server = await startZooKeeper();
  const zk = createClient({ hosts: server.connectString });
  const editor = createClient({ hosts: server.connectString });
  await Promise.all([zk.start(), editor.start()]);
  const root = `/config-${process.pid}`;
  await lastValueFrom(editor.ensurePath(`${root}/db`), { defaultValue: undefined });
  await firstValueFrom(editor.create(`${root}/db/url`, 'postgres://db-1/app'));
  await firstValueFrom(editor.create(`${root}/log-level`, 'info'));

  // The live map: keys relative to the root, nodes with a value only, rebuilt from each snapshot the cache emits.
  const cache = new TreeCache(zk, root);
  let settings = new Map<string, string>();
  const snapshots = cache.snapshot$.subscribe((nodes) => {
    settings = new Map(
      [...nodes].filter(([, node]) => node.data.length > 0).map(([path, node]) => [path.slice(root.length + 1), node.data.toString()]),
    );
  });
  cache.events$.subscribe((e) => console.log('path' in e ? `${e.type} ${e.path}` : e.type));
  await cache.start();
  console.log('initial settings:', Object.fromEntries(settings));

  // Someone edits the configuration; the map follows.
  const removed = firstValueFrom(cache.events$.pipe(filter((e) => e.type === 'NODE_REMOVED')));
  await firstValueFrom(editor.set(`${root}/log-level`, 'debug'));
  await firstValueFrom(editor.create(`${root}/db/pool-size`, '20'));
  await lastValueFrom(editor.delete(`${root}/db/url`), { defaultValue: undefined });
  await removed;
  console.log('settings now:', Object.fromEntries(settings));

  snapshots.unsubscribe();
  await cache.close();
  await lastValueFrom(editor.delete(root, { recursive: true }), { defaultValue: undefined });
  await Promise.all([zk.close(), editor.close()]);
  await server.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
