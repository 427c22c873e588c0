/**
 * rxzk in two minutes: connect, create, read, run a transaction, watch a change.
 *
 *   npm run demo                                  # a throwaway ZooKeeper from rxzk/testing
 *   ZOOKEEPER_CONNECT=zk1:2181 npm run demo       # your own ensemble
 */
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { createClient, NodeExistsError, type WatchedEvent } from 'rxzk';
import { startZooKeeper } from 'rxzk/testing';

async function main(): Promise<void> {
  // startZooKeeper() uses ZOOKEEPER_CONNECT when it is set, else starts a local server.
  const server = await startZooKeeper();
  console.log(`ZooKeeper at ${server.connectString} (${server.source})`);

  const zk = createClient({ hosts: server.connectString });
  zk.state$.subscribe((state) => console.log(`  state: ${state}`));
  await zk.start();
  console.log(`connected, session 0x${zk.session?.id.toString(16)}, timeout ${zk.session?.timeout} ms`);

  const root = `/rxzk-demo-${process.pid}`;
  try {
    // Create: parents made on the way, an ephemeral sequential node under them.
    await firstValueFrom(zk.create(`${root}/config`, JSON.stringify({ color: 'blue' }), { makePath: true }));
    const worker = await firstValueFrom(zk.create(`${root}/workers/w-`, 'busy', { ephemeral: true, sequential: true, makePath: true }));
    console.log(`created ${root}/config and ${worker}`);

    // Read: data and stat.
    const { data, stat } = await firstValueFrom(zk.get(`${root}/config`));
    console.log(`read ${root}/config = ${data.toString()} (version ${stat.version})`);
    console.log(`children of ${root}/workers: ${(await firstValueFrom(zk.getChildren(`${root}/workers`))).join(', ')}`);

    // Follow the node: watchData$ emits the current value, then one value per change, re-arming ZooKeeper's watch itself.
    const seen: string[] = [];
    const following = zk.watchData$(`${root}/config`).subscribe((node) => {
      seen.push(node === null ? '(absent)' : node.data.toString());
      console.log(`watchData$: ${seen.at(-1)}`);
    });
    // A one-shot watch, for comparison: the callback runs once, on the next change.
    const changed = new Promise<WatchedEvent>((resolve) => {
      void firstValueFrom(zk.get(`${root}/config`, { watch: resolve }));
    });

    // A transaction: all or nothing, guarded by the version we read.
    const results = await firstValueFrom(
      zk.transaction().check(`${root}/config`, stat.version).set(`${root}/config`, JSON.stringify({ color: 'green' })).create(`${root}/audit`, 'changed color').commit(),
    );
    console.log(`transaction applied: ${results.map((r) => r.type).join(', ')}`);
    const event = await changed;
    console.log(`one-shot watch fired: ${event.type} on ${event.path}`);
    while (seen.length < 2) await new Promise((r) => setTimeout(r, 10));
    following.unsubscribe();

    // A second create of the same node fails with a typed error.
    try {
      await firstValueFrom(zk.create(`${root}/audit`));
    } catch (err) {
      if (err instanceof NodeExistsError) console.log(`creating ${err.path} again: ${err.name} (${err.codeName})`);
      else throw err;
    }
    console.log(`server version ${await firstValueFrom(zk.serverVersion())}`);
  } finally {
    await lastValueFrom(zk.delete(root, { recursive: true }), { defaultValue: undefined });
    await zk.close();
    await server.stop();
    console.log('closed; demo nodes removed');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
