// PersistentTtlNode against a real Curator 5.4 on the same path: the node either side holds is read by the other (the
// container's data, the `touch` child), kept past its ttl while held, and expired by itself once the holder stops —
// seen by both. rxzk/testing's server has TTL nodes enabled and checks containers every second.
import { PersistentTtlNode } from '../../../src/recipes';
import { waitFor } from '../../../src/testing';
import { one } from '../../support/fixtures';
import { Recorder } from '../../support/recorder';
import { interopServer } from '../support/interop-server';

const env = interopServer({ curator: true });
const TTL = 1_000;

interface CuratorNode { data: string; version: number; mtime: number; numChildren: number }
const curatorGet = (path: string) => env.curator.call<CuratorNode | null>('node.get', { path });

/** Resolves once `path` is seen gone by an exists watch; gives how long that took from `since`. */
async function goneAfter(path: string, since: number): Promise<number> {
  const exists = new Recorder(env.zk.exists$(path));
  await exists.until((vs) => vs.length > 0 && vs[vs.length - 1] === null, TTL + 10_000);
  exists.subscription.unsubscribe();
  return Date.now() - since;
}

/** The touch child's mtimes as a watcher sees them, until they span `span` ms. */
async function touchedFor(path: string, span: number): Promise<number[]> {
  const touches = new Recorder(env.zk.watchData$(`${path}/touch`));
  const seen = await touches.until((vs) => {
    const times = vs.filter((v) => v !== null).map((v) => Number(v!.stat.mtime));
    return times.length > 1 && times[times.length - 1] - times[0] >= span;
  }, 15_000);
  touches.subscription.unsubscribe();
  return seen.filter((v) => v !== null).map((v) => Number(v!.stat.mtime));
}

describe('PersistentTtlNode with Curator PersistentTtlNode', () => {
  it("rxzk's node is read by Curator while held, and expires by itself after — Curator sees it gone too", async () => {
    const path = '/interop/ttl/rxzk';
    const held = new PersistentTtlNode(env.zk, path, TTL, 'held by node').hold$().subscribe();
    await touchedFor(path, 2 * TTL);
    const node = await curatorGet(path);
    expect(Buffer.from(node!.data, 'base64').toString()).toBe('held by node');
    expect(await env.curator.call('node.children', { path })).toEqual(['touch']);

    const stopped = Date.now();
    held.unsubscribe();
    const took = await goneAfter(path, stopped);
    expect(took).toBeLessThan(TTL + 5_000);
    expect(await curatorGet(path)).toBeNull();
  });

  it("Curator's node is read by rxzk while held (its touches keep it past the ttl), and expires after Curator's close", async () => {
    const path = '/interop/ttl/curator';
    expect(await env.curator.call('ttlNode.create', { handle: 't', path, ttlMs: TTL, data: 'held by java' })).toBe(true);
    const times = await touchedFor(path, 2 * TTL);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeLessThan(TTL);
    expect((await one(env.zk.get(path))).data.toString()).toBe('held by java');

    // rxzk holds it too, then lets go: Curator's touches alone keep it.
    const mine = new PersistentTtlNode(env.zk, path, TTL, 'held by java').hold$().subscribe();
    await touchedFor(path, TTL);
    mine.unsubscribe();
    await touchedFor(path, 2 * TTL);

    const stopped = Date.now();
    await env.curator.call('close', { handle: 't' });
    const took = await goneAfter(path, stopped);
    expect(took).toBeLessThan(TTL + 5_000);
    await waitFor(async () => (await curatorGet(path)) === null, { timeout: 5_000, description: 'Curator sees the node gone' });
  });
});
