import type { Attributes, Counter, Histogram, Meter, MeterProvider } from '@opentelemetry/api';
import type { ConnectionState, WatchCounts } from '../index';
import { ATTR, METRIC, SCOPE, SECONDS_BUCKETS } from './names';

/**
 * What one instrumented client adds to the observed instruments, read at each collection: counting in plain numbers
 * per request and reporting at collection costs a request no metric call but its duration's.
 */
export interface GaugeSource {
  /** Requests asked for and not yet over, by operation. */
  readonly inFlight: ReadonlyMap<string, number>;
  /** Frame bytes of its requests and replies so far. */
  readonly bytes: { readonly sent: number; readonly received: number };
  /** The states the client has been in since it was instrumented (0 for the ones left, 1 for the current one). */
  readonly seenStates: ReadonlySet<ConnectionState>;
  /** The client's state now. */
  state(): ConnectionState;
  /** The client's watches now, by kind. */
  watchCounts(): WatchCounts;
  /** Leadership terms in progress, by recipe path (1 while leading, 0 after). */
  readonly leaders: ReadonlyMap<string, number>;
  /** The last size each TreeCache reported, by path. */
  readonly treeCaches: ReadonlyMap<string, number>;
}

/**
 * The instruments of one MeterProvider (API.md's metrics), made once per provider: every client instrumented with
 * it records into the same instruments, and each gauge reports the sum over those clients (the number of clients
 * in each state, their watches by kind, …), not the last client's value.
 */
export class ZooKeeperMetrics {
  readonly operationDuration: Histogram;
  readonly reconnects: Counter;
  readonly expirations: Counter;
  readonly lockWait: Histogram;
  readonly lockHold: Histogram;
  readonly leaderTerms: Counter;
  readonly queuePuts: Counter;
  readonly queueTakes: Counter;
  private readonly sources = new Set<GaugeSource>();
  /** The bytes of sources removed (a counter never goes down). */
  private readonly retiredBytes = { sent: 0, received: 0 };
  private readonly outcomeAttributes = new Map<string, Attributes>();

  constructor(meter: Meter) {
    const seconds = { unit: 's', advice: { explicitBucketBoundaries: SECONDS_BUCKETS } };
    this.operationDuration = meter.createHistogram(METRIC.operationDuration, { ...seconds, description: 'Duration of ZooKeeper requests, from the call that asked for one to its reply' });
    this.reconnects = meter.createCounter(METRIC.reconnects, { unit: '{reconnect}', description: 'Connections made after a client lost its previous one' });
    this.expirations = meter.createCounter(METRIC.expirations, { unit: '{expiration}', description: 'ZooKeeper sessions expired' });
    this.lockWait = meter.createHistogram(METRIC.lockWait, { ...seconds, description: 'Time spent waiting for a lock' });
    this.lockHold = meter.createHistogram(METRIC.lockHold, { ...seconds, description: 'Time a lock was held' });
    this.leaderTerms = meter.createCounter(METRIC.leaderTerms, { unit: '{term}', description: 'Leadership terms begun' });
    this.queuePuts = meter.createCounter(METRIC.queuePuts, { unit: '{entry}', description: 'Entries put in a queue' });
    this.queueTakes = meter.createCounter(METRIC.queueTakes, { unit: '{entry}', description: 'Entries taken from a queue' });

    meter.createObservableUpDownCounter(METRIC.operationsInFlight, { unit: '{operation}', description: 'ZooKeeper requests asked for and not yet over' }).addCallback((result) => {
      for (const [op, value] of sum(this.sources, (s) => s.inFlight)) result.observe(value, { [ATTR.operation]: op });
    });
    meter.createObservableCounter(METRIC.bytes, { unit: 'By', description: 'Bytes of ZooKeeper request and reply frames' }).addCallback((result) => {
      let { sent, received } = this.retiredBytes;
      for (const source of this.sources) {
        sent += source.bytes.sent;
        received += source.bytes.received;
      }
      result.observe(sent, { [ATTR.direction]: 'sent' });
      result.observe(received, { [ATTR.direction]: 'received' });
    });
    meter.createObservableGauge(METRIC.connectionState, { unit: '{client}', description: 'Clients in each connection state: 1 for the current state, 0 for the states left' }).addCallback((result) => {
      const totals = new Map<string, number>();
      for (const source of this.sources) {
        const now = source.state();
        for (const state of source.seenStates) totals.set(state, (totals.get(state) ?? 0) + (state === now ? 1 : 0));
      }
      for (const [state, value] of totals) result.observe(value, { [ATTR.state]: state });
    });
    meter.createObservableGauge(METRIC.watches, { unit: '{watch}', description: 'Paths the client holds a watch on, by kind' }).addCallback((result) => {
      if (this.sources.size === 0) return;
      const totals: Record<string, number> = {};
      for (const source of this.sources) for (const [kind, n] of Object.entries(source.watchCounts())) totals[kind] = (totals[kind] ?? 0) + n;
      for (const [kind, value] of Object.entries(totals)) result.observe(value, { [ATTR.kind]: kind });
    });
    meter.createObservableGauge(METRIC.leader, { unit: '1', description: '1 while this process leads the election at zookeeper.path, 0 after' }).addCallback((result) => {
      for (const [path, value] of sum(this.sources, (s) => s.leaders)) result.observe(value, { [ATTR.path]: path });
    });
    meter.createObservableGauge(METRIC.treeCacheNodes, { unit: '{node}', description: 'Nodes a TreeCache holds' }).addCallback((result) => {
      for (const [path, value] of sum(this.sources, (s) => s.treeCaches)) result.observe(value, { [ATTR.path]: path });
    });
  }

  /** Adds a client to the gauges; the function returned removes it. */
  addSource(source: GaugeSource): () => void {
    this.sources.add(source);
    return () => {
      if (!this.sources.delete(source)) return;
      this.retiredBytes.sent += source.bytes.sent;
      this.retiredBytes.received += source.bytes.received;
    };
  }

  /** `{ zookeeper.operation, zookeeper.outcome }`, made once per pair. */
  outcome(op: string, outcome: string): Attributes {
    const key = `${op} ${outcome}`;
    let attributes = this.outcomeAttributes.get(key);
    if (attributes === undefined) {
      attributes = { [ATTR.operation]: op, [ATTR.outcome]: outcome };
      this.outcomeAttributes.set(key, attributes);
    }
    return attributes;
  }
}

/** The sum of each source's map, by key. */
function sum(sources: Iterable<GaugeSource>, map: (s: GaugeSource) => ReadonlyMap<string, number>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const source of sources) for (const [key, n] of map(source)) totals.set(key, (totals.get(key) ?? 0) + n);
  return totals;
}

const byProvider = new WeakMap<MeterProvider, ZooKeeperMetrics>();

/** The instruments of `provider` (made on first use). */
export function metricsOf(provider: MeterProvider): ZooKeeperMetrics {
  let metrics = byProvider.get(provider);
  if (metrics === undefined) {
    metrics = new ZooKeeperMetrics(provider.getMeter(SCOPE));
    byProvider.set(provider, metrics);
  }
  return metrics;
}
