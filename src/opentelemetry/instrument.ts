import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import { Subscription } from 'rxjs';
import { InvalidArgumentError, isConnected, type ConnectionState, type ZooKeeperClient } from '../index';
import { openTelemetryApi } from './load-api';
import { metricsOf } from './metrics';
import { ATTR, SCOPE } from './names';
import { OperationTelemetry } from './operations';
import { RecipeTelemetry } from './recipes';

/**
 * Options of {@link instrumentZooKeeper}.
 *
 * @example
 * const options: InstrumentZooKeeperOptions = { tracerProvider: provider, meterProvider, traces: true, metrics: true };
 */
export interface InstrumentZooKeeperOptions {
  /** Where spans go; default: the global tracer provider (`trace.getTracerProvider()`, which follows a provider registered later). */
  tracerProvider?: TracerProvider;
  /** Where metrics go; default: the global meter provider (`metrics.getMeterProvider()`: register yours first). */
  meterProvider?: MeterProvider;
  /** Whether to make spans (default true). */
  traces?: boolean;
  /** Whether to record metrics (default true). */
  metrics?: boolean;
}

const OPTION_KEYS: readonly (keyof InstrumentZooKeeperOptions)[] = ['tracerProvider', 'meterProvider', 'traces', 'metrics'];

/**
 * Instruments a client with OpenTelemetry (issue 22): a CLIENT span per request (`zookeeper <op>`, child of the
 * context active where the request was subscribed or awaited, ERROR with the exception on failure), the client
 * metrics (request durations by operation and outcome, requests in flight, bytes, reconnects by reason, session
 * expirations, connection state, watches by kind), and what the client's recipes report (lock wait and hold
 * durations, the leader gauge, queue puts and takes, TreeCache size, a span around each wait). Nothing is recorded
 * before this call or after the function it returns has run; a client instrumented by nobody pays nothing.
 *
 * Needs the optional peer `@opentelemetry/api` (1.9 or later; it is loaded by this call, not when the entry point
 * is imported). Several clients may share providers: the gauges then add the clients up. Instrument a client once
 * per set of providers: a second call with the same ones reports everything twice.
 *
 * @param zk the client to instrument (before or after `start()`)
 * @param options the providers (default: the global ones), and whether to make spans and metrics
 * @returns the function that removes the instrumentation (idempotent): the spans of waits still open are ended
 * @throws InvalidArgumentError for an unknown option, Error when `@opentelemetry/api` is not installed
 * @example
 * import { instrumentZooKeeper } from 'rxzk/opentelemetry';
 * const zk = createClient({ hosts: 'zk1:2181' });
 * const uninstrument = instrumentZooKeeper(zk); // the global providers your OpenTelemetry setup registered
 * await zk.start();
 * // … on shutdown:
 * uninstrument();
 */
export function instrumentZooKeeper(zk: ZooKeeperClient, options: InstrumentZooKeeperOptions = {}): () => void {
  checkOptions(options);
  const api = openTelemetryApi();
  const tracer = options.traces === false ? null : (options.tracerProvider ?? api.trace.getTracerProvider()).getTracer(SCOPE);
  const metrics = options.metrics === false ? null : metricsOf(options.meterProvider ?? api.metrics.getMeterProvider());

  const recipes = new RecipeTelemetry(api, tracer, metrics);
  const operations = new OperationTelemetry(api, tracer, metrics, recipes);
  const subscriptions = new Subscription();
  const removeListener = zk.addOperationListener(operations);
  subscriptions.add(zk.recipeEvents$.subscribe((event) => recipes.on(event)));

  const seenStates = new Set<ConnectionState>();
  subscriptions.add(zk.state$.subscribe((state) => seenStates.add(state)));
  // A reconnect is a `connected` after the client's first one (since it started); its reason is why the connection
  // before it went: the last `disconnected` in between that was not a failed attempt at coming back.
  let connectedBefore = isConnected(zk.state);
  let lostReason: string | null = null;
  subscriptions.add(
    zk.connectionEvents$.subscribe((event) => {
      switch (event.type) {
        case 'connected':
          if (connectedBefore) metrics?.reconnects.add(1, { [ATTR.reason]: lostReason ?? 'unknown' });
          connectedBefore = true;
          lostReason = null;
          break;
        case 'disconnected':
          if (event.reason !== 'connect-failed' || lostReason === null) lostReason = event.reason;
          break;
        case 'expired':
          metrics?.expirations.add(1, { [ATTR.declaredBy]: event.declaredBy });
          break;
        case 'closed':
          connectedBefore = false;
          lostReason = null;
          recipes.endOpen('closed');
          break;
        default:
          break;
      }
    }),
  );
  const removeSource =
    metrics?.addSource({
      inFlight: operations.inFlight,
      bytes: operations.bytes,
      seenStates,
      state: () => zk.state,
      watchCounts: () => zk.watchCounts,
      leaders: recipes.leaders,
      treeCaches: recipes.treeCaches,
    }) ?? (() => undefined);

  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    removeListener();
    subscriptions.unsubscribe();
    recipes.endOpen('uninstrumented');
    removeSource();
  };
}

function checkOptions(options: InstrumentZooKeeperOptions): void {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('instrumentZooKeeper options must be an object');
  for (const key of Object.keys(options)) {
    if (!(OPTION_KEYS as readonly string[]).includes(key)) {
      throw new InvalidArgumentError(`instrumentZooKeeper: unknown option '${key}'; the options are ${OPTION_KEYS.join(', ')}`);
    }
  }
  for (const key of ['traces', 'metrics'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new InvalidArgumentError(`instrumentZooKeeper option ${key} must be a boolean`);
  }
}
