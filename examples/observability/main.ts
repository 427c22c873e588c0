/**
 * A service that reports its ZooKeeper use through OpenTelemetry (rxzk/opentelemetry): its metrics in Prometheus'
 * format on its own /metrics endpoint (@opentelemetry/exporter-prometheus), scraped here with curl as Prometheus
 * would; its traces to the console (one span per request, under the span of the work that made it). The
 * OpenTelemetry setup is the application's (telemetry.ts: global providers, as NodeSDK registers them); rxzk
 * only needs `instrumentZooKeeper(zk)`.
 *
 *   npx tsx examples/observability/main.ts            # a throwaway ZooKeeper
 *   ZOOKEEPER_CONNECT=zk1:2181 npx tsx examples/observability/main.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { createClient, NoNodeError } from 'rxzk';
import { instrumentZooKeeper } from 'rxzk/opentelemetry';
import { startZooKeeper } from 'rxzk/testing';
import { scrapeZooKeeperSeries, setUpOpenTelemetry } from './telemetry';

async function main(): Promise<void> {
  const telemetry = setUpOpenTelemetry();
  const server = process.env.ZOOKEEPER_CONNECT ? null : await startZooKeeper();
  const zk = createClient({ hosts: process.env.ZOOKEEPER_CONNECT ?? server!.connectString });
  // One call: everything the client does from here on is reported to the global providers.
  const uninstrument = instrumentZooKeeper(zk);
  const http = createServer((request, response) => {
    if (request.url === '/metrics') telemetry.metricsHandler(request, response);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  try {
    await zk.start();
    const base = `/observability-demo-${process.pid}`;
    // The service's own work, in a span of its own: rxzk's spans are its children.
    await trace.getTracer('orders-service').startActiveSpan('place order', async (span) => {
      await zk.create(base, '');
      await zk.transaction().create(`${base}/order-1`, '{"qty":2}').create(`${base}/order-1/status`, 'new').commit();
      const { data } = await zk.get(`${base}/order-1`);
      console.log(`order-1: ${data.toString()}`);
      // A failure: its span is ERROR, its duration counted under outcome NONODE.
      await Promise.resolve(zk.get(`${base}/order-2`)).catch((err: unknown) => {
        if (!(err instanceof NoNodeError)) throw err;
      });
      span.end();
    });
    await zk.delete(base, { recursive: true });

    const { port } = http.address() as AddressInfo;
    const series = await scrapeZooKeeperSeries(`http://127.0.0.1:${port}/metrics`);
    console.log(`curl /metrics (rxzk's series, buckets left out):\n${series.map((line) => `  ${line}`).join('\n')}`);
  } finally {
    uninstrument();
    await zk.close();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await server?.stop();
    // Flushes the console exporter: the spans print here.
    await telemetry.shutdown();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
