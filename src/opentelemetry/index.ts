/**
 * OpenTelemetry traces and metrics for rxzk clients (issue 22). `instrumentZooKeeper(zk, { tracerProvider?,
 * meterProvider? })` turns a client's operation stream (`zk.operations$`), connection events
 * (`zk.connectionEvents$`) and recipe reports (`zk.recipeEvents$`) into:
 *
 * - a CLIENT span per request, `zookeeper <op>` (`zookeeper getData`, `zookeeper multi`, …), child of the context
 *   active where the request was subscribed or awaited; status ERROR with the exception on failure; attributes
 *   `zookeeper.operation`, `zookeeper.path`, `zookeeper.session_id` (hex), `server.address`, `server.port`,
 *   `zookeeper.error_code` and `zookeeper.outcome` on failure, `zookeeper.multi.count` on a multi — and the
 *   database client semantic conventions' `db.system.name` (`zookeeper`), `db.operation.name`,
 *   `db.operation.batch.size`, `db.response.status_code`, `error.type`;
 * - the meter `rxzk`'s metrics: `zookeeper.client.operation.duration` (histogram, s), `…operations.in_flight`,
 *   `…bytes` (By), `…reconnects`, `…session.expirations`, `…connection.state`, `…watches`, and for recipes
 *   `zookeeper.recipe.lock.wait.duration` and `…lock.hold.duration` (s), `zookeeper.recipe.leader`,
 *   `…leader.terms`, `…queue.puts`, `…queue.takes`, `…tree_cache.nodes`;
 * - an INTERNAL span around each recipe wait (`zookeeper lock-wait`, `zookeeper leader-wait`,
 *   `zookeeper queue-take`, `zookeeper tree-cache-load`), linked from the spans of the requests made on the
 *   recipe's path while it waits.
 *
 * The README's "Observability" section lists every attribute and metric with its unit, and what it costs.
 *
 * Optional peer: `@opentelemetry/api` 1.9 or later (1.9 is the line whose SDK 2.x runs on Node 20), loaded when a
 * client is instrumented, never bundled. Bring your own SDK and exporters. `ZooKeeperModule.forRoot({ …,
 * openTelemetry: true })` (rxzk/nestjs) instruments the Nest client with the global providers.
 *
 * @example
 * import { MeterProvider } from '@opentelemetry/sdk-metrics';
 * import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
 * import { createClient } from 'rxzk';
 * import { instrumentZooKeeper } from 'rxzk/opentelemetry';
 *
 * const meterProvider = new MeterProvider({ readers: [new PrometheusExporter({ port: 9464 })] });
 * const zk = createClient({ hosts: 'zk1:2181,zk2:2181' });
 * const uninstrument = instrumentZooKeeper(zk, { meterProvider }); // spans: the global tracer provider
 * await zk.start();
 *
 * @packageDocumentation
 * @module rxzk/opentelemetry
 */
export { instrumentZooKeeper, type InstrumentZooKeeperOptions } from './instrument';
