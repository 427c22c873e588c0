import { Observable, firstValueFrom } from 'rxjs';
import {
  ClientClosedError,
  ConnectionLossError,
  InvalidArgumentError,
  NoNodeError,
  NodeExistsError,
  OperationTimeoutError,
  SessionExpiredError,
  TimeoutError,
  joinPath,
  type Data,
  type ZooKeeperClient,
} from '../../index';
import { checkClient, recipePath, toBuffer } from '../kernel/arguments';
import { KeptWhileHeld, type NodeKeeper } from '../kernel/node-keeper';

/** The name of the TTL child (Curator's PersistentTtlNode.DEFAULT_CHILD_NODE_NAME). */
export const TOUCH_NODE = 'touch';
/** The touch runs every ttl / this (Curator's DEFAULT_TOUCH_SCHEDULE_FACTOR). */
const TOUCH_SCHEDULE_FACTOR = 2;
/** The largest ttl a Node timer schedules (2^31 - 1 ms); the server takes larger, but a touch every 12 days is enough. */
const MAX_TTL_MS = 0x7fffffff;
/** What the touch child holds: nothing (only its mtime counts). */
const EMPTY = Buffer.alloc(0);

/** Errors a touch shrugs off: the next one, ttl/2 later, tries again (Curator logs them at debug level). */
function passing(err: unknown): boolean {
  return (
    err instanceof NoNodeError ||
    err instanceof ConnectionLossError ||
    err instanceof OperationTimeoutError ||
    err instanceof SessionExpiredError ||
    err instanceof TimeoutError ||
    err instanceof ClientClosedError
  );
}

/**
 * Curator's PersistentTtlNode: a node that exists while it is held and for at most about `ttlMs` after — also when
 * the holder dies without a word. It is a CONTAINER node at `path` (holding the data; kept, and made again when it
 * goes, as a PersistentNode) with a TTL child `touch` (PERSISTENT_WITH_TTL, `ttlMs`) that is touched every `ttlMs / 2`:
 * while the touches go on, the child lives, and so does the container; once they stop, the server deletes the child
 * `ttlMs` after the last touch, then reaps the empty container. Nothing is deleted on unsubscribe (as Curator's
 * `close()`): the node expires by itself. The server must allow TTL nodes (`extendedTypesEnabled=true`; else the
 * touch fails with UnimplementedError, which `hold$()` reports).
 *
 * The first touch is made as soon as the container is (Curator waits ttl / 2 for it). A Java service with
 * Curator's PersistentTtlNode on the same path shares it: either one's touches keep it.
 *
 * @example
 * const alive = new PersistentTtlNode(zk, '/ttl/worker-7', 10_000, JSON.stringify({ host: 'a' }));
 * const held = alive.hold$().subscribe((path) => console.log('alive at', path));
 * // … later: stop touching; the node is gone about 10 s after
 * held.unsubscribe();
 */
export class PersistentTtlNode {
  private readonly path: string;
  private readonly touchPath: string;
  private readonly ttl: number;
  /** The container, kept while held (one keeper and one touch schedule for all subscribers); nothing deleted after. */
  private readonly kept: KeptWhileHeld;

  /**
   * `ttlMs`: how long the node outlives its last touch (an integer from 1 to 2^31 - 1); `data`: the container's data
   * (default: none). A bad path, ttl or data throws here; nothing is sent until `hold$()` is subscribed.
   *
   * @example
   * const node = new PersistentTtlNode(zk, '/ttl/job-42', 30_000);
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
    ttlMs: number,
    data?: Data,
  ) {
    checkClient(zk, 'PersistentTtlNode');
    this.path = recipePath(path);
    this.touchPath = joinPath(this.path, TOUCH_NODE);
    if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS) {
      throw new InvalidArgumentError(`PersistentTtlNode ttlMs must be an integer from 1 to ${MAX_TTL_MS}, not ${String(ttlMs)}`);
    }
    this.ttl = ttlMs;
    const bytes = data === undefined ? Buffer.alloc(0) : Buffer.from(toBuffer(data, 'PersistentTtlNode data'));
    this.kept = new KeptWhileHeld(zk, { path: this.path, mode: 'CONTAINER', inTheWay: 'adopt', watch: true }, bytes, {
      // Nothing deleted (Curator's PersistentTtlNode overrides deleteNode with a no-op): the touch child expires.
      remove: false,
      beside: (keeper) => this.touches(keeper),
    });
  }

  /**
   * Holds the node: emits its path each time the container is made (or adopted), again after each re-creation; a
   * late subscriber gets the current one. Touches `touch` every ttl / 2 meanwhile. Completes when the client closes;
   * errors on what no retry mends (NoAuth, TTL nodes disabled on the server). The last unsubscribe stops the touches
   * and deletes nothing: the node expires by itself within about `ttlMs` (plus the server's container check).
   *
   * @example
   * const sub = ttlNode.hold$().subscribe();
   * process.on('SIGTERM', () => sub.unsubscribe());
   */
  hold$(): Observable<string> {
    return this.kept.held$();
  }

  /**
   * Sets the container's data: written now if it is held, and used by every later (re)creation.
   *
   * @example
   * await ttlNode.setData(JSON.stringify({ host: 'a', load: 0.3 }));
   */
  async setData(data: Data): Promise<void> {
    await this.kept.setData(Buffer.from(toBuffer(data, 'PersistentTtlNode data')));
  }

  /**
   * The touches of one hold: one at each placement of the container (made, or made again), and one every ttl / 2
   * (Curator's DEFAULT_TOUCH_SCHEDULE_FACTOR), one at a time; an error no later touch mends fails the hold.
   */
  private touches(keeper: NodeKeeper): Observable<never> {
    return new Observable<never>((subscriber) => {
      let touching = false;
      let stopped = false;
      const touch = (): void => {
        if (touching || stopped || keeper.current === null) return;
        touching = true;
        this.touchOnce().then(
          () => (touching = false),
          (err: unknown) => {
            touching = false;
            if (!stopped && !passing(err)) subscriber.error(err);
          },
        );
      };
      const placements = keeper.placed$.subscribe(() => touch());
      const timer = setInterval(touch, Math.max(1, Math.floor(this.ttl / TOUCH_SCHEDULE_FACTOR)));
      return () => {
        stopped = true;
        clearInterval(timer);
        placements.unsubscribe();
      };
    });
  }

  /**
   * One touch, as Curator's task: a setData of the child (its mtime is what the TTL counts from), or, when it is
   * missing, its create with the TTL (NodeExists: someone made it meanwhile, set it then). A missing container
   * (NoNode on the create) is the keeper's to make again; the next touch follows it.
   */
  private async touchOnce(): Promise<void> {
    try {
      await firstValueFrom(this.zk.set(this.touchPath, EMPTY));
      return;
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
    try {
      await firstValueFrom(this.zk.create(this.touchPath, null, { mode: 'PERSISTENT_WITH_TTL', ttl: this.ttl }));
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
      await firstValueFrom(this.zk.set(this.touchPath, EMPTY));
    }
  }
}
