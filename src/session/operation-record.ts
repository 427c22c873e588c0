import { OpCode } from '../jute/op-codes';

/**
 * One request the client sent (or was asked to send), once it is over: what `zk.operations$` emits and what an
 * {@link OperationListener} hears (issue 22). The client's own housekeeping — pings, SetWatches, auth packets (so
 * `addAuth` too), SASL tokens, closeSession — is not recorded, nor are four-letter words (`command`,
 * `serverVersion`: a socket of their own).
 *
 * Three kinds of record besides a reply:
 * - a request that failed before it was sent (the client closed or not started, its session expired while it
 *   waited, too large): `requestBytes` 0, `server` null;
 * - a request its caller left (unsubscribed) before it was sent: `ok` false and `error` null — nothing was sent;
 * - a request its caller left once it was sent: recorded when its reply comes, with the reply's outcome.
 *
 * @example
 * zk.operations$.pipe(filter((r) => !r.ok)).subscribe((r) => console.warn(`${r.op} ${r.path}: ${r.error?.message} after ${r.duration} ms`));
 */
export interface OperationRecord {
  /**
   * ZooKeeper's OpCode name of what was sent: `'create'` (or `'create2'`, `'createContainer'`, `'createTTL'`),
   * `'getData'`, `'setData'`, `'delete'`, `'exists'`, `'getChildren'` (or `'getChildren2'`), `'multi'`,
   * `'multiRead'`, `'sync'`, `'getACL'`, `'setACL'`, `'addWatch'`, `'removeWatches'`, `'whoAmI'`,
   * `'getEphemerals'`, `'getAllChildrenNumber'`, `'reconfig'`.
   */
  op: string;
  /** The path as the user gave it (chroot-relative); null for path-less operations (`whoAmI`) and for multi/multiRead. */
  path: string | null;
  /** True whenever the user's Observable emitted (or would have emitted) a value: `exists` of a missing node is ok, its value null. */
  ok: boolean;
  /**
   * The typed error when `!ok` (a rolled-back transaction: its RolledBackError); null when ok, and for a request its
   * caller left before it was sent.
   */
  error: Error | null;
  /**
   * When it was sent, in ms since the epoch (`performance.timeOrigin + performance.now()`); for a request that was
   * never sent, when it failed or was left.
   */
  startTime: number;
  /** ms from `startTime` to the reply (or the failure), fractional. */
  duration: number;
  /**
   * ms the request waited, between the call that asked for it (a `subscribe` or an `await`) and `startTime`, for a
   * connection to be ready: 0 when it went out at once.
   */
  queued: number;
  /** Bytes of the request's frame, its 4-byte length prefix included (before TLS); 0 when it was not sent. */
  requestBytes: number;
  /** Bytes of the reply's frame, its length prefix included; 0 when none came. */
  replyBytes: number;
  /** The session it was sent on (the session when it failed, if it was never sent); null without one. */
  sessionId: bigint | null;
  /** `'host:port'` of the server it was sent to; null when it was not sent. */
  server: string | null;
  /** For `multi` and `multiRead`: how many operations it carried; null for the others. */
  multiCount: number | null;
}

/**
 * A request as it is handed to the client (in the `subscribe` or `await` that asked for it): what
 * {@link OperationListener.started} is told.
 *
 * @example
 * const listener: OperationListener<number> = { started: (s: OperationStart) => s.submitTime, completed: () => undefined };
 */
export interface OperationStart {
  /** The OpCode name of what will be sent, as {@link OperationRecord.op}. */
  op: string;
  /** The path as the user gave it, as {@link OperationRecord.path}. */
  path: string | null;
  /** When it was asked for, in ms since the epoch (`performance.timeOrigin + performance.now()`). */
  submitTime: number;
}

/**
 * Hears every request of one client: `started` synchronously inside the `subscribe` or `await` that asked for it
 * (so whatever is current there — an OpenTelemetry context, an AsyncLocalStorage store — can be captured), then
 * `completed` once it is over, with what `started` returned. Every `started` is followed by exactly one
 * `completed`, unless the listener is removed first. `zk.operations$` is one of these; `rxzk/opentelemetry` another.
 * A listener that throws has its error re-thrown on a later tick: it never fails a request.
 *
 * @typeParam S what `started` returns, handed back to `completed`
 * @example
 * const remove = zk.addOperationListener<number>({
 *   started: () => Date.now(),
 *   completed: (record, askedAt) => console.log(record.op, record.ok, Date.now() - askedAt),
 * });
 * remove();
 */
export interface OperationListener<S = undefined> {
  /**
   * A request was handed to the client (called in the caller's `subscribe` or `await`).
   *
   * @param start its operation, path and time
   * @returns anything, handed back to `completed` (e.g. the caller's tracing context)
   * @example
   * const listener: OperationListener<Context> = { started: () => context.active(), completed: (record, ctx) => report(record, ctx) };
   */
  started?(start: OperationStart): S;
  /**
   * The request is over.
   *
   * @param record what happened
   * @param state what `started` returned for it (`undefined` without `started`)
   * @example
   * const listener: OperationListener = { completed: (record) => histogram.record(record.duration, { op: record.op }) };
   */
  completed(record: OperationRecord, state: S): void;
}

/** OpCode names by number, for records. */
const OP_NAMES = new Map<number, string>(Object.entries(OpCode).map(([name, code]) => [code, name]));

/** The OpCode name of a request type ('op<n>' for one the table does not know). */
export function opName(type: number): string {
  return OP_NAMES.get(type) ?? `op${type}`;
}
