// MultiLock against a real Curator 5.4 InterProcessMultiLock on the same paths: each excludes the other in both
// directions, a failed attempt on either side leaves nothing on the locks it took, and in concurrent cycles the two
// never hold at once.
import { Lock, MultiLock } from '../../../src/recipes';
import { one } from '../../support/fixtures';
import { interopServer } from '../support/interop-server';

const env = interopServer({ curator: true });
let n = 0;
const paths = (k: number): string[] => {
  n++;
  return Array.from({ length: k }, (_, i) => `/interop/multi-${n}/${String.fromCharCode(97 + i)}`);
};
const nodesOf = (path: string): Promise<string[]> => one(env.zk.getChildren(path)).catch(() => []);

describe('MultiLock with Curator InterProcessMultiLock', () => {
  it("Curator's multi-lock holding a and b excludes rxzk's on b and c; rxzk's gets them once Curator releases", async () => {
    const [a, b, c] = paths(3);
    await env.curator.call('multiLock.create', { handle: 'm1', paths: [a, b] });
    expect(await env.curator.call('multiLock.acquire', { handle: 'm1', timeoutMs: 5_000 })).toBe(true);
    // Curator's nodes are InterProcessMutex's, one under each path.
    for (const p of [a, b]) expect(await nodesOf(p)).toEqual([expect.stringMatching(/^_c_[0-9a-f-]{36}-lock-\d{10}$/)]);

    const multi = new MultiLock(env.zk, [b, c]);
    expect(await multi.tryAcquire()).toBeNull();
    expect(await new Lock(env.zk, a).tryAcquire()).toBeNull();
    expect(await nodesOf(c)).toEqual([]); // c was taken, then released when b failed
    const waiting = multi.acquire({ timeout: 20_000 });
    await env.curator.call('multiLock.release', { handle: 'm1' });
    const all = await waiting;
    expect(all.state).toBe('HELD');
    expect(await nodesOf(a)).toEqual([]);
    await all.release();
    await env.curator.call('close', { handle: 'm1' });
  });

  it("rxzk's multi-lock excludes Curator's, which leaves nothing behind on the lock it took before timing out", async () => {
    const [a, b] = paths(2);
    const all = await new MultiLock(env.zk, [b]).acquire();
    await env.curator.call('multiLock.create', { handle: 'm2', paths: [a, b] });
    expect(await env.curator.call('multiLock.acquire', { handle: 'm2', timeoutMs: 500 })).toBe(false);
    expect(await env.curator.call('multiLock.isAcquired', { handle: 'm2' })).toBe(false);
    expect(await nodesOf(a)).toEqual([]);
    expect(await nodesOf(b)).toEqual([all.holdings[0].node.slice(b.length + 1)]);
    await all.release();
    expect(await env.curator.call('multiLock.acquire', { handle: 'm2', timeoutMs: 5_000 })).toBe(true);
    expect(await new MultiLock(env.zk, [a, b]).tryAcquire()).toBeNull();
    await env.curator.call('multiLock.release', { handle: 'm2' });
    await env.curator.call('close', { handle: 'm2' });
  });

  it('in concurrent cycles on the same three paths, rxzk and Curator never hold at once', async () => {
    const locks = paths(3);
    const zk2 = await env.connect();
    const rxzkHeld: [number, number][] = [];
    const curatorHeld: [number, number][] = [];
    const work = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 15));
    await env.curator.call('multiLock.create', { handle: 'm3', paths: locks });
    await Promise.all([
      (async () => {
        const multi = new MultiLock(zk2, locks);
        for (let i = 0; i < 10; i++) {
          const all = await multi.acquire({ timeout: 30_000 });
          const from = performance.now();
          await work();
          rxzkHeld.push([from, performance.now()]);
          await all.release();
        }
      })(),
      (async () => {
        for (let i = 0; i < 10; i++) {
          expect(await env.curator.call('multiLock.acquire', { handle: 'm3', timeoutMs: 30_000 })).toBe(true);
          // Curator held from before its reply came until after its release was sent: this interval is inside that.
          const from = performance.now();
          await work();
          const to = performance.now();
          await env.curator.call('multiLock.release', { handle: 'm3' });
          curatorHeld.push([from, to]);
        }
      })(),
    ]);
    expect(rxzkHeld).toHaveLength(10);
    expect(curatorHeld).toHaveLength(10);
    for (const [f1, t1] of rxzkHeld) for (const [f2, t2] of curatorHeld) expect(t1 <= f2 || t2 <= f1).toBe(true);
    for (const p of locks) expect(await nodesOf(p)).toEqual([]);
    await env.curator.call('close', { handle: 'm3' });
  });
});
