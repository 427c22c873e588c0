// The application's OpenTelemetry, as an existing setup (NodeSDK, a vendor's distribution) already does it: an
// AsyncLocalStorage context manager, traces to the console, metrics in Prometheus' format for an HTTP endpoint; and
// a scrape of that endpoint with curl, as Prometheus would. Shared by examples/observability and examples/nestjs.
import { execFile } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter } from '@opentelemetry/sdk-trace-base';

export interface Telemetry {
  /** Answers GET /metrics in Prometheus' text format (mount it on the application's HTTP server). */
  metricsHandler(request: IncomingMessage, response: ServerResponse): void;
  /** Flushes the spans (to the console) and stops the providers. */
  shutdown(): Promise<void>;
}

/** Registers the global providers that `instrumentZooKeeper(zk)` (and `openTelemetry: true`) report to. */
export function setUpOpenTelemetry(): Telemetry {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new ConsoleSpanExporter())] });
  trace.setGlobalTracerProvider(tracerProvider);
  // Served by the application's own HTTP server, not on a port of the exporter's.
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [prometheus] });
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    metricsHandler: (request, response) => prometheus.getMetricsRequestHandler(request, response),
    shutdown: async () => {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/**
 * GETs a Prometheus endpoint with curl (fetch where there is no curl) and returns rxzk's series (`zookeeper_…`,
 * histogram buckets left out); fails unless the request durations, bytes and connection state are there.
 */
export async function scrapeZooKeeperSeries(url: string): Promise<string[]> {
  let exposition: string;
  try {
    // Asynchronously: the server that answers is this process's own.
    exposition = (await promisify(execFile)('curl', ['--silent', '--fail', url], { encoding: 'utf8', timeout: 10_000 })).stdout;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    exposition = await (await fetch(url)).text();
  }
  for (const name of ['zookeeper_client_operation_duration_count', 'zookeeper_client_bytes_total', 'zookeeper_client_connection_state']) {
    if (!exposition.includes(name)) throw new Error(`${name} is not in the scrape of ${url}`);
  }
  return exposition.split('\n').filter((line) => line.startsWith('zookeeper_') && !line.includes('_bucket'));
}
