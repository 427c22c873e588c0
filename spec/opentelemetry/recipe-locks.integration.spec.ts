// rxzk/opentelemetry with the real OpenTelemetry SDK over the REAL recipes (issue 22, item 3): a Lock hand-off between
// two clients gives each its wait span and its wait and hold durations; a LeaderLatch's term and a term lost to an
// expiry move the leader gauge and count terms; a waiter left open when its client closes leaves no span open; a
// client not instrumented reports nothing.
import { SpanStatusCode } from '@opentelemetry/api';
import type { ZooKeeperClient } from '../../src';
import { LeaderLatch, Lock, LockTimeoutError } from '../../src/recipes';
import { rejectionOf, expireAndRenew } from '../support/fixtures';
import { Recorder } from '../support/recorder';
import { durationMs } from './support/otel';
import { otelServer } from './support/otel-server';

const env = otelServer();
const { connect, instrument } = env;

const epochNow = (): number => performance.timeOrigin + performance.now();
const spanStart = (span: { startTime: [number, number] }): number => span.startTime[0] * 1e3 + span.startTime[1] / 1e6;
let n = 0;
const unique = (name: string): string => `/otel-recipes/${name}-${++n}`;

/** Waits until `path` has `count` children. */
async function childrenCount(zk: ZooKeeperClient, path: string, count: number): Promise<void> {
  const children = new Recorder(zk.watchChildren$(path));
  await children.until((vs) => (vs[vs.length - 1]?.length ?? 0) === count, 20_000);
  children.subscription.unsubscribe();
}

describe('rxzk/opentelemetry over the lock recipes', () => {
  it('a Lock hand-off between two clients: each one’s wait span (child of its caller), wait and hold durations, all plausible', async () => {
    const [a, b] = [await connect(), await connect()];
    instrument(a);
    instrument(b);
    const path = unique('handoff');
    const t0 = epochNow();
    const first = await env.sdk.inSpan('job A', () => new Lock(a, path, { identifier: 'a' }).acquire());
    const waiting = env.sdk.inSpan('job B', () => new Lock(b, path, { identifier: 'b' }).acquire());
    await childrenCount(a, path, 2);
    const releasedAt = epochNow();
    await first.result.release();
    const second = await waiting;
    const heldAt = epochNow();
    await second.result.release();
    const t1 = epochNow();

    const waits = env.sdk.spans('zookeeper lock-wait');
    expect(waits).toHaveLength(2);
    const [waitA, waitB] = waits.sort((x, y) => spanStart(x) - spanStart(y));
    expect(waitA.parentSpanContext?.spanId).toBe(first.spanId);
    expect(waitB.parentSpanContext?.spanId).toBe(second.spanId);
    for (const span of [waitA, waitB]) {
      expect(span.attributes).toEqual({ 'zookeeper.recipe': 'Lock', 'zookeeper.path': path, 'zookeeper.outcome': 'ok' });
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(spanStart(span)).toBeGreaterThanOrEqual(t0 - 1);
      expect(spanStart(span) + durationMs(span)).toBeLessThanOrEqual(t1 + 1);
    }
    // B waited from its call until A had released, and a little after.
    expect(spanStart(waitB) + durationMs(waitB)).toBeGreaterThanOrEqual(releasedAt);
    expect(spanStart(waitB) + durationMs(waitB)).toBeLessThanOrEqual(heldAt + 1);

    const waitHistogram = await env.sdk.points('zookeeper.recipe.lock.wait.duration');
    expect(waitHistogram).toEqual([
      { attributes: { 'zookeeper.path': path, 'zookeeper.recipe': 'Lock', 'zookeeper.outcome': 'ok' }, value: 2, count: 2, sum: expect.any(Number) },
    ]);
    // Seconds: what the two spans lasted.
    expect(waitHistogram[0].sum! * 1000).toBeCloseTo(durationMs(waitA) + durationMs(waitB), 0);
    const holds = await env.sdk.points('zookeeper.recipe.lock.hold.duration');
    expect(holds).toEqual([
      { attributes: { 'zookeeper.path': path, 'zookeeper.recipe': 'Lock', 'zookeeper.outcome': 'released' }, value: 2, count: 2, sum: expect.any(Number) },
    ]);
    expect(holds[0].sum!).toBeGreaterThan(0);
    expect(holds[0].sum! * 1000).toBeLessThanOrEqual(t1 - t0 + 1);
    // The waiter's requests on the lock's path are linked to its wait.
    const linked = env.sdk.spans().filter((s) => s.links.some((l) => l.context.spanId === waitB.spanContext().spanId));
    expect(linked.length).toBeGreaterThan(0);
    expect(env.sdk.openSpans()).toBe(0);
  });

  it('a wait that times out is an ERROR span with the LockTimeoutError, counted with outcome timeout', async () => {
    const [a, b] = [await connect(), await connect()];
    instrument(b);
    const path = unique('timeout');
    const held = await new Lock(a, path).acquire();
    const error = await rejectionOf(new Lock(b, path).acquire({ timeout: 150 }));
    expect(error).toBeInstanceOf(LockTimeoutError);
    const [span] = env.sdk.spans('zookeeper lock-wait');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['zookeeper.outcome']).toBe('timeout');
    expect(span.events.some((e) => e.name === 'exception')).toBe(true);
    expect(durationMs(span)).toBeGreaterThanOrEqual(140);
    expect(await env.sdk.point('zookeeper.recipe.lock.wait.duration', { 'zookeeper.outcome': 'timeout' })).toMatchObject({ count: 1 });
    await held.release();
  });

  it("a LeaderLatch's term moves the leader gauge to 1 and back to 0 when an expiry ends it; it leads again: two terms", async () => {
    const zk = await connect({ sessionTimeout: 4_000 });
    instrument(zk);
    const path = unique('latch');
    const leadership = new Recorder(new LeaderLatch(zk, path).leadership$());
    await leadership.until((v) => v[v.length - 1] === true, 20_000);
    expect(await env.sdk.point('zookeeper.recipe.leader', { 'zookeeper.path': path })).toMatchObject({ value: 1 });
    expect(env.sdk.spans('zookeeper leader-wait').map((s) => s.attributes)).toEqual([
      { 'zookeeper.recipe': 'LeaderLatch', 'zookeeper.path': path, 'zookeeper.outcome': 'ok' },
    ]);
    await expireAndRenew(env.server, zk);
    await leadership.until((v) => v.filter((x) => x).length === 2 && v[v.length - 1] === true, 20_000);
    expect(await env.sdk.point('zookeeper.recipe.leader.terms', { 'zookeeper.path': path })).toMatchObject({ value: 2 });
    expect(await env.sdk.point('zookeeper.recipe.leader', { 'zookeeper.path': path })).toMatchObject({ value: 1 });
    // Left: the term ends (released), the gauge reads 0, and the node goes.
    leadership.subscription.unsubscribe();
    await childrenCount(zk, path, 0);
    expect(await env.sdk.point('zookeeper.recipe.leader', { 'zookeeper.path': path })).toMatchObject({ value: 0 });
    expect(env.sdk.spans('zookeeper leader-wait')).toHaveLength(2);
    expect(env.sdk.openSpans()).toBe(0);
  });

  it('a waiter still waiting when its client closes leaves no span open', async () => {
    const [a, b] = [await connect(), await connect()];
    instrument(b);
    const path = unique('closing');
    const held = await new Lock(a, path).acquire();
    const waiting = new Lock(b, path).acquire();
    await childrenCount(a, path, 2);
    expect(env.sdk.openSpans()).toBe(1);
    await b.close();
    await rejectionOf(waiting);
    expect(env.sdk.openSpans()).toBe(0);
    expect(env.sdk.spans('zookeeper lock-wait')).toHaveLength(1);
    await held.release();
  });

  it('a client not instrumented reports nothing, whatever its recipes do', async () => {
    const [a, b] = [await connect(), await connect()];
    const path = unique('quiet');
    const first = await new Lock(a, path).acquire();
    const waiting = new Lock(b, path).acquire();
    await childrenCount(a, path, 2);
    await first.release();
    await (await waiting).release();
    const latch = new Recorder(new LeaderLatch(a, unique('quiet-latch')).leadership$());
    await latch.until((v) => v[v.length - 1] === true, 20_000);
    latch.subscription.unsubscribe();
    expect(env.sdk.spans()).toEqual([]);
    expect([...(await env.sdk.metrics()).values()].filter((m) => m.dataPoints.length > 0)).toEqual([]);
  });
});
