// rxzk/opentelemetry with the real OpenTelemetry SDK (in-memory span exporter, an on-demand metric reader) and a
// real ZooKeeper 3.8 (issue 22): the spans and metrics of requests that succeed and fail, a transaction, a cut, an
// expiry and a close; the recipes' reports turned into metrics and wait spans (emitted directly: the recipes report
// once they are wired to zk.startRecipeActivity); nothing reported when not instrumented, or once uninstrumented.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import { InvalidArgumentError } from '../../src';
import { instrumentZooKeeper } from '../../src/opentelemetry';
import { waitFor } from '../../src/testing';
import { rejectionOf, until } from '../support/fixtures';
import { durationMs } from './support/otel';
import { otelServer } from './support/otel-server';

const env = otelServer();
const { connect, client, instrument } = env;

const epochNow = (): number => performance.timeOrigin + performance.now();
let n = 0;
const unique = (name: string): string => `/${name}-${++n}`;

describe('instrumentZooKeeper: requests', () => {
  it('makes one CLIENT span per request, child of the context where it was awaited or subscribed, with its attributes; a failure is ERROR with the exception', async () => {
    const zk = await connect();
    instrument(zk);
    const path = unique('node');
    await zk.create(path, 'x');
    const missing = unique('missing');
    const before = epochNow();
    const awaited = await env.sdk.inSpan('awaiting caller', async () => {
      await zk.get(path);
      return rejectionOf(Promise.resolve(zk.get(missing)));
    });
    const subscribed = await env.sdk.inSpan('subscribing caller', () => firstValueFrom(zk.exists(path)));
    const after = epochNow();

    const gets = env.sdk.spans('zookeeper getData');
    expect(gets).toHaveLength(2);
    const [ok, failed] = gets;
    for (const span of gets) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.parentSpanContext?.spanId).toBe(awaited.spanId);
      expect(span.spanContext().traceId).toBe(awaited.traceId);
      // Plausible against this test's own clock.
      const start = span.startTime[0] * 1e3 + span.startTime[1] / 1e6;
      expect(start).toBeGreaterThanOrEqual(before - 1);
      expect(start + durationMs(span)).toBeLessThanOrEqual(after + 1);
      expect(durationMs(span)).toBeGreaterThan(0);
    }
    const [host, port] = (zk.server ?? '').split(':');
    expect(ok.attributes).toEqual({
      'zookeeper.operation': 'getData',
      'zookeeper.path': path,
      'zookeeper.session_id': `0x${zk.session?.id.toString(16)}`,
      'server.address': host,
      'server.port': Number(port),
      'db.system.name': 'zookeeper',
      'db.operation.name': 'getData',
    });
    expect(ok.status.code).toBe(SpanStatusCode.UNSET);
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: awaited.result.message });
    expect(failed.attributes).toMatchObject({ 'zookeeper.error_code': -101, 'zookeeper.outcome': 'NONODE', 'error.type': 'NONODE', 'db.response.status_code': '-101' });
    expect(failed.events.map((e) => [e.name, e.attributes?.['exception.type']])).toEqual([['exception', 'NoNodeError']]);

    const [exists] = env.sdk.spans('zookeeper exists');
    expect(exists.parentSpanContext?.spanId).toBe(subscribed.spanId);
  });

  it('makes one span of a transaction, with its op count', async () => {
    const zk = await connect();
    instrument(zk);
    const a = unique('tx');
    await zk.transaction().create(a, '').create(`${a}/b`, '').set(a, 'x').commit();
    const spans = env.sdk.spans();
    expect(spans.map((s) => s.name)).toEqual(['zookeeper multi']);
    expect(spans[0].attributes).toMatchObject({ 'zookeeper.operation': 'multi', 'zookeeper.multi.count': 3, 'db.operation.batch.size': 3 });
    expect(spans[0].attributes['zookeeper.path']).toBeUndefined();
  });

  it('records request durations by operation and outcome, bytes each way, and nothing left in flight', async () => {
    const zk = await connect();
    instrument(zk);
    const path = unique('m');
    await zk.create(path, 'x');
    await zk.get(path);
    await zk.get(path);
    await rejectionOf(Promise.resolve(zk.get(unique('absent'))));
    expect(await env.sdk.point('zookeeper.client.operation.duration', { 'zookeeper.operation': 'getData', 'zookeeper.outcome': 'ok' })).toMatchObject({ count: 2 });
    expect(await env.sdk.point('zookeeper.client.operation.duration', { 'zookeeper.operation': 'getData', 'zookeeper.outcome': 'NONODE' })).toMatchObject({ count: 1 });
    const create = await env.sdk.point('zookeeper.client.operation.duration', { 'zookeeper.operation': 'create' });
    // Seconds: a local create takes well under a second, and more than a microsecond.
    expect(create?.sum).toBeGreaterThan(1e-6);
    expect(create?.sum).toBeLessThan(1);
    const sent = await env.sdk.point('zookeeper.client.bytes', { direction: 'sent' });
    const received = await env.sdk.point('zookeeper.client.bytes', { direction: 'received' });
    expect(sent?.value).toBeGreaterThan(4 * 20);
    expect(received?.value).toBeGreaterThan(4 * 20);
    const inFlight = await env.sdk.points('zookeeper.client.operations.in_flight');
    expect(inFlight.reduce((total, p) => total + p.value, 0)).toBe(0);
  });

  it('counts reconnects by the reason of the loss, expirations by who declared them, the connection states, and the watches', async () => {
    const proxy = await env.proxy();
    const zk = client({ hosts: proxy.address, sessionTimeout: 4_000 });
    instrument(zk);
    await zk.start();
    const path = unique('watched');
    await zk.create(path, '');
    const values: unknown[] = [];
    const watching: Subscription = zk.watchData$(path).subscribe((v) => values.push(v));
    env.afterTest(() => watching.unsubscribe());
    await waitFor(() => values.length === 1, { timeout: 10_000 });
    expect(await env.sdk.point('zookeeper.client.watches', { kind: 'data' })).toMatchObject({ value: 1 });

    // A request in flight when the connection is cut: its reply held back, then the connection reset.
    proxy.partition('to-client');
    const lost = rejectionOf(Promise.resolve(zk.get(path)));
    proxy.cut();
    proxy.accept();
    expect((await lost).name).toBe('ConnectionLossError');
    await until(zk, 'CONNECTED');
    // watchData$'s own reads are spans too (ok); the cut-off get is the one ERROR among them.
    const failedGets = env.sdk.spans('zookeeper getData').filter((span) => span.status.code === SpanStatusCode.ERROR);
    expect(failedGets.map((span) => [span.attributes['zookeeper.outcome'], span.attributes['zookeeper.error_code']])).toEqual([['CONNECTIONLOSS', -4]]);
    // Kept from reconnecting while the server expires its session: expireSession resumes the session on a second
    // connection, and a client free to reconnect may win it back for a moment (one more reconnect) before the close.
    const old = zk.session?.id;
    const newSession = firstValueFrom(zk.connectionEvents$.pipe(filter((e) => e.type === 'connected' && e.sessionId !== old)));
    proxy.refuse();
    await env.server.expireSession(zk);
    proxy.accept();
    await newSession;

    const reconnects = await env.sdk.points('zookeeper.client.reconnects');
    const reasons = reconnects.map((p) => String(p.attributes.reason));
    expect(reasons).toHaveLength(2);
    expect(reasons).toContain('session-expired');
    expect(reasons.find((r) => r !== 'session-expired')).toMatch(/^(closed-by-server|socket-error)$/);
    expect(reconnects.every((p) => p.value === 1)).toBe(true);
    expect(await env.sdk.points('zookeeper.client.session.expirations')).toEqual([{ attributes: { declared_by: 'server' }, value: 1 }]);
    const states = Object.fromEntries((await env.sdk.points('zookeeper.client.connection.state')).map((p) => [p.attributes.state, p.value]));
    expect(states).toMatchObject({ CONNECTED: 1, SUSPENDED: 0, EXPIRED: 0, CONNECTING: 0 });
    await zk.close();
    const closed = Object.fromEntries((await env.sdk.points('zookeeper.client.connection.state')).map((p) => [p.attributes.state, p.value]));
    expect(closed).toMatchObject({ CLOSED: 1, CONNECTED: 0 });
  });

  it('leaves no span open at close, with a request in flight as it closes', async () => {
    const zk = await connect();
    instrument(zk);
    const pending = Promise.resolve(zk.sync('/')).catch((e: unknown) => e);
    const closing = zk.close();
    await Promise.all([pending, closing]);
    expect(env.sdk.openSpans()).toBe(0);
    expect(env.sdk.spans('zookeeper sync')).toHaveLength(1);
  });
});

describe('instrumentZooKeeper: off', () => {
  it('reports nothing for a client nobody instrumented', async () => {
    const zk = await connect();
    await zk.create(unique('quiet'), '');
    await rejectionOf(Promise.resolve(zk.get(unique('quiet-missing'))));
    expect(env.sdk.spans()).toEqual([]);
    expect(await env.sdk.points('zookeeper.client.operation.duration')).toEqual([]);
  });

  it('reports nothing more once the function it returned has run (idempotent)', async () => {
    const zk = await connect();
    const stop = instrument(zk);
    await zk.exists('/');
    stop();
    stop();
    await zk.exists('/');
    await zk.get('/');
    expect(env.sdk.spans().map((s) => s.name)).toEqual(['zookeeper exists']);
    expect((await env.sdk.points('zookeeper.client.operation.duration')).map((p) => p.count)).toEqual([1]);
  });

  it('refuses an unknown option', async () => {
    const zk = client();
    expect(() => instrumentZooKeeper(zk, { tracerProvder: env.sdk.tracerProvider } as never)).toThrow(InvalidArgumentError);
  });
});

describe('instrumentZooKeeper: recipes (their reports emitted directly)', () => {
  it('turns a lock hand-off between two clients into wait and hold durations, and a span around each wait', async () => {
    const [a, b] = [await connect(), await connect()];
    instrument(a);
    instrument(b);
    const lock = unique('locks');
    await a.create(lock, '');
    // A acquires at once, inside its caller's span.
    const caller = await env.sdk.inSpan('job A', async () => {
      const wait = a.startRecipeActivity({ kind: 'lock-wait', recipe: 'Lock', path: lock });
      await a.create(`${lock}/_c_a-lock-`, '', { ephemeral: true, sequential: true });
      wait.end('ok');
    });
    const holdA = a.startRecipeActivity({ kind: 'lock-hold', recipe: 'Lock', path: lock });
    // B waits: its own node, then a look at the contenders — requests on the lock's path, linked to its wait.
    const waitB = b.startRecipeActivity({ kind: 'lock-wait', recipe: 'Lock', path: lock });
    await b.create(`${lock}/_c_b-lock-`, '', { ephemeral: true, sequential: true });
    await b.getChildren(lock);
    holdA.end('released');
    waitB.end('ok');
    const holdB = b.startRecipeActivity({ kind: 'lock-hold', recipe: 'Lock', path: lock });
    holdB.end('lost', new Error('session expired'));

    const waits = await env.sdk.points('zookeeper.recipe.lock.wait.duration');
    expect(waits).toEqual([{ attributes: { 'zookeeper.path': lock, 'zookeeper.recipe': 'Lock', 'zookeeper.outcome': 'ok' }, value: 2, count: 2, sum: expect.any(Number) }]);
    const holds = await env.sdk.points('zookeeper.recipe.lock.hold.duration');
    expect(holds.map((p) => [p.attributes['zookeeper.outcome'], p.count])).toEqual([
      ['released', 1],
      ['lost', 1],
    ]);

    const waitSpans = env.sdk.spans('zookeeper lock-wait');
    expect(waitSpans).toHaveLength(2);
    expect(waitSpans[0].parentSpanContext?.spanId).toBe(caller.spanId);
    expect(waitSpans[0].attributes).toEqual({ 'zookeeper.recipe': 'Lock', 'zookeeper.path': lock, 'zookeeper.outcome': 'ok' });
    const linked = env.sdk.spans().filter((s) => s.links.some((l) => l.context.spanId === waitSpans[1].spanContext().spanId));
    expect(linked.map((s) => s.name).sort()).toEqual(['zookeeper create', 'zookeeper getChildren']);
    expect(env.sdk.openSpans()).toBe(0);
  });

  it('keeps the leader gauge at 1 during a term and 0 after, and counts terms, queue puts and takes, and a TreeCache size', async () => {
    const zk = await connect();
    instrument(zk);
    const term = zk.startRecipeActivity({ kind: 'leadership', recipe: 'LeaderLatch', path: '/election' });
    expect(await env.sdk.point('zookeeper.recipe.leader', { 'zookeeper.path': '/election' })).toMatchObject({ value: 1 });
    term.end('released');
    expect(await env.sdk.point('zookeeper.recipe.leader', { 'zookeeper.path': '/election' })).toMatchObject({ value: 0 });
    expect(await env.sdk.point('zookeeper.recipe.leader.terms', { 'zookeeper.path': '/election' })).toMatchObject({ value: 1 });
    zk.reportRecipeEvent({ type: 'queue-put', recipe: 'Queue', path: '/q', count: 3 });
    zk.reportRecipeEvent({ type: 'queue-take', recipe: 'Queue', path: '/q' });
    zk.reportRecipeEvent({ type: 'tree-cache-size', recipe: 'TreeCache', path: '/t', nodes: 5 });
    zk.reportRecipeEvent({ type: 'tree-cache-size', recipe: 'TreeCache', path: '/t', nodes: 7 });
    expect(await env.sdk.point('zookeeper.recipe.queue.puts', { 'zookeeper.path': '/q' })).toMatchObject({ value: 3 });
    expect(await env.sdk.point('zookeeper.recipe.queue.takes', { 'zookeeper.path': '/q' })).toMatchObject({ value: 1 });
    expect(await env.sdk.point('zookeeper.recipe.tree_cache.nodes', { 'zookeeper.path': '/t' })).toMatchObject({ value: 7 });
  });

  it('ends the span of a wait still open when the client closes, and a timeout is an ERROR', async () => {
    const zk = await connect();
    instrument(zk);
    zk.startRecipeActivity({ kind: 'queue-take', recipe: 'Queue', path: '/q' }).end('timeout');
    const open = zk.startRecipeActivity({ kind: 'lock-wait', recipe: 'Lock', path: '/l' });
    expect(env.sdk.openSpans()).toBe(1);
    await zk.close();
    expect(env.sdk.openSpans()).toBe(0);
    open.end('aborted');
    const spans = env.sdk.spans();
    expect(spans.map((s) => [s.name, s.status.code, s.attributes['zookeeper.outcome']])).toEqual([
      ['zookeeper queue-take', SpanStatusCode.ERROR, 'timeout'],
      ['zookeeper lock-wait', SpanStatusCode.UNSET, 'closed'],
    ]);
  });
});
