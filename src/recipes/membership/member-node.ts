import { EMPTY, catchError, concatMap, defer, filter, firstValueFrom, map, merge, type Subscription } from 'rxjs';
import {
  ClientClosedError,
  ConnectionLossError,
  NoNodeError,
  NodeExistsError,
  SessionExpiredError,
  isConnected,
  type ZooKeeperClient,
} from '../../index';
import { retried } from '../kernel/retry';

/** Errors that a later connection or a later change of the node mends: the node is made again then. */
function transient(err: unknown): boolean {
  return err instanceof ConnectionLossError || err instanceof SessionExpiredError || err instanceof NodeExistsError || err instanceof NoNodeError;
}

/**
 * A member's ephemeral node at a fixed path, kept while started: made again
 * on the new session after an expiry, and after someone else deleted it.
 * kazoo's Party makes it once (party.py `join`, no connection listener), so a
 * member is gone for good after an expiry (linkedin/iris PR#244); Curator's
 * GroupMember keeps it with a PersistentNode. This is the smallest such keeper:
 * it re-checks the node on every (re)connection and whenever its data watch
 * says it is gone.
 */
export class MemberNode {
  private subscription: Subscription | null = null;
  private created: Promise<void> | null = null;

  constructor(
    private readonly zk: ZooKeeperClient,
    readonly node: string,
    private readonly data: Buffer,
    private readonly container: boolean,
  ) {}

  /** True while kept. */
  get running(): boolean {
    return this.subscription !== null && !this.subscription.closed;
  }

  /** Starts keeping the node; resolves once it exists on the current session (idempotent). */
  start(): Promise<void> {
    if (this.running && this.created !== null) return this.created;
    this.created = new Promise<void>((resolve, reject) => {
      const closed$ = this.zk.state$.pipe(filter((s) => s === 'CLOSED' || s === 'AUTH_FAILED'));
      const connected$ = this.zk.state$.pipe(filter(isConnected));
      // The data watch survives expiries and emits null once the node is gone (deleted by hand, or with the session).
      const gone$ = this.zk.watchData$(this.node).pipe(filter((v) => v === null));
      const triggers$ = merge(connected$.pipe(map(() => 'check' as const)), gone$.pipe(map(() => 'check' as const)), closed$.pipe(map(() => 'closed' as const)));
      this.subscription = triggers$
        .pipe(
          concatMap((why) => {
            if (why === 'closed') throw new ClientClosedError('the client closed: the member node is gone with its session');
            return defer(() => this.ensure()).pipe(catchError((err: unknown) => (transient(err) ? EMPTY : Promise.reject(err))));
          }),
        )
        .subscribe({ next: () => resolve(), error: (err: unknown) => reject(err) });
    });
    return this.created;
  }

  /** Stops keeping it and deletes it if it is this session's; resolves once it is gone (a closed client: at once). */
  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.created = null;
    for (;;) {
      const session = this.zk.session;
      if (session === null || this.zk.state === 'CLOSED') return;
      let stat;
      try {
        stat = await retried(this.zk.exists(this.node));
      } catch (err) {
        if (err instanceof ClientClosedError) return;
        throw err;
      }
      // Not there, or another session's (then ours is gone already): nothing of ours to delete.
      if (stat === null || stat.ephemeralOwner !== this.zk.session?.id) return;
      try {
        await firstValueFrom(this.zk.delete(this.node, { version: stat.version }));
        return;
      } catch (err) {
        if (err instanceof NoNodeError || err instanceof ClientClosedError) return;
        if (!transient(err)) throw err;
      }
    }
  }

  /** Makes the node on the current session unless it is there already. */
  private async ensure(): Promise<void> {
    const session = this.zk.session;
    if (session === null) return;
    const stat = await firstValueFrom(this.zk.exists(this.node));
    if (stat !== null && stat.ephemeralOwner === session.id) return;
    // An earlier session's node the server has not reaped yet: never taken as ours (CURATOR-604); replaced.
    if (stat !== null) await firstValueFrom(this.zk.delete(this.node, { version: stat.version }));
    await firstValueFrom(this.zk.create(this.node, this.data, { ephemeral: true, makePath: true, containerParents: this.container }));
  }
}
