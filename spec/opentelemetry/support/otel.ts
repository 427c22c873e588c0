// The real OpenTelemetry SDK, set up as an application would, with in-memory ends: spans go to an in-memory
// exporter (and a processor that counts spans started and not ended), metrics are read on demand. The
// AsyncLocalStorage context manager is registered globally, as NodeSDK does. Nothing here knows rxzk.
import { context, metrics, trace, type Attributes, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A reader that collects only when asked. */
class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** Spans started and not yet ended. */
class OpenSpans implements SpanProcessor {
  readonly open = new Set<Span>();
  onStart(span: Span): void {
    this.open.add(span);
  }
  onEnd(span: ReadableSpan): void {
    this.open.delete(span as Span);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/** One data point of a metric: its attributes and value (a number, or a histogram's count and sum). */
export interface Point {
  attributes: Attributes;
  value: number;
  count?: number;
  sum?: number;
}

export interface OtelSdk {
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  exporter: InMemorySpanExporter;
  /** Spans ended so far, by name (all when no name). */
  spans(name?: string): ReadableSpan[];
  /** Spans started and not ended. */
  openSpans(): number;
  /** Every metric now, by name. */
  metrics(): Promise<Map<string, MetricData>>;
  /** The data points of one metric now ([] when it has none). */
  points(name: string): Promise<Point[]>;
  /** The point of `name` whose attributes include `attributes`. */
  point(name: string, attributes: Attributes): Promise<Point | undefined>;
  /** Runs `fn` inside a fresh active span (ended after), giving that span's context. */
  inSpan<T>(name: string, fn: (ctx: Context) => Promise<T>): Promise<{ result: T; traceId: string; spanId: string }>;
  /** Registers the providers as the global ones (as NodeSDK.start() does). */
  registerGlobally(): void;
  shutdown(): Promise<void>;
}

export function startSdk(): OtelSdk {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const exporter = new InMemorySpanExporter();
  const open = new OpenSpans();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [open, new SimpleSpanProcessor(exporter)] });
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const sdk: OtelSdk = {
    tracerProvider,
    meterProvider,
    exporter,
    spans: (name) => exporter.getFinishedSpans().filter((s) => name === undefined || s.name === name),
    openSpans: () => open.open.size,
    async metrics() {
      const { resourceMetrics } = await reader.collect();
      const byName = new Map<string, MetricData>();
      for (const scope of resourceMetrics.scopeMetrics) for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
      return byName;
    },
    async points(name) {
      const metric = (await sdk.metrics()).get(name);
      if (metric === undefined) return [];
      return metric.dataPoints.map((p) => {
        if (metric.dataPointType === DataPointType.HISTOGRAM) {
          const h = p.value as { count: number; sum?: number };
          return { attributes: p.attributes, value: h.count, count: h.count, sum: h.sum };
        }
        return { attributes: p.attributes, value: p.value as number };
      });
    },
    async point(name, attributes) {
      return (await sdk.points(name)).find((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v));
    },
    async inSpan(name, fn) {
      const tracer = tracerProvider.getTracer('test');
      return tracer.startActiveSpan(name, async (span) => {
        try {
          const result = await fn(context.active());
          return { result, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
        } finally {
          span.end();
        }
      });
    },
    registerGlobally() {
      trace.setGlobalTracerProvider(tracerProvider);
      metrics.setGlobalMeterProvider(meterProvider);
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      context.disable();
      trace.disable();
      metrics.disable();
    },
  };
  return sdk;
}

/** A span's duration in ms. */
export function durationMs(span: ReadableSpan): number {
  return span.duration[0] * 1e3 + span.duration[1] / 1e6;
}
