import type { Attributes, Context, Exception, Link, Tracer } from '@opentelemetry/api';
import { ZooKeeperError, type OperationListener, type OperationRecord } from '../index';
import type { Api } from './load-api';
import type { ZooKeeperMetrics } from './metrics';
import { ATTR } from './names';

/**
 * The outcome of a request, as `zookeeper.outcome` and `error.type` name it: `ok`, the error's `codeName` for a
 * ZooKeeperError (`NONODE`, `CONNECTIONLOSS`, `ROLLEDBACK`, …), its class name for the client's own errors
 * (`TimeoutError`, `ClientClosedError`, …), `cancelled` for a request its caller left before it was sent.
 */
export function outcomeOf(record: OperationRecord): string {
  if (record.ok) return 'ok';
  const error = record.error;
  if (error === null) return 'cancelled';
  return error instanceof ZooKeeperError ? error.codeName : error.name;
}

/**
 * An error as the span's exception event: `exception.type` its class name, as the semantic conventions ask. (Given
 * the error itself, the SDK would take a ZooKeeperError's numeric `code` for its type.)
 */
export function asException(error: Error): Exception {
  return { name: error.name, message: error.message, stack: error.stack };
}

/** `'host:port'` (IPv6 as `[::1]:2181`) as `server.address` and `server.port`. */
function addServer(attributes: Attributes, server: string): void {
  const colon = server.lastIndexOf(':');
  if (colon < 0) {
    attributes[ATTR.serverAddress] = server;
    return;
  }
  const host = server.slice(0, colon);
  attributes[ATTR.serverAddress] = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const port = Number(server.slice(colon + 1));
  if (Number.isInteger(port)) attributes[ATTR.serverPort] = port;
}

/** The attributes of a request's span (README, "Observability"). */
function spanAttributes(record: OperationRecord, outcome: string): Attributes {
  const attributes: Attributes = {
    [ATTR.operation]: record.op,
    [ATTR.dbSystem]: 'zookeeper',
    [ATTR.dbOperation]: record.op,
  };
  if (record.path !== null) attributes[ATTR.path] = record.path;
  if (record.sessionId !== null) attributes[ATTR.sessionId] = `0x${record.sessionId.toString(16)}`;
  if (record.server !== null) addServer(attributes, record.server);
  if (record.multiCount !== null) {
    attributes[ATTR.multiCount] = record.multiCount;
    attributes[ATTR.dbBatchSize] = record.multiCount;
  }
  if (!record.ok) {
    attributes[ATTR.outcome] = outcome;
    if (record.error !== null) attributes[ATTR.errorType] = outcome;
    if (record.error instanceof ZooKeeperError) {
      attributes[ATTR.errorCode] = record.error.code;
      attributes[ATTR.dbStatusCode] = String(record.error.code);
    }
  }
  return attributes;
}

/** Open recipe waits a request may belong to: the spans it links to (recipes.ts). */
export interface WaitLinks {
  linksFor(path: string | null): Link[] | undefined;
}

/**
 * The operation listener of one instrumentation: per request a CLIENT span `zookeeper <op>`, child of the context
 * that was active in the `subscribe` or `await` that asked for it (captured in `started`), from that call to the
 * reply; and the operation metrics. The span is made when the request is over, with both its times, so none is
 * ever left open. Requests in flight and bytes are counted here in plain numbers, which the metrics read when
 * collected (metrics.ts): a request records one histogram point, nothing else.
 */
export class OperationTelemetry implements OperationListener<Context> {
  /** Requests asked for and not yet over, by operation. */
  readonly inFlight = new Map<string, number>();
  /** Frame bytes so far. */
  readonly bytes = { sent: 0, received: 0 };

  constructor(
    private readonly api: Api,
    private readonly tracer: Tracer | null,
    private readonly metrics: ZooKeeperMetrics | null,
    private readonly waits: WaitLinks,
  ) {}

  started(start: { op: string }): Context {
    if (this.metrics !== null) this.inFlight.set(start.op, (this.inFlight.get(start.op) ?? 0) + 1);
    return this.api.context.active();
  }

  completed(record: OperationRecord, parent: Context): void {
    const outcome = outcomeOf(record);
    const metrics = this.metrics;
    if (metrics !== null) {
      const left = this.inFlight.get(record.op);
      // 0 rather than gone: the in-flight counter reports 0 for an operation once seen.
      if (left !== undefined && left > 0) this.inFlight.set(record.op, left - 1);
      metrics.operationDuration.record((record.queued + record.duration) / 1000, metrics.outcome(record.op, outcome));
      this.bytes.sent += record.requestBytes;
      this.bytes.received += record.replyBytes;
    }
    const tracer = this.tracer;
    if (tracer === null) return;
    const api = this.api;
    const startTime = record.startTime - record.queued;
    const endTime = record.startTime + record.duration;
    const span = tracer.startSpan(
      `zookeeper ${record.op}`,
      { kind: api.SpanKind.CLIENT, startTime, attributes: spanAttributes(record, outcome), links: this.waits.linksFor(record.path) },
      parent,
    );
    // Waited for a connection: when it was sent.
    if (record.queued > 0 && record.server !== null) span.addEvent('sent', record.startTime);
    if (record.error !== null) {
      span.recordException(asException(record.error), endTime);
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: record.error.message });
    }
    span.end(endTime);
  }
}
