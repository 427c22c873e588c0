import { NodeKeeper, type KeptNode } from './node-keeper';
import type { ZooKeeperClient } from '../../index';

/**
 * A member's node kept while joined (Party's, GroupMember's): join() starts a {@link NodeKeeper} and resolves once the
 * node is placed — a join that fails (the client closed, NoAuth, …) keeps nothing; leave() stops keeping it and
 * deletes it. Both idempotent.
 */
export class JoinedNode {
  private keeper: NodeKeeper | null = null;

  constructor(
    private readonly zk: ZooKeeperClient,
    private readonly spec: KeptNode,
    private readonly data: () => Buffer,
  ) {}

  /** The keeper while joined (null when not). */
  get current(): NodeKeeper | null {
    return this.keeper;
  }

  join(): Promise<void> {
    if (this.keeper === null) {
      this.keeper = new NodeKeeper(this.zk, this.spec, this.data());
      this.keeper.start();
    }
    const keeper = this.keeper;
    return keeper.placed.then(
      () => undefined,
      (err: unknown) => {
        if (this.keeper === keeper) this.keeper = null;
        void keeper.stop(false);
        throw err;
      },
    );
  }

  leave(): Promise<void> {
    const keeper = this.keeper;
    this.keeper = null;
    return keeper === null ? Promise.resolve() : keeper.stop(true);
  }
}
