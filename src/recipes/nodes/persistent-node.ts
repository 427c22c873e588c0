import { Observable, ReplaySubject, firstValueFrom, share, type Subscription } from 'rxjs';
import {
  ClientClosedError,
  NoNodeError,
  NodeExistsError,
  isConnected,
  withRetry,
  type CreateOptions,
  type Data,
  type ZooKeeperClient,
} from '../../index';
import { checkClient, recipePath, toBuffer } from '../kernel/arguments';
import { removeNode } from '../kernel/znodes';
import { UNTIL_DONE } from '../kernel/retry';
import { checkNodeOptions, type NodeSpec, type PersistentNodeOptions } from './options';

/**
 * A node that exists while it is held, whatever happens to the session
 * (Curator's PersistentNode): ephemeral by default, created when `hold$()`
 * is subscribed (once the client is connected), watched, and created again
 * when it goes: after an expiry (the server deleted the ephemeral with the
 * old session) or when someone else deletes it. A node already at the path
 * (this session's own, after a create whose reply was lost, or another's)
 * is adopted and given this node's data, as Curator's does on NodeExists.
 * The node is deleted when the last subscriber leaves.
 *
 * Parents are created as containers. A sequential mode is created with
 * Curator's protection (`_c_<uuid>-` prefix), so a create whose reply was
 * lost is found rather than made twice; its path changes at each creation.
 *
 * @example
 * const me = new PersistentNode(zk, '/members/worker-1', JSON.stringify({ host: 'a', port: 80 }));
 * const held = me.hold$().subscribe((path) => console.log('registered at', path));
 * // … later
 * held.unsubscribe(); // the node is deleted
 */
export class PersistentNode {
  private readonly path: string;
  private readonly spec: NodeSpec;
  private data: Buffer;
  /** The node's path while held, null otherwise. */
  private current: string | null = null;
  private readonly held$: Observable<string>;

  /**
   * Nothing is sent until `hold$()` is subscribed; a bad path, data or option throws here.
   *
   * @example
   * const node = new PersistentNode(zk, '/leases/job-7', 'worker-1', { mode: 'PERSISTENT_WITH_TTL', ttl: 60_000 });
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
    data: Data,
    opts?: PersistentNodeOptions,
  ) {
    checkClient(zk, 'PersistentNode');
    this.path = recipePath(path);
    this.data = toBuffer(data);
    this.spec = checkNodeOptions(opts);
    // One node for all subscribers: two holds of one path would each delete the other's.
    this.held$ = this.hold().pipe(
      share({ connector: () => new ReplaySubject<string>(1), resetOnError: true, resetOnComplete: true, resetOnRefCountZero: true }),
    );
  }

  /**
   * Holds the node: emits its path each time it is created (or adopted),
   * again after each re-creation; a late subscriber gets the current one.
   * Completes when the client closes; errors on what no retry mends
   * (NoAuth, an ephemeral parent, …). The last unsubscribe deletes the node
   * (retried across reconnects until it is gone).
   *
   * @example
   * const sub = node.hold$().subscribe((path) => console.log('(re)created', path));
   * process.on('SIGTERM', () => sub.unsubscribe());
   */
  hold$(): Observable<string> {
    return this.held$;
  }

  /**
   * Sets the data the node holds: written now if the node is held, and used
   * by every later (re)creation.
   *
   * @example
   * await node.setData(JSON.stringify({ host: 'a', port: 81 }));
   */
  async setData(data: Data): Promise<void> {
    this.data = toBuffer(data);
    const current = this.current;
    if (current === null) return;
    await this.write(current, this.data).catch((err: unknown) => {
      // Being re-created: the new node gets the new data.
      if (!(err instanceof NoNodeError)) throw err;
    });
  }

  private hold(): Observable<string> {
    return new Observable<string>((subscriber) => {
      let stopped = false;
      let started = false;
      let creating = false;
      let watching: Subscription | null = null;

      const establish = (): void => {
        if (creating || stopped) return;
        creating = true;
        watching?.unsubscribe();
        watching = null;
        this.current = null;
        const data = this.data;
        this.createOrAdopt(data).then(
          (path) => {
            creating = false;
            if (stopped) {
              // Unsubscribed while the create was under way: it must not outlive the hold.
              removeNode(this.zk, path).catch(() => undefined);
              return;
            }
            this.current = path;
            if (this.data !== data) void this.setData(this.data).catch(() => undefined);
            subscriber.next(path);
            follow(path);
          },
          (err: unknown) => {
            creating = false;
            if (stopped) return;
            if (err instanceof ClientClosedError) subscriber.complete();
            else subscriber.error(err);
          },
        );
      };

      // Watches the node: gone (deleted by someone, or with an expired session) means create it again.
      const follow = (path: string): void => {
        watching = this.zk.exists$(path).subscribe({
          next: (stat) => stat === null && establish(),
          error: (err: unknown) => subscriber.error(err),
        });
      };

      const states = this.zk.state$.subscribe((state) => {
        if (state === 'CLOSED' && started) subscriber.complete();
        else if (!started && isConnected(state)) {
          started = true;
          establish();
        }
      });

      return () => {
        stopped = true;
        states.unsubscribe();
        watching?.unsubscribe();
        const path = this.current;
        this.current = null;
        if (path !== null && this.zk.state !== 'CLOSED') removeNode(this.zk, path).catch(() => undefined);
      };
    });
  }

  /** Creates the node, or adopts the one at the path (giving it this node's data); retried until it is there. */
  private async createOrAdopt(data: Buffer): Promise<string> {
    const opts: CreateOptions = { mode: this.spec.mode, makePath: true, containerParents: true };
    if (this.spec.ttl !== undefined) opts.ttl = this.spec.ttl;
    if (this.spec.acl !== undefined) opts.acl = this.spec.acl;
    if (this.spec.sequential) opts.protected = true;
    for (;;) {
      try {
        return await firstValueFrom(this.zk.create(this.path, data, opts).pipe(withRetry(UNTIL_DONE)));
      } catch (err) {
        if (!(err instanceof NodeExistsError)) throw err;
      }
      try {
        await this.write(this.path, data);
        return this.path;
      } catch (err) {
        // Deleted between the create and the set: create again.
        if (!(err instanceof NoNodeError)) throw err;
      }
    }
  }

  private write(path: string, data: Buffer): Promise<unknown> {
    return firstValueFrom(this.zk.set(path, data).pipe(withRetry(UNTIL_DONE)));
  }
}
