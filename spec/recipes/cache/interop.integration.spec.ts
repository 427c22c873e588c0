// TreeCache beside kazoo 2.8's TreeCache on the same subtree of a real ZooKeeper 3.8: both see the same
// nodes and data after the initial load and after changes made by either side; kazoo holds a data and a
// child watch per node where rxzk holds one recursive watch.
import { TreeCache, type TreeCacheEvent } from '../../../src/recipes';
import { fourLetterWord } from '../../../src/testing';
import { one } from '../../support/fixtures';
import { b64, unb64 } from '../../support/interop/peers';
import { Recorder } from '../../support/recorder';
import { interopServer } from '../support/interop-server';

const env = interopServer({ kazoo: true });

/** Every path the kazoo cache holds under `root`, with its data as text. */
async function kazooView(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const visit = async (path: string): Promise<void> => {
    const node = await env.kazoo.call('treeCache.get', { handle: 'tc', path });
    if (node === null) return;
    out.set(path, unb64(node.data).toString());
    for (const name of (await env.kazoo.call('treeCache.children', { handle: 'tc', path })) ?? []) await visit(`${path}/${name}`);
  };
  await visit(root);
  return out;
}
function rxzkView(cache: TreeCache, root: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (path: string): void => {
    const node = cache.get(path);
    if (node === undefined) return;
    out.set(path, node.data.toString());
    for (const name of cache.children(path) ?? []) visit(`${path}/${name}`);
  };
  visit(root);
  return out;
}
const sorted = (m: Map<string, string>) => JSON.stringify([...m].sort());

it('an rxzk TreeCache and a kazoo TreeCache on one subtree see the same nodes', async () => {
  await one(env.zk.create('/shared/config/db', 'url=a', { makePath: true }));
  await one(env.zk.create('/shared/config/flags', 'x'));
  const cache = new TreeCache(env.zk, '/shared');
  const events = new Recorder<TreeCacheEvent>(cache.events$);
  try {
    const watchesBefore = Number(/Total watches:\s*(\d+)/.exec(await fourLetterWord(env.server.connectString, 'wchs'))?.[1]);
    await cache.start();
    const rxzkWatches = Number(/Total watches:\s*(\d+)/.exec(await fourLetterWord(env.server.connectString, 'wchs'))?.[1]) - watchesBefore;
    expect(await env.kazoo.call('treeCache.start', { handle: 'tc', path: '/shared', timeoutMs: 15_000 })).toBe(true);
    expect(sorted(await kazooView('/shared'))).toBe(sorted(rxzkView(cache, '/shared')));
    expect(rxzkView(cache, '/shared').size).toBe(4);
    expect(rxzkWatches).toBe(1);

    // Changes by kazoo reach rxzk, changes by rxzk reach kazoo.
    await env.kazoo.call('create', { path: '/shared/config/pool', data: b64('5') });
    await env.kazoo.call('set', { path: '/shared/config/db', data: b64('url=b') });
    await one(env.zk.delete('/shared/config/flags'));
    await one(env.zk.create('/shared/services', 'svc'));
    await events.until((vs) => vs.some((e) => e.type === 'NODE_ADDED' && e.path === '/shared/services'), 20_000);
    const expected = new Map([
      ['/shared', ''], ['/shared/config', ''], ['/shared/config/db', 'url=b'], ['/shared/config/pool', '5'], ['/shared/services', 'svc'],
    ]);
    expect(sorted(rxzkView(cache, '/shared'))).toBe(sorted(expected));
    // kazoo's cache follows its own per-node watches: wait for its events of those changes.
    for (const [type, count] of [['NODE_ADDED', 6], ['NODE_UPDATED', 1], ['NODE_REMOVED', 1]] as const) {
      expect(await env.kazoo.call('treeCache.awaitEvent', { handle: 'tc', type, count, timeoutMs: 15_000 })).toBe(true);
    }
    expect(sorted(await kazooView('/shared'))).toBe(sorted(expected));
  } finally {
    events.subscription.unsubscribe();
    await cache.close();
    await env.kazoo.call('close', { handle: 'tc' }).catch(() => undefined);
  }
}, 60_000);
