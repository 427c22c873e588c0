// The heap that shared watches cost: N nodes, each followed by `watchData$`
// with S subscribers (issue: "10,000 paths each with 10 subscribers must not
// grow the heap by more than a few tens of MB"). Run:
//   node --expose-gc --import tsx bench/watch-memory.ts [--nodes 10000] [--subscribers 10]
// Prints heapUsed growth after forced GCs, the server's watch count (wchs) and
// that count after every subscriber left.
import { firstValueFrom, lastValueFrom, type Subscription } from 'rxjs';
import { createClient } from '../src';
import { startZooKeeper } from '../src/testing';
import { pipelined } from './fixtures';
import { gcFunction, settle } from './heap';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const gc = gcFunction();

async function settledHeap(): Promise<number> {
  await settle();
  gc();
  return process.memoryUsage().heapUsed;
}

/** The server's count of watches, from `wchs` ("… Total watches:N"). */
async function serverWatches(zk: ReturnType<typeof createClient>): Promise<number> {
  const text = await firstValueFrom(zk.command('wchs'));
  return Number(/Total watches:\s*(\d+)/.exec(text)?.[1] ?? NaN);
}

async function main(): Promise<void> {
  const nodes = option('nodes', 10_000);
  const perNode = option('subscribers', 10);
  const server = await startZooKeeper();
  const zk = createClient({ hosts: server.connectString });
  try {
    await zk.start();
    const root = `/watch-memory-${process.pid}`;
    await lastValueFrom(zk.create(root));
    const paths = Array.from({ length: nodes }, (_, i) => `${root}/n${i}`);
    await pipelined(nodes, (i) => zk.create(paths[i], Buffer.from(`value ${i}`)));
    const subscriptions: Subscription[] = new Array<Subscription>(nodes * perNode);
    let seen = 0;
    const onValue = (): void => {
      seen++;
    };
    const before = await settledHeap();
    const started = performance.now();
    let k = 0;
    for (const path of paths) {
      const value$ = zk.watchData$(path);
      for (let s = 0; s < perNode; s++) subscriptions[k++] = value$.subscribe(onValue);
    }
    while (seen < nodes * perNode) await new Promise((r) => setTimeout(r, 10));
    const followMs = performance.now() - started;
    const after = await settledHeap();
    const watches = await serverWatches(zk);
    for (const s of subscriptions) s.unsubscribe();
    // One removeWatches per path: wait for them (up to 10 s).
    let watchesAfter = await serverWatches(zk);
    for (let t = 0; watchesAfter > 0 && t < 100; t++) {
      await new Promise((r) => setTimeout(r, 100));
      watchesAfter = await serverWatches(zk);
    }
    const grown = after - before;
    console.log(
      `${nodes} nodes × ${perNode} subscribers: heap +${(grown / 1e6).toFixed(1)} MB ` +
        `(${Math.round(grown / nodes)} B per node, ${Math.round(grown / (nodes * perNode))} B per subscriber), ` +
        `all values in ${Math.round(followMs)} ms; server watches ${watches} while followed, ${watchesAfter} after`,
    );
  } finally {
    await zk.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
