import type { Attributes, Link, Span, Tracer } from '@opentelemetry/api';
import type { RecipeActivityKind, RecipeEvent, RecipeOutcome } from '../index';
import type { Api } from './load-api';
import type { ZooKeeperMetrics } from './metrics';
import { ATTR } from './names';
import { asException, type WaitLinks } from './operations';

/** The activities that are waits: each gets a span (`zookeeper <kind>`), from its start to its end. */
const WAITS: ReadonlySet<RecipeActivityKind> = new Set<RecipeActivityKind>(['lock-wait', 'leader-wait', 'queue-take', 'tree-cache-load']);

/** Outcomes that are failures: their span's status is ERROR. */
const FAILURES: ReadonlySet<RecipeOutcome> = new Set<RecipeOutcome>(['timeout', 'lost', 'error']);

interface OpenWait {
  readonly span: Span;
  readonly path: string;
}

/**
 * What one instrumentation makes of `zk.recipeEvents$`: a span around each wait (child of the context active in
 * the call that started it — the event comes synchronously there), linked from the spans of the requests made on
 * the recipe's path meanwhile; lock wait and hold histograms; the leader gauge and terms; queue counters; the
 * TreeCache size gauge.
 */
export class RecipeTelemetry implements WaitLinks {
  /** Leadership terms in progress, by path (read by the gauge). */
  readonly leaders = new Map<string, number>();
  /** The last size of each TreeCache, by path (read by the gauge). */
  readonly treeCaches = new Map<string, number>();
  private readonly open = new Map<number, OpenWait>();
  /** Waits whose span was ended early (the client closed, or the instrumentation stopped): their late end is ignored. */
  private readonly cutShort = new Set<number>();

  constructor(
    private readonly api: Api,
    private readonly tracer: Tracer | null,
    private readonly metrics: ZooKeeperMetrics | null,
  ) {}

  on(event: RecipeEvent): void {
    switch (event.type) {
      case 'activity-started':
        if (event.kind === 'leadership') {
          this.leaders.set(event.path, (this.leaders.get(event.path) ?? 0) + 1);
          this.metrics?.leaderTerms.add(1, { [ATTR.path]: event.path, [ATTR.recipe]: event.recipe });
        }
        if (this.tracer !== null && WAITS.has(event.kind)) {
          const span = this.tracer.startSpan(
            `zookeeper ${event.kind}`,
            { kind: this.api.SpanKind.INTERNAL, startTime: event.time, attributes: { [ATTR.recipe]: event.recipe, [ATTR.path]: event.path } },
            this.api.context.active(),
          );
          this.open.set(event.id, { span, path: event.path });
        }
        return;
      case 'activity-ended':
        this.ended(event);
        return;
      case 'queue-put':
        this.metrics?.queuePuts.add(event.count, { [ATTR.path]: event.path, [ATTR.recipe]: event.recipe });
        return;
      case 'queue-take':
        this.metrics?.queueTakes.add(1, { [ATTR.path]: event.path, [ATTR.recipe]: event.recipe });
        return;
      case 'tree-cache-size':
        this.treeCaches.set(event.path, event.nodes);
        return;
    }
  }

  private ended(event: Extract<RecipeEvent, { type: 'activity-ended' }>): void {
    const attributes: Attributes = { [ATTR.path]: event.path, [ATTR.recipe]: event.recipe, [ATTR.outcome]: event.outcome };
    if (event.kind === 'lock-wait') this.metrics?.lockWait.record(event.duration / 1000, attributes);
    if (event.kind === 'lock-hold') this.metrics?.lockHold.record(event.duration / 1000, attributes);
    if (event.kind === 'leadership') {
      const terms = this.leaders.get(event.path) ?? 0;
      // 0 after a term (not removed): the gauge says this process led and no longer does.
      this.leaders.set(event.path, Math.max(0, terms - 1));
    }
    if (this.cutShort.delete(event.id) || this.tracer === null || !WAITS.has(event.kind)) return;
    let span = this.open.get(event.id)?.span;
    this.open.delete(event.id);
    // Started before this instrumentation: its span from the times the event carries.
    span ??= this.tracer.startSpan(`zookeeper ${event.kind}`, { kind: this.api.SpanKind.INTERNAL, startTime: event.startTime }, this.api.context.active());
    span.setAttributes(attributes);
    if (FAILURES.has(event.outcome)) {
      if (event.error !== null) span.recordException(asException(event.error), event.time);
      span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: event.error?.message ?? event.outcome });
    }
    span.end(event.time);
  }

  /** Links to the open waits on `path` or above it: a request a recipe makes while it waits (its node, its watches). */
  linksFor(path: string | null): Link[] | undefined {
    if (path === null || this.open.size === 0) return undefined;
    let links: Link[] | undefined;
    for (const wait of this.open.values()) {
      if (path === wait.path || path.startsWith(wait.path === '/' ? '/' : `${wait.path}/`)) (links ??= []).push({ context: wait.span.spanContext() });
    }
    return links;
  }

  /** Ends every open wait's span now (the client closed, or the instrumentation stops): no span is left open. */
  endOpen(reason: string): void {
    for (const [id, wait] of this.open) {
      wait.span.setAttribute(ATTR.outcome, reason);
      wait.span.end();
      this.cutShort.add(id);
    }
    this.open.clear();
  }
}
