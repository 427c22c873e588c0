// TreeCache's maxDepth and selector beside Curator 5.4's TreeCache (TreeCache.Builder.setMaxDepth, setSelector) on
// the same tree of a real ZooKeeper 3.8: with the same settings, both hold the same nodes with the same data after
// the initial load and after changes in and out of the scope (spec/support/interop/CuratorCachePeer.java).
import { TreeCache, type TreeCacheEvent, type TreeCacheOptions } from '../../../src/recipes';
import { waitFor } from '../../../src/testing';
import { one } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { interopServer } from '../support/interop-server';

const env = interopServer({ curator: true });

/** What the rxzk cache holds: path → data, walked from its root. */
function rxzkView(cache: TreeCache, root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (path: string): void => {
    const node = cache.get(path);
    if (node === undefined) return;
    out[path] = node.data.toString();
    for (const name of cache.children(path) ?? []) visit(`${path}/${name}`);
  };
  visit(root);
  return out;
}
const sortedKeys = (o: Record<string, string>) => Object.keys(o).sort();
const canonical = (o: unknown) => JSON.stringify(Object.entries(o as Record<string, string>).sort());

interface Scope { maxDepth?: number; noTraverse?: string[]; reject?: string[] }
/** The rxzk options for a scope given as Curator's peer takes it. */
function optionsFor(scope: Scope): TreeCacheOptions {
  const noTraverse = new Set(scope.noTraverse ?? []);
  const reject = new Set(scope.reject ?? []);
  return {
    ...(scope.maxDepth === undefined ? {} : { maxDepth: scope.maxDepth }),
    selector: { traverseChildren: (p) => !noTraverse.has(p), acceptChild: (p) => !reject.has(p) },
  };
}

let tree = 0;
/** A fresh tree of depth 3 under /ct-N: a, a/a1, a/a1/a2, b, b/b1, c, c/c1. */
async function makeTree(): Promise<string> {
  const root = `/ct-${++tree}`;
  for (const p of ['/a/a1/a2', '/b/b1', '/c/c1']) await one(env.zk.create(`${root}${p}`, `${root}${p}`, { makePath: true }));
  return root;
}

const scopes: [string, (root: string) => Scope][] = [
  ['maxDepth 0', () => ({ maxDepth: 0 })],
  ['maxDepth 1', () => ({ maxDepth: 1 })],
  ['maxDepth 2', () => ({ maxDepth: 2 })],
  ['a selector', (root) => ({ noTraverse: [`${root}/a/a1`], reject: [`${root}/c`] })],
  ['maxDepth 2 and a selector', (root) => ({ maxDepth: 2, noTraverse: [`${root}/b`], reject: [`${root}/a/a1`] })],
];

describe('TreeCache beside Curator\'s TreeCache with the same maxDepth and selector', () => {
  for (const [name, scopeOf] of scopes) {
    it(`${name}: the same nodes after the load and after changes in and out of the scope`, async () => {
      const root = await makeTree();
      const scope = scopeOf(root);
      const handle = `tc-${tree}`;
      const cache = new TreeCache(env.zk, root, optionsFor(scope));
      const events = new Recorder<TreeCacheEvent>(cache.events$);
      try {
        await env.curator.call('treeCache.create', { handle, path: root, ...scope });
        await cache.start();
        expect(await env.curator.call('treeCache.awaitInitialized', { handle, timeoutMs: 15_000 })).toBe(true);
        const loaded = rxzkView(cache, root);
        expect(await env.curator.call('treeCache.nodes', { handle })).toEqual(loaded);
        expect(cache.size).toBe(Object.keys(loaded).length);

        // Changes everywhere: in the scope or not, depending on it.
        await one(env.zk.create(`${root}/a/a1/a2/a3`, 'deeper'));
        await one(env.zk.set(`${root}/a/a1`, 'a1 changed'));
        await one(env.zk.create(`${root}/c/c2`, 'c2'));
        await one(env.zk.delete(`${root}/b/b1`));
        await one(env.zk.create(`${root}/d`, 'd'));
        await one(env.zk.create(`${root}/d/d1`, 'd1'));
        // Fence: the root's change comes last on both.
        await one(env.zk.set(root, 'fence'));
        await events.until((vs) => vs.some((e) => e.type === 'NODE_UPDATED' && e.path === root), 15_000);
        expect(await env.curator.call('treeCache.awaitEvent', { handle, type: 'NODE_UPDATED', path: root, timeoutMs: 15_000 })).toBe(true);
        const after = rxzkView(cache, root);
        // Curator's TreeCache is not in the server's order (a new child is read after its parent's list comes back):
        // its view is looked at until it settles on rxzk's, then compared.
        await waitFor(async () => canonical(await env.curator.call('treeCache.nodes', { handle })) === canonical(after), { timeout: 10_000, interval: 50 }).catch(() => undefined);
        expect(await env.curator.call('treeCache.nodes', { handle })).toEqual(after);
        expect(cache.size).toBe(Object.keys(after).length);
        // The scope really was in force (nothing below a depth, nothing refused).
        if (scope.maxDepth !== undefined) for (const p of sortedKeys(after)) expect(p.slice(root.length).split('/').length - 1).toBeLessThanOrEqual(scope.maxDepth);
        for (const refused of scope.reject ?? []) expect(sortedKeys(after).filter((p) => p === refused || p.startsWith(`${refused}/`))).toEqual([]);
      } finally {
        events.subscription.unsubscribe();
        await cache.close();
        await env.curator.call('close', { handle }).catch(() => undefined);
      }
    }, 60_000);
  }
});
