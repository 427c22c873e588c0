import { OpCode } from '../jute/op-codes';
import { opName, type OperationListener, type OperationRecord, type OperationStart } from './operation-record';
import { rethrowOutside } from './user-code';

/** What the reporter sees of a request: enough to name it, and the slot its probe goes in. */
export interface ProbedRequest {
  /** The op code in the request header. */
  readonly type: number;
  /** The caller's path (without chroot). */
  readonly path: string | undefined;
  /** The request's argument record (a multi's: its array of ops). */
  readonly args: unknown;
  /** Set by the reporter when someone listens; null otherwise. */
  probe: RequestProbe | null;
}

/** A listener as attached: `active` turns false when it is removed, so requests begun before hear nothing more. */
interface ListenerEntry {
  readonly listener: OperationListener<unknown>;
  active: boolean;
}

/** `performance.timeOrigin`, read once: a getter that crosses into the runtime on each read. */
const TIME_ORIGIN = performance.timeOrigin;

/** `performance.now()` as ms since the epoch. */
function epochMs(now: number): number {
  return TIME_ORIGIN + now;
}

/**
 * The operation stream's source (issue 22): the listeners of one client, and a probe on each request made while
 * anyone listens. Whether anyone listens is read once per request (`listening`, in Outbox.submit); without a
 * listener a request carries a null probe and nothing is measured or built.
 */
export class OperationReporter {
  /** Replaced, never mutated: a probe keeps the array of the listeners that heard its `started`. */
  private entries: readonly ListenerEntry[] = [];
  /** True while at least one listener is attached. */
  listening = false;

  /** @param sessionId the current session's id, or null without one */
  constructor(private readonly sessionId: () => bigint | null) {}

  /** Attaches a listener; the function returned detaches it (idempotent). */
  add<S>(listener: OperationListener<S>): () => void {
    const entry: ListenerEntry = { listener: listener as OperationListener<unknown>, active: true };
    this.entries = [...this.entries, entry];
    this.listening = true;
    return () => {
      if (!entry.active) return;
      entry.active = false;
      this.entries = this.entries.filter((e) => e !== entry);
      this.listening = this.entries.length !== 0;
    };
  }

  /** A request is handed to the session while someone listens: its probe, and each listener's `started`. */
  begin(request: ProbedRequest): void {
    const entries = this.entries;
    const multi = request.type === OpCode.multi || request.type === OpCode.multiRead;
    const submittedAt = performance.now();
    const start: OperationStart = {
      op: opName(request.type),
      path: multi ? null : (request.path ?? null),
      submitTime: epochMs(submittedAt),
    };
    let states: unknown[] | null = null;
    for (let i = 0; i < entries.length; i++) {
      const started = entries[i].listener.started;
      if (started === undefined) continue;
      states ??= new Array<unknown>(entries.length);
      try {
        states[i] = started.call(entries[i].listener, start);
      } catch (err) {
        rethrowOutside(err);
      }
    }
    const multiCount = multi && Array.isArray(request.args) ? request.args.length : null;
    request.probe = new RequestProbe(this, entries, states, start, submittedAt, multiCount);
  }

  /** The current session's id (for a request's record). */
  currentSession(): bigint | null {
    return this.sessionId();
  }
}

/**
 * One request's measurements while someone listens: when it was asked for and sent, its bytes, its session and
 * server. `complete` turns them into the record, once.
 */
export class RequestProbe {
  /** `performance.now()` when sent; -1 while not sent. */
  private sentAt = -1;
  /** Whether it waited for a connection (else it is sent, or fails, inside the call that asked for it). */
  private queued = false;
  private requestBytes = 0;
  /** Set by the reply correlation before the request settles. */
  replyBytes = 0;
  private sessionId: bigint | null = null;
  private server: string | null = null;

  constructor(
    private readonly reporter: OperationReporter,
    private readonly entries: readonly ListenerEntry[],
    private readonly states: unknown[] | null,
    private readonly start: OperationStart,
    private readonly submittedAt: number,
    private readonly multiCount: number | null,
  ) {}

  /** The request waits for a ready connection. */
  waiting(): void {
    this.queued = true;
  }

  /** The request's frame (`bytes`, length prefix included) was written for `server`. */
  sent(bytes: number, server: string): void {
    // Sent inside the call that asked for it: that call's time is the send's (queued 0).
    this.sentAt = this.queued ? performance.now() : this.submittedAt;
    this.requestBytes = bytes;
    this.server = server;
    this.sessionId = this.reporter.currentSession();
  }

  /** The request is over: the record goes to every listener that heard it start and is still attached. */
  complete(ok: boolean, error: Error | null): void {
    const now = performance.now();
    const sent = this.sentAt >= 0;
    const startedAt = sent ? this.sentAt : this.queued ? now : this.submittedAt;
    const record: OperationRecord = {
      op: this.start.op,
      path: this.start.path,
      ok,
      error,
      startTime: epochMs(startedAt),
      duration: now - startedAt,
      queued: startedAt - this.submittedAt,
      requestBytes: this.requestBytes,
      replyBytes: this.replyBytes,
      sessionId: sent ? this.sessionId : this.reporter.currentSession(),
      server: this.server,
      multiCount: this.multiCount,
    };
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (!entry.active) continue;
      try {
        entry.listener.completed(record, this.states === null ? undefined : this.states[i]);
      } catch (err) {
        rethrowOutside(err);
      }
    }
  }
}
