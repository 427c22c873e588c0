// A TreeCache's reports (issue 22 item 3) through rxzk/opentelemetry, with the real OpenTelemetry SDK (in-memory
// span exporter, an on-demand metric reader) and a real ZooKeeper 3.8: the initial load as a `zookeeper
// tree-cache-load` span (child of the caller's span, linked from the reads it makes), the
// `zookeeper.recipe.tree_cache.nodes` gauge following adds and removes (only the nodes in the cache's scope), a
// failed load an ERROR span, and nothing at all from a client nobody instrumented.
import { SpanStatusCode } from '@opentelemetry/api';
import type { ZooKeeperClient } from '../../src';
import { TreeCache, type TreeCacheEvent } from '../../src/recipes';
import { rejectionOf } from '../support/fixtures';
import { Recorder } from '../support/recorder';
import { durationMs } from './support/otel';
import { otelServer } from './support/otel-server';

const env = otelServer();
const { connect, instrument } = env;
function cacheOf(zk: ZooKeeperClient, path: string, opts?: ConstructorParameters<typeof TreeCache>[2]): { cache: TreeCache; events: Recorder<TreeCacheEvent> } {
  const cache = new TreeCache(zk, path, opts);
  env.afterTest(() => cache.close());
  return { cache, events: new Recorder(cache.events$) };
}
let n = 0;
const unique = (name: string): string => `/${name}-${++n}`;
const epochNow = (): number => performance.timeOrigin + performance.now();
const GAUGE = 'zookeeper.recipe.tree_cache.nodes';
const gauge = async (path: string): Promise<number | undefined> => (await env.sdk.point(GAUGE, { 'zookeeper.path': path }))?.value;

describe('TreeCache with rxzk/opentelemetry', () => {
  it("makes one span of the initial load, from start() to INITIALIZED, child of the caller's span and linked from the reads it made", async () => {
    const zk = await connect();
    instrument(zk);
    const root = unique('load');
    await zk.create(`${root}/a/b`, 'x', { makePath: true });
    await zk.create(`${root}/c`, 'y');
    const { cache } = cacheOf(zk, root);
    const before = epochNow();
    const caller = await env.sdk.inSpan('service start', () => cache.start());
    const after = epochNow();

    const [load, ...more] = env.sdk.spans('zookeeper tree-cache-load');
    expect(more).toEqual([]);
    expect(load.parentSpanContext?.spanId).toBe(caller.spanId);
    expect(load.spanContext().traceId).toBe(caller.traceId);
    expect(load.attributes).toEqual({ 'zookeeper.recipe': 'TreeCache', 'zookeeper.path': root, 'zookeeper.outcome': 'ok' });
    expect(load.status.code).toBe(SpanStatusCode.UNSET);
    const start = load.startTime[0] * 1e3 + load.startTime[1] / 1e6;
    expect(start).toBeGreaterThanOrEqual(before - 1);
    expect(start + durationMs(load)).toBeLessThanOrEqual(after + 1);
    // Every node was read inside the load: each read's span links to it.
    const linkedReads = env.sdk.spans('zookeeper getData').filter((s) => s.links.some((l) => l.context.spanId === load.spanContext().spanId));
    expect(linkedReads.map((s) => s.attributes['zookeeper.path']).sort()).toEqual([root, `${root}/a`, `${root}/a/b`, `${root}/c`]);
    expect(env.sdk.openSpans()).toBe(0);
  });

  it('the size gauge is the node count after the load and follows every add and remove; a scoped cache counts only what it holds', async () => {
    const zk = await connect();
    instrument(zk);
    const root = unique('size');
    await zk.create(`${root}/a/deep`, '', { makePath: true });
    const whole = cacheOf(zk, root);
    const shallow = cacheOf(zk, root, { maxDepth: 0 });
    expect(await gauge(root)).toBeUndefined();
    await whole.cache.start();
    expect(await gauge(root)).toBe(3);

    await zk.create(`${root}/b`, '');
    await whole.events.until((vs) => vs.some((e) => e.type === 'NODE_ADDED' && e.path === `${root}/b`));
    expect(await gauge(root)).toBe(4);
    await zk.set(`${root}/b`, 'changed');
    await whole.events.until((vs) => vs.some((e) => e.type === 'NODE_UPDATED'));
    expect(await gauge(root)).toBe(4);
    await zk.delete(`${root}/a`, { recursive: true });
    await whole.events.until((vs) => vs.some((e) => e.type === 'NODE_REMOVED' && e.path === `${root}/a`));
    expect(await gauge(root)).toBe(2);
    expect(whole.cache.size).toBe(2);

    // The same path with maxDepth 0: the gauge says what that cache holds, the root only.
    await whole.cache.close();
    await shallow.cache.start();
    expect(await gauge(root)).toBe(1);
    expect(env.sdk.spans('zookeeper tree-cache-load').map((s) => s.attributes['zookeeper.outcome'])).toEqual(['ok', 'ok']);
  });

  it('a load that fails is an ERROR span with the exception; one closed before it ends is cut short, never left open', async () => {
    const zk = await connect();
    instrument(zk);
    const root = unique('fails');
    await zk.create(`${root}/a`, '', { makePath: true });
    const boom = new Error('selector bug');
    const failing = cacheOf(zk, root, { selector: { acceptChild: () => { throw boom; } } });
    expect(await rejectionOf(failing.cache.start())).toBe(boom);
    const [failed] = env.sdk.spans('zookeeper tree-cache-load');
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'selector bug' });
    expect(failed.attributes['zookeeper.outcome']).toBe('error');
    expect(failed.events.map((e) => e.name)).toEqual(['exception']);

    const closing = cacheOf(zk, root);
    const started = closing.cache.start();
    await closing.cache.close();
    await rejectionOf(started);
    expect(env.sdk.spans('zookeeper tree-cache-load').map((s) => [s.attributes['zookeeper.outcome'], s.status.code])).toEqual([
      ['error', SpanStatusCode.ERROR],
      ['aborted', SpanStatusCode.UNSET],
    ]);
    expect(env.sdk.openSpans()).toBe(0);
  });

  it('reports nothing from a client nobody instrumented, beside one that is', async () => {
    const [quiet, loud] = [await connect(), await connect()];
    instrument(loud);
    const root = unique('quiet');
    await quiet.create(`${root}/a`, '', { makePath: true });
    const { cache, events } = cacheOf(quiet, root);
    await cache.start();
    await quiet.create(`${root}/b`, '');
    await events.until((vs) => vs.some((e) => e.type === 'NODE_ADDED' && e.path === `${root}/b`));
    expect(cache.size).toBe(3);
    await loud.exists(root);
    expect(env.sdk.spans().map((s) => s.name)).toEqual(['zookeeper exists']);
    expect(await env.sdk.points(GAUGE)).toEqual([]);
  });
});
