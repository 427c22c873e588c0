/**
 * Follow a JSON configuration node: every change reaches the pipeline, which
 * parses it, drops repeats and bursts, and applies the result.
 *
 *   npx tsx examples/config-follower.ts            # a throwaway ZooKeeper
 *   ZOOKEEPER_CONNECT=zk1:2181 npx tsx examples/config-follower.ts
 */
import { debounceTime, distinctUntilChanged, firstValueFrom, lastValueFrom, map, take, tap } from 'rxjs';
import { createClient } from 'rxzk';
import { startZooKeeper } from 'rxzk/testing';

interface Config {
  logLevel: 'debug' | 'info' | 'warn';
  maxConnections: number;
}

const DEFAULTS: Config = { logLevel: 'info', maxConnections: 10 };

async function main(): Promise<void> {
  const server = await startZooKeeper();
  const zk = createClient({ hosts: server.connectString });
  const writer = createClient({ hosts: server.connectString });
  await Promise.all([zk.start(), writer.start()]);
  const path = `/config-demo-${process.pid}`;

  // The follower: the current value first, then one value per change, through ordinary RxJS operators.
  const config$ = zk.watchData$(path).pipe(
    map((node): Config => (node === null ? DEFAULTS : { ...DEFAULTS, ...(JSON.parse(node.data.toString()) as Partial<Config>) })),
    distinctUntilChanged((a, b) => JSON.stringify(a) === JSON.stringify(b)),
    debounceTime(50), // a burst of edits applies once
  );
  const applied = lastValueFrom(
    config$.pipe(
      tap((config) => console.log('applying', config)),
      take(3),
    ),
  );

  // Somebody edits the configuration: it appears, changes in a burst, then changes once more.
  await new Promise((r) => setTimeout(r, 200));
  await firstValueFrom(writer.create(path, JSON.stringify({ logLevel: 'warn' })));
  await new Promise((r) => setTimeout(r, 200));
  for (const max of [20, 30, 40]) await firstValueFrom(writer.set(path, JSON.stringify({ logLevel: 'warn', maxConnections: max })));
  await new Promise((r) => setTimeout(r, 200));
  await firstValueFrom(writer.set(path, JSON.stringify({ logLevel: 'debug', maxConnections: 40 })));

  console.log('last applied:', await applied);
  await lastValueFrom(writer.delete(path), { defaultValue: undefined });
  await Promise.all([zk.close(), writer.close()]);
  await server.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
