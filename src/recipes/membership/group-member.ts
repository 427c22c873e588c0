import { networkInterfaces } from 'node:os';
import { Observable, distinctUntilChanged, map } from 'rxjs';
import { InvalidArgumentError, joinPath, parentOf, type Data, type ZooKeeperClient } from '../../index';
import { TreeCache } from '../cache/tree-cache';
import { checkClient, recipePath, toBuffer } from '../kernel/arguments';
import { JoinedNode } from '../kernel/joined-node';
import { childrenOrEmpty, readOrNull } from '../kernel/znodes';

/** The members of a group: each member's id and the data of its node. */
export type GroupMembers = ReadonlyMap<string, Buffer>;

/**
 * Curator's default node data (CuratorFrameworkFactory.getLocalAddress: this host's address as text), the payload of
 * a GroupMember made without one: the first external IPv4 address, else the loopback.
 */
function localAddress(): Buffer {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return Buffer.from(a.address);
  }
  return Buffer.from('127.0.0.1');
}

function sameMembers(a: GroupMembers, b: GroupMembers): boolean {
  if (a.size !== b.size) return false;
  for (const [id, data] of a) {
    const other = b.get(id);
    if (other === undefined || !other.equals(data)) return false;
  }
  return true;
}

/**
 * Group membership on Curator's GroupMember layout: each member is an ephemeral node `<path>/<id>` holding its data
 * (Curator's PersistentNode, under a container parent), and the group is the children of `<path>` (Curator's cache of
 * the membership path). A Java service with Curator's GroupMember on the same path sees rxzk's members, and back.
 *
 * A joined member's node is made again by itself on the new session after an expiry, and after someone else deleted
 * it, until {@link GroupMember.leave}; a node already at `<path>/<id>` (another session's) is adopted and given this
 * member's data, as Curator's PersistentNode does.
 *
 * @example
 * const me = new GroupMember(zk, '/groups/workers', 'worker-7', JSON.stringify({ port: 8080 }));
 * await me.join();
 * me.members$().subscribe((members) => console.log('workers now:', [...members.keys()]));
 */
export class GroupMember {
  private readonly path: string;
  private readonly memberPath: string;
  private data: Buffer;
  /** The keeper of this member's node while joined. */
  private readonly member: JoinedNode;

  /**
   * A member `id` of the group at `path`, its node holding `data` (default: this host's address, Curator's default
   * payload). Throws InvalidPathError for a bad path and InvalidArgumentError for an id that is not one node name;
   * nothing is sent until `join()`.
   *
   * @example
   * const member = new GroupMember(zk, '/groups/workers', 'worker-7');
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
    /** This member's id: the name of its node. */
    readonly id: string,
    data?: Data,
  ) {
    checkClient(zk, 'GroupMember');
    this.path = recipePath(path);
    if (typeof id !== 'string' || id === '' || id.includes('/')) {
      throw new InvalidArgumentError(`a GroupMember id must be one node name (no '/'), not ${JSON.stringify(id)}`);
    }
    this.memberPath = recipePath(joinPath(this.path, id));
    if (parentOf(this.memberPath) !== this.path) throw new InvalidArgumentError(`a GroupMember id must be one node name, not ${JSON.stringify(id)}`);
    this.data = data === undefined ? localAddress() : Buffer.from(toBuffer(data, 'GroupMember data'));
    // Curator's GroupMember adopts a node of its own id left by an earlier session; the data is read at each join.
    this.member = new JoinedNode(zk, { path: this.memberPath, mode: 'EPHEMERAL', inTheWay: 'adopt', watch: true }, () => this.data);
  }

  /**
   * Joins: resolves once this member's node exists. Idempotent; the node is kept (made again after an expiry or a
   * deletion by someone else) until {@link GroupMember.leave}. Rejects on what no retry mends (NoAuth, a closed
   * client), not joined then.
   *
   * @example
   * await member.join();
   */
  join(): Promise<void> {
    return this.member.join();
  }


  /**
   * Leaves: stops keeping the node and deletes it (retried until gone). Idempotent.
   *
   * @example
   * await member.leave();
   */
  leave(): Promise<void> {
    return this.member.leave();
  }


  /**
   * Sets this member's data (Curator's `setThisData`): written now when joined, and kept for every later creation.
   *
   * @example
   * await member.setData(JSON.stringify({ port: 8081 }));
   */
  async setData(data: Data): Promise<void> {
    this.data = Buffer.from(toBuffer(data, 'GroupMember data'));
    await this.member.current?.setData(this.data);
  }

  /**
   * The members now, id to data, read from the server (anyone may ask). While joined this member is always one of
   * them, with its own data, even before its node is seen (Curator's `getCurrentMembers`).
   *
   * @example
   * for (const [id, data] of await member.members()) console.log(id, data.toString());
   */
  async members(): Promise<GroupMembers> {
    const names = await childrenOrEmpty(this.zk, this.path);
    const nodes = await Promise.all(names.map(async (name) => [name, (await readOrNull(this.zk, joinPath(this.path, name)))?.data] as const));
    const members = new Map<string, Buffer>();
    for (const [name, data] of nodes) if (data !== undefined) members.set(name, data);
    if (this.member.current !== null && !members.has(this.id)) members.set(this.id, this.data);
    return members;
  }

  /**
   * The members, id to data: once the group has been read, then after each change — a member joining or leaving, or
   * setting its data. On one cache of the membership path (a TreeCache of depth 1: one persistent recursive watch), kept
   * across dropped connections and expiries; unsubscribing closes it. For anyone; this member appears once its node
   * is made.
   *
   * @example
   * member.members$().subscribe((members) => rebalance([...members.keys()]));
   */
  members$(): Observable<GroupMembers> {
    return new Observable<GroupMembers>((subscriber) => {
      const cache = new TreeCache(this.zk, this.path, { maxDepth: 1 });
      const prefix = this.path === '/' ? '/' : `${this.path}/`;
      const snapshots = cache.snapshot$
        .pipe(
          map((nodes) => {
            const members = new Map<string, Buffer>();
            for (const [path, node] of nodes) {
              if (path.startsWith(prefix) && !path.slice(prefix.length).includes('/') && path !== this.path) members.set(path.slice(prefix.length), node.data);
            }
            return members as GroupMembers;
          }),
          distinctUntilChanged(sameMembers),
        )
        .subscribe(subscriber);
      const failures = cache.events$.subscribe({ error: (err: unknown) => subscriber.error(err) });
      cache.start().catch((err: unknown) => subscriber.error(err));
      return () => {
        failures.unsubscribe();
        snapshots.unsubscribe();
        void cache.close();
      };
    });
  }
}
