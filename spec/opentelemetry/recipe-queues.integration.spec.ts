// The queues' reports through rxzk/opentelemetry, with the real OpenTelemetry SDK (in-memory span exporter, an
// on-demand metric reader) and a real ZooKeeper (issue 22 item 3): Queue and LockingQueue puts and takes counted
// exactly (a putAll by its count; take, take$ and get each once per entry), a take that waits as a
// `zookeeper queue-take` span child of its caller's span, its outcome (ok, timeout, aborted), and nothing reported
// by a client that is not instrumented.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { take, toArray, lastValueFrom } from 'rxjs';
import { LockTimeoutError, LockingQueue, Queue } from '../../src/recipes';
import { rejectionOf } from '../support/fixtures';
import { durationMs } from './support/otel';
import { otelServer } from './support/otel-server';

const env = otelServer();
const { connect, instrument } = env;

let n = 0;
const unique = (name: string): string => `/otel-queues/${name}-${++n}`;

describe('rxzk/opentelemetry: queues', () => {
  it('Queue: counts every entry put (a putAll by its count) and every entry taken by get, take and take$', async () => {
    const zk = await connect();
    instrument(zk);
    const path = unique('queue');
    const q = new Queue(zk, path);
    await q.put('a');
    await q.putAll(['b', 'c', 'd', 'e']);
    await q.putAll([]);
    const attributes = { 'zookeeper.path': path, 'zookeeper.recipe': 'Queue' };
    expect(await env.sdk.point('zookeeper.recipe.queue.puts', { 'zookeeper.path': path })).toEqual({ attributes, value: 5 });
    expect(await env.sdk.point('zookeeper.recipe.queue.takes', { 'zookeeper.path': path })).toBeUndefined();

    expect((await q.get())?.toString()).toBe('a');
    expect((await q.take({ timeout: 5_000 })).toString()).toBe('b');
    expect((await lastValueFrom(q.take$().pipe(take(2), toArray()))).map(String)).toEqual(['c', 'd']);
    expect(await env.sdk.point('zookeeper.recipe.queue.takes', { 'zookeeper.path': path })).toEqual({ attributes, value: 4 });
    // A get of an empty queue and a take that gave up take nothing, and count nothing.
    expect((await q.get())?.toString()).toBe('e');
    expect(await q.get()).toBeNull();
    expect(await rejectionOf(q.take({ timeout: 0 }))).toBeInstanceOf(LockTimeoutError);
    expect(await env.sdk.point('zookeeper.recipe.queue.takes', { 'zookeeper.path': path })).toEqual({ attributes, value: 5 });
    expect(await env.sdk.point('zookeeper.recipe.queue.puts', { 'zookeeper.path': path })).toEqual({ attributes, value: 5 });
  });

  it('a take that waits is one INTERNAL span child of its caller, from the call until the entry came; a timed-out one is ERROR', async () => {
    const zk = await connect();
    const producer = await connect();
    instrument(zk);
    const path = unique('waiting');
    const q = new Queue(zk, path);
    const { result: waiting, spanId, traceId } = await env.sdk.inSpan('consumer', async () => ({ taken: q.take({ timeout: 20_000 }) }));
    // Still waiting: its span is open.
    expect(env.sdk.spans('zookeeper queue-take')).toHaveLength(0);
    const putAt = performance.timeOrigin + performance.now();
    await new Queue(producer, path).put('job');
    expect((await waiting.taken).toString()).toBe('job');
    const [span] = env.sdk.spans('zookeeper queue-take');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.parentSpanContext?.spanId).toBe(spanId);
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.attributes).toEqual({ 'zookeeper.recipe': 'Queue', 'zookeeper.path': path, 'zookeeper.outcome': 'ok' });
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    // It waited for the put: it ends after the put was made.
    const start = span.startTime[0] * 1e3 + span.startTime[1] / 1e6;
    expect(start + durationMs(span)).toBeGreaterThanOrEqual(putAt - 1);

    expect(await rejectionOf(q.take({ timeout: 200 }))).toBeInstanceOf(LockTimeoutError);
    const timedOut = env.sdk.spans('zookeeper queue-take')[1];
    expect(timedOut.attributes['zookeeper.outcome']).toBe('timeout');
    expect(timedOut.status.code).toBe(SpanStatusCode.ERROR);
    expect(durationMs(timedOut)).toBeGreaterThanOrEqual(190);

    const controller = new AbortController();
    const aborted = q.take({ signal: controller.signal });
    controller.abort(new Error('shutting down'));
    await rejectionOf(aborted);
    expect(env.sdk.spans('zookeeper queue-take')[2].attributes['zookeeper.outcome']).toBe('aborted');
    expect(env.sdk.openSpans()).toBe(0);
    // One entry taken, one put (by the other client, not instrumented).
    expect(await env.sdk.point('zookeeper.recipe.queue.takes', { 'zookeeper.path': path })).toMatchObject({ value: 1 });
    expect(await env.sdk.point('zookeeper.recipe.queue.puts', { 'zookeeper.path': path })).toBeUndefined();
  });

  it('LockingQueue: counts puts and every entry locked (take, take$), acked or not, under its own path', async () => {
    const zk = await connect();
    instrument(zk);
    const path = unique('locking');
    const lq = new LockingQueue(zk, path);
    await lq.putAll(['a', 'b', 'c']);
    await lq.put('d');
    const first = await lq.take({ timeout: 5_000 });
    await first.release();
    const again = await lq.take({ timeout: 5_000 });
    expect(again.data.toString()).toBe('a');
    await again.ack();
    const streamed: string[] = [];
    await new Promise<void>((resolve) => {
      const subscription = lq.take$().subscribe((entry) => {
        streamed.push(entry.data.toString());
        void entry.ack().then(() => {
          if (streamed.length === 3) {
            subscription.unsubscribe();
            resolve();
          }
        });
      });
    });
    expect(streamed).toEqual(['b', 'c', 'd']);
    const attributes = { 'zookeeper.path': path, 'zookeeper.recipe': 'LockingQueue' };
    expect(await env.sdk.point('zookeeper.recipe.queue.puts', { 'zookeeper.path': path })).toEqual({ attributes, value: 4 });
    // 'a' was locked twice (released, then taken again): each lock is a take.
    expect(await env.sdk.point('zookeeper.recipe.queue.takes', { 'zookeeper.path': path })).toEqual({ attributes, value: 5 });
    const spans = env.sdk.spans('zookeeper queue-take');
    expect(spans).toHaveLength(2);
    for (const span of spans) expect(span.attributes).toEqual({ ...attributes, 'zookeeper.outcome': 'ok' });
  });

  it('reports nothing from a client that is not instrumented, beside one that is', async () => {
    const plain = await connect();
    const instrumented = await connect();
    instrument(instrumented);
    const path = unique('plain');
    const q = new Queue(plain, path);
    await q.putAll(['x', 'y']);
    await q.get();
    await q.take({ timeout: 5_000 });
    const lq = new LockingQueue(plain, unique('plain-locking'));
    await lq.put('z');
    await (await lq.take({ timeout: 5_000 })).ack();
    expect(await env.sdk.points('zookeeper.recipe.queue.puts')).toEqual([]);
    expect(await env.sdk.points('zookeeper.recipe.queue.takes')).toEqual([]);
    expect(env.sdk.spans('zookeeper queue-take')).toEqual([]);
    expect(env.sdk.spans().filter((s) => s.attributes['zookeeper.path'] === path)).toEqual([]);
  });
});
