import type { Subscriber, Subscription } from 'rxjs';
import { ClientClosedError } from '../../errors/client-errors';
import { ConnectionLossError, OperationTimeoutError, SessionExpiredError } from '../../errors/server-errors';
import type { Watcher } from '../../session/watched-event';
import type { NodeOps } from '../node-ops';
import type { NodeReader } from './node-readers';
import type { WatchKind } from '../../session/watch-kind';
import { SharedStream, type StreamOwner } from './shared-stream';

/** Wait before reading again after the server answered OperationTimeout (the connection is up: do not spin). */
const TIMEOUT_RETRY_DELAY = 100;

/**
 * Follows one node through ZooKeeper's one-shot watches (Curator's NodeCache,
 * kazoo's DataWatch): reads it with a watch, emits the value, and reads it
 * again — re-arming the watch — whenever the watch fires. Its subscribers
 * share this one loop and one server watch; a new one gets the last value first.
 *
 * - Reads never overlap: an event during a read marks the value stale and one
 *   more read follows, so a burst of changes ends with the final value.
 * - A value equal to the last one (`same`) is not emitted again.
 * - Connection loss or session expiry: the read is made again at once; it
 *   waits in the client's queue for the next connection or session. After an
 *   expiry the watch's Expired notice triggers that read, so what changed
 *   meanwhile is emitted.
 * - Completes when the client closes; errors on what no retry mends (e.g. NoAuthError).
 */
export class NodeFollower<R, T> extends SharedStream<T> {
  private hasValue = false;
  /** The last reading; subscribers get `project(reading)` (e.g. the children without their stat). */
  private value: R | undefined = undefined;
  private reading: Subscription | null = null;
  private stale = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The callback the watches of this follower's reads call (bound: lighter than an arrow's closure and context). */
  readonly watcher: Watcher = this.refresh.bind(this);

  constructor(
    owner: StreamOwner,
    kind: WatchKind,
    serverPath: string,
    private readonly ops: NodeOps,
    private readonly userPath: string,
    private readonly reader: NodeReader<R, T>,
  ) {
    super(owner, kind, serverPath);
  }

  protected override joined(subscriber: Subscriber<T>): void {
    if (this.hasValue) subscriber.next(this.reader.project(this.value as R));
  }

  protected start(): void {
    this.refresh();
  }

  protected stop(): void {
    this.reading?.unsubscribe();
    this.reading = null;
    clearTimeout(this.retryTimer);
  }

  private refresh(): void {
    if (this.isEnded) return;
    if (this.reading !== null) {
      this.stale = true;
      return;
    }
    this.stale = false;
    let done = false;
    const subscription = this.reader.read(this.ops, this.userPath, this.watcher).subscribe({
      next: (value) => {
        if (this.hasValue && this.reader.same(this.value as R, value)) return;
        this.hasValue = true;
        this.value = value;
        this.emit(this.reader.project(value));
      },
      error: (err: unknown) => {
        done = true;
        this.reading = null;
        this.onReadError(err);
      },
      complete: () => {
        done = true;
        this.reading = null;
        if (this.stale) this.refresh();
      },
    });
    if (!done) this.reading = subscription;
  }

  private onReadError(err: unknown): void {
    if (err instanceof ClientClosedError) this.complete();
    else if (err instanceof ConnectionLossError || err instanceof SessionExpiredError) this.refresh();
    else if (err instanceof OperationTimeoutError) this.retryTimer = setTimeout(() => this.refresh(), TIMEOUT_RETRY_DELAY);
    else this.fail(err);
  }
}
