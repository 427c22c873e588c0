// The names rxzk/opentelemetry emits: the instrumentation scope, span names, attributes and metrics (API.md,
// "Observability"; the README lists each with its unit). Conventions followed: OpenTelemetry's database client
// semantic conventions, ZooKeeper as the system and the OpCode as the operation (db.system.name,
// db.operation.name, db.operation.batch.size, db.response.status_code, error.type, server.address, server.port),
// beside the zookeeper.* attributes the API fixes.

/** The tracer's and the meter's name (the instrumentation scope). */
export const SCOPE = 'rxzk';

/** Attribute keys. */
export const ATTR = {
  operation: 'zookeeper.operation',
  path: 'zookeeper.path',
  sessionId: 'zookeeper.session_id',
  errorCode: 'zookeeper.error_code',
  multiCount: 'zookeeper.multi.count',
  outcome: 'zookeeper.outcome',
  recipe: 'zookeeper.recipe',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  dbSystem: 'db.system.name',
  dbOperation: 'db.operation.name',
  dbBatchSize: 'db.operation.batch.size',
  dbStatusCode: 'db.response.status_code',
  errorType: 'error.type',
  direction: 'direction',
  reason: 'reason',
  declaredBy: 'declared_by',
  state: 'state',
  kind: 'kind',
} as const;

/** Metric names. */
export const METRIC = {
  operationDuration: 'zookeeper.client.operation.duration',
  operationsInFlight: 'zookeeper.client.operations.in_flight',
  bytes: 'zookeeper.client.bytes',
  reconnects: 'zookeeper.client.reconnects',
  expirations: 'zookeeper.client.session.expirations',
  connectionState: 'zookeeper.client.connection.state',
  watches: 'zookeeper.client.watches',
  lockWait: 'zookeeper.recipe.lock.wait.duration',
  lockHold: 'zookeeper.recipe.lock.hold.duration',
  leader: 'zookeeper.recipe.leader',
  leaderTerms: 'zookeeper.recipe.leader.terms',
  queuePuts: 'zookeeper.recipe.queue.puts',
  queueTakes: 'zookeeper.recipe.queue.takes',
  treeCacheNodes: 'zookeeper.recipe.tree_cache.nodes',
} as const;

/**
 * Histogram buckets in seconds for ZooKeeper latencies: 100 µs to 10 s (a local read takes a few hundred µs, a
 * lock wait may take seconds). The SDK's default buckets (0 to 10,000) suit milliseconds, not seconds.
 */
export const SECONDS_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
