import { randomUUID } from 'node:crypto';
import { firstValueFrom } from 'rxjs';
import {
  ConnectionLossError,
  NoNodeError,
  NodeExistsError,
  OperationTimeoutError,
  SessionExpiredError,
  joinPath,
  type Stat,
  type ZooKeeperClient,
} from '../../index';
import type { Stopper } from '../contender/stopper';
import { LockTimeoutError } from '../errors';
import { childrenOrEmpty, createPersistent, removeNode } from '../kernel/znodes';
import type { Bounds } from './bounds';
import { Follow } from './follow';
import { retried } from '../kernel/retry';
import { firstOf } from './settle';

/** The node that opens a double barrier (Curator's READY_NODE); never counted as a member (Netflix/curator#99). */
export const READY = 'ready';

/** The members of a double barrier: every child but `ready`. */
export function membersOf(children: readonly string[]): string[] {
  return children.filter((name) => name !== READY);
}

/**
 * One enter into a double barrier, on Curator's DistributedDoubleBarrier
 * protocol and layout:
 *
 * 1. a watch on `<path>/ready` is set BEFORE this member's node exists, so
 *    a `ready` made by whoever completes the count is never missed;
 * 2. this member's node, `<path>/<uuid>`, EPHEMERAL, under a container parent;
 * 3. if `ready` existed at step 1, in; else the members are counted
 *    (`ready` excluded) and the one who finds `count` or more makes `ready`;
 * 4. otherwise it waits for `ready` to exist. Only `ready` existing lets it
 *    in: a watch firing for anything else (a connection event, a spurious
 *    wake-up) does not (GH-1290, where a lone Curator member passed on a
 *    SyncConnected event);
 * 5. if its node goes while it waits (its session expired), it makes it
 *    again and counts again.
 *
 * The uuid is fresh for each enter: a create whose reply was lost is found
 * by it (NodeExists, owned by this session), and no two enters share a node.
 */
export class Entrance {
  readonly node: string;
  private readonly readyPath: string;
  /** The create in flight, if any: a node it makes after the enter has failed must still be removed. */
  private creating: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly zk: ZooKeeperClient,
    private readonly path: string,
    private readonly count: number,
    private readonly data: Buffer,
  ) {
    this.node = joinPath(path, randomUUID());
    this.readyPath = joinPath(path, READY);
  }

  /** Resolves once in; rejects when stopped (timeout, signal) or on what no retry mends. */
  async run({ stopper, once }: Bounds): Promise<void> {
    const ready = new Follow(this.zk.exists$(this.readyPath));
    let own: Follow<Stat | null> | null = null;
    try {
      // The follower's first value is its first read, made with a watch: the watch is set from here on.
      const readyAtFirst = await ready.until(() => true, stopper);
      await this.create(stopper);
      if (readyAtFirst !== null) return;
      for (;;) {
        // A fresh follower after each create: a running one could still hold the read from before it.
        own?.close();
        own = new Follow(this.zk.exists$(this.node));
        if ((await this.members(stopper)) >= this.count) {
          await stopper.race(createPersistent(this.zk, this.readyPath, this.data));
          return;
        }
        if (once) throw new LockTimeoutError(0, `${this.path}: fewer than ${this.count} members in: tried once`);
        const woke = await firstOf([
          ready.until((stat) => stat !== null, stopper).then(() => 'ready' as const),
          own.until((stat) => stat === null, stopper).then(() => 'gone' as const),
        ]);
        if (woke === 'ready') return;
        await this.create(stopper);
      }
    } finally {
      ready.close();
      own?.close();
    }
  }

  /** Removes this enter's node, once any create still in flight has settled (idempotent). */
  remove(): Promise<void> {
    return this.creating.then(() => removeNode(this.zk, this.node));
  }

  /** How many members are in; 0 when the parent is gone (reaped: this member's node is gone too). */
  private async members(stopper: Stopper): Promise<number> {
    return membersOf(await stopper.race(childrenOrEmpty(this.zk, this.path))).length;
  }

  /** Creates this member's node, finding it again when a create's reply was lost (ZOOKEEPER-1262). */
  private async create(stopper: Stopper): Promise<void> {
    for (;;) {
      const request = firstValueFrom(this.zk.createWithStat(this.node, this.data, { ephemeral: true, makePath: true, containerParents: true }));
      this.creating = request.catch(() => undefined);
      try {
        await stopper.race(request);
        return;
      } catch (err) {
        if (stopper.stopped) throw err;
        if (err instanceof NodeExistsError) {
          // Made by an earlier try of this enter whose reply was lost: ours if this session owns it.
          const stat = await stopper.race(retried(this.zk.exists(this.node)));
          if (stat !== null && stat.ephemeralOwner === this.zk.session?.id) return;
          if (stat !== null) await stopper.race(removeNode(this.zk, this.node));
          continue;
        }
        // Applied or not, the next try tells (NodeExists); a reaped parent (NoNode) is made again by makePath.
        if (err instanceof ConnectionLossError || err instanceof OperationTimeoutError || err instanceof SessionExpiredError || err instanceof NoNodeError) continue;
        throw err;
      }
    }
  }
}
