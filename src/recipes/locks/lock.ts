import type { ZooKeeperClient } from '../../index';
import type { ContenderNode, ContenderSpec, Decision } from '../contender/contender';
import { ContenderLock } from '../contender/contender-lock';
import { layoutOption, type NamingStyle } from '../contender/node-naming';
import type { ReportedAs } from '../kernel/activity';
import { checkClient, defaultIdentifier, optionsObject, recipePath, toBuffer } from '../kernel/arguments';

/** Options of a Lock. */
export interface LockOptions {
  /** This participant's identifier, stored as its node's data (default `<hostname>:<pid>`). */
  identifier?: string;
  /**
   * Whose node names to write: `'curator'` (default) writes Curator's
   * InterProcessMutex nodes, `_c_<uuid>-lock-<seq>`, which kazoo sees with
   * `extra_lock_patterns=['-lock-']`; `'kazoo'` writes kazoo's
   * `<hex>__lock__<seq>`, which a plain kazoo Lock sees. Either way the lock
   * honours both kinds of contender.
   */
  layout?: NamingStyle;
}

/** The keys of {@link LockOptions}. */
const LOCK_OPTIONS: Record<keyof LockOptions, true> = { identifier: true, layout: true };

/** The markers a lock's contender counter follows: Curator's InterProcessMutex (and rxzk's) and kazoo's Lock. */
export const LOCK_MARKERS = ['-lock-', '__lock__'] as const;

/** The first contender holds; every other waits for the one just before it (no herd). */
export function firstHolds(contenders: readonly ContenderNode[], own: number): Decision {
  return own === 0 ? { held: true } : { held: false, waitFor: contenders[own - 1].name };
}

/**
 * A distributed mutual-exclusion lock on Curator's InterProcessMutex layout
 * (`<path>/_c_<uuid>-lock-<seq>`, ephemeral, under a container parent); it
 * honours kazoo Lock's `<hex>__lock__<seq>` contenders, so Java services on
 * Curator, Python services on kazoo and Node services on rxzk exclude each
 * other on the same path.
 *
 * Not re-entrant: every acquire is its own contender, so two acquires on one
 * Lock exclude each other. What `acquire()` gives is a {@link Holding} that
 * knows when it is lost (SUSPENDED, then LOST after the session timeout).
 *
 * @example
 * const lock = new Lock(zk, '/locks/orders');
 * await lock.withLock(async (holding) => {
 *   await processOrders({ signal: holding.signal, fencingToken: holding.fencingToken });
 * });
 */
export class Lock extends ContenderLock {
  private readonly identifier: Buffer;
  private readonly layout: NamingStyle;
  private reported: ReportedAs | undefined;

  /**
   * Nothing is sent until a method is called; something that is not a client, a bad path or an unknown or bad
   * option throws here (InvalidArgumentError, InvalidPathError).
   *
   * @example
   * const lock = new Lock(zk, '/locks/orders', { identifier: 'orders-worker-2' });
   */
  constructor(zk: ZooKeeperClient, path: string, opts?: LockOptions) {
    checkClient(zk, 'Lock');
    super(zk, recipePath(path));
    const options = optionsObject(opts, 'Lock', LOCK_OPTIONS);
    this.identifier = toBuffer(options.identifier ?? defaultIdentifier(), 'Lock identifier');
    this.layout = layoutOption(options.layout, 'Lock');
  }

  /** @internal */
  protected reportedAs(): ReportedAs {
    return (this.reported ??= { recipe: 'Lock', path: this.contendersParent });
  }

  /** @internal */
  protected spec(): ContenderSpec {
    return {
      parent: this.contendersParent,
      naming: { style: this.layout, name: this.layout === 'curator' ? 'lock-' : '__lock__' },
      data: this.identifier,
      markers: LOCK_MARKERS,
      decide: firstHolds,
    };
  }
}
