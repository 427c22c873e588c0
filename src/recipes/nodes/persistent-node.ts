import type { Observable } from 'rxjs';
import type { Data, ZooKeeperClient } from '../../index';
import { checkClient, recipePath, toBuffer } from '../kernel/arguments';
import { KeptWhileHeld } from '../kernel/node-keeper';
import { checkNodeOptions, type PersistentNodeOptions } from './options';

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
  /** The node, kept while held (one keeper for all subscribers), deleted at the last unsubscribe. */
  private readonly kept: KeptWhileHeld;

  /**
   * Nothing is sent until `hold$()` is subscribed; a bad path, data or option throws here.
   *
   * @example
   * const node = new PersistentNode(zk, '/leases/job-7', 'worker-1', { mode: 'PERSISTENT_WITH_TTL', ttl: 60_000 });
   */
  constructor(
    zk: ZooKeeperClient,
    path: string,
    data: Data,
    opts?: PersistentNodeOptions,
  ) {
    checkClient(zk, 'PersistentNode');
    const at = recipePath(path);
    const bytes = toBuffer(data);
    const { mode, ttl, acl } = checkNodeOptions(opts);
    this.kept = new KeptWhileHeld(zk, { path: at, mode, ttl, acl, inTheWay: 'adopt', watch: true }, bytes, { remove: true });
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
    return this.kept.held$();
  }

  /**
   * Sets the data the node holds: written now if the node is held, and used
   * by every later (re)creation.
   *
   * @example
   * await node.setData(JSON.stringify({ host: 'a', port: 81 }));
   */
  async setData(data: Data): Promise<void> {
    await this.kept.setData(toBuffer(data));
  }
}
