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
import { LockTimeoutError } from '../errors';
import { childrenOrEmpty, createPersistent, removeNode } from '../kernel/znodes';
import { Followed } from '../kernel/follow';
import { retried } from '../kernel/retry';
import { firstOf, raced, type Bounds } from '../kernel/wait';

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
  async run({ signal, once }: Bounds): Promise<void> {
    const ready = new Followed(this.zk.exists$(this.readyPath));
    let own: Followed<Stat | null> | null = null;
    try {
      // The follower's first value is its first read, made with a watch: the watch is set from here on.
      const readyAtFirst = await ready.first(() => true, signal);
      await this.create(signal);
      if (readyAtFirst !== null) return;
      for (;;) {
        // A fresh follower after each create: a running one could still hold the read from before it.
        own?.close();
        own = new Followed(this.zk.exists$(this.node));
        if ((await this.members(signal)) >= this.count) {
          await raced(createPersistent(this.zk, this.readyPath, this.data), signal);
          return;
        }
        if (once) throw new LockTimeoutError(0, `${this.path}: fewer than ${this.count} members in: tried once`);
        const woke = await firstOf([
          ready.first((stat) => stat !== null, signal).then(() => 'ready' as const),
          own.first((stat) => stat === null, signal).then(() => 'gone' as const),
        ]);
        if (woke === 'ready') return;
        await this.create(signal);
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
  private async members(signal: AbortSignal): Promise<number> {
    return membersOf(await raced(childrenOrEmpty(this.zk, this.path), signal)).length;
  }

  /** Creates this member's node, finding it again when a create's reply was lost (ZOOKEEPER-1262). */
  private async create(signal: AbortSignal): Promise<void> {
    for (;;) {
      const request = firstValueFrom(this.zk.createWithStat(this.node, this.data, { ephemeral: true, makePath: true, containerParents: true }));
      this.creating = request.catch(() => undefined);
      try {
        await raced(request, signal);
        return;
      } catch (err) {
        if (signal.aborted) throw err;
        if (err instanceof NodeExistsError) {
          // Made by an earlier try of this enter whose reply was lost: ours if this session owns it.
          const stat = await raced(retried(this.zk.exists(this.node)), signal);
          if (stat !== null && stat.ephemeralOwner === this.zk.session?.id) return;
          if (stat !== null) await raced(removeNode(this.zk, this.node), signal);
          continue;
        }
        // Applied or not, the next try tells (NodeExists); a reaped parent (NoNode) is made again by makePath.
        if (err instanceof ConnectionLossError || err instanceof OperationTimeoutError || err instanceof SessionExpiredError || err instanceof NoNodeError) continue;
        throw err;
      }
    }
  }
}
