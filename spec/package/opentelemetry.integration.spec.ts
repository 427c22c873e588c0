// rxzk/opentelemetry from the BUILT package, as an application loads it (import and require through `exports`), with
// the real OpenTelemetry SDK attached: spans and metrics of a request that succeeds and one that fails, read back
// in the application's process (issue 22). Loading the entry point loads no OpenTelemetry module by itself.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { ensureBuilt, root } from './built-package';

let consumer: string;
let zkServer: StartedZooKeeper;

beforeAll(async () => {
  await ensureBuilt();
  zkServer = await startZooKeeper();
  consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'rxzk-otel-consumer-'));
  fs.mkdirSync(path.join(consumer, 'node_modules'));
  fs.symlinkSync(root, path.join(consumer, 'node_modules', 'rxzk'), 'dir');
  // The application's own OpenTelemetry: the API (the optional peer) and the SDK.
  fs.symlinkSync(path.join(root, 'node_modules', '@opentelemetry'), path.join(consumer, 'node_modules', '@opentelemetry'), 'dir');
}, 240_000);

afterAll(async () => {
  if (consumer) fs.rmSync(consumer, { recursive: true, force: true });
  await zkServer?.stop();
});

function run(file: string, source: string): unknown {
  const script = path.join(consumer, file);
  fs.writeFileSync(script, source);
  const env = { ...process.env, ZK_HOSTS: zkServer.connectString };
  return JSON.parse(execFileSync(process.execPath, [script], { cwd: consumer, env, encoding: 'utf8', timeout: 60_000 }));
}

/** The application: SDK providers, an instrumented client, one get that succeeds and one that fails; the telemetry as JSON. */
const APPLICATION = `
  const { context, trace } = otelApi;
  const { AsyncLocalStorageContextManager } = contextAsyncHooks;
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = sdkTrace;
  const { MeterProvider, MetricReader } = sdkMetrics;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  class Reader extends MetricReader { async onForceFlush() {} async onShutdown() {} }
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new Reader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const zk = rxzk.createClient({ hosts: process.env.ZK_HOSTS });
  const stop = opentelemetry.instrumentZooKeeper(zk, { tracerProvider, meterProvider });
  await zk.start();
  const tracer = tracerProvider.getTracer('app');
  let parent;
  await tracer.startActiveSpan('request handler', async (span) => {
    parent = span.spanContext().spanId;
    await zk.get('/');
    await zk.get('/no-such-node').then(() => undefined, (e) => e);
    span.end();
  });
  await zk.close();
  stop();
  const { resourceMetrics } = await reader.collect();
  const metrics = {};
  for (const scope of resourceMetrics.scopeMetrics) for (const m of scope.metrics) {
    metrics[m.descriptor.name] = { unit: m.descriptor.unit, points: m.dataPoints.map((p) => ({ attributes: p.attributes, value: typeof p.value === 'number' ? p.value : p.value.count })) };
  }
  const spans = exporter.getFinishedSpans().map((s) => ({
    name: s.name, kind: s.kind, parent: s.parentSpanContext?.spanId === parent, status: s.status.code, attributes: s.attributes,
  }));
  console.log(JSON.stringify({ spans, metrics }));
`;

interface Report {
  spans: { name: string; kind: number; parent: boolean; status: number; attributes: Record<string, unknown> }[];
  metrics: Record<string, { unit: string; points: { attributes: Record<string, unknown>; value: number }[] }>;
}

function check(report: Report): void {
  const gets = report.spans.filter((s) => s.name === 'zookeeper getData');
  expect(gets.map((s) => [s.kind, s.parent, s.status, s.attributes['zookeeper.path']])).toEqual([
    [2, true, 0, '/'],
    [2, true, 2, '/no-such-node'],
  ]);
  expect(gets[1].attributes['zookeeper.error_code']).toBe(-101);
  const durations = report.metrics['zookeeper.client.operation.duration'];
  expect(durations.unit).toBe('s');
  expect(durations.points.filter((p) => p.attributes['zookeeper.operation'] === 'getData').map((p) => [p.attributes['zookeeper.outcome'], p.value])).toEqual([
    ['ok', 1],
    ['NONODE', 1],
  ]);
  expect(report.metrics['zookeeper.client.bytes'].unit).toBe('By');
}

describe('rxzk/opentelemetry, built', () => {
  it('from an ES module: spans and metrics reach the application\'s SDK', () => {
    const report = run(
      'app.mjs',
      `import * as otelApi from '@opentelemetry/api';
       import * as contextAsyncHooks from '@opentelemetry/context-async-hooks';
       import * as sdkTrace from '@opentelemetry/sdk-trace-base';
       import * as sdkMetrics from '@opentelemetry/sdk-metrics';
       import * as rxzk from 'rxzk';
       import * as opentelemetry from 'rxzk/opentelemetry';
       ${APPLICATION}`,
    ) as Report;
    check(report);
  });

  it('from CommonJS: the same', () => {
    const report = run(
      'app.cjs',
      `const otelApi = require('@opentelemetry/api');
       const contextAsyncHooks = require('@opentelemetry/context-async-hooks');
       const sdkTrace = require('@opentelemetry/sdk-trace-base');
       const sdkMetrics = require('@opentelemetry/sdk-metrics');
       const rxzk = require('rxzk');
       const opentelemetry = require('rxzk/opentelemetry');
       (async () => { ${APPLICATION} })().catch((e) => { console.error(e); process.exit(1); });`,
    ) as Report;
    check(report);
  });

  it('loading rxzk/opentelemetry (or rxzk/nestjs) loads no OpenTelemetry module: the API is loaded by instrumentZooKeeper', () => {
    const report = run(
      'weight.cjs',
      `require('rxzk/opentelemetry');
       require('rxzk/nestjs');
       const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\\\/]@opentelemetry[\\\\/]/.test(f));
       console.log(JSON.stringify(loaded));`,
    );
    expect(report).toEqual([]);
  });
});
