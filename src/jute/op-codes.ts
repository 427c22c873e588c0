/** Request types of ZooKeeper's wire protocol (ZooDefs.OpCode). */
export const OpCode = {
  notification: 0,
  create: 1,
  delete: 2,
  exists: 3,
  getData: 4,
  setData: 5,
  getACL: 6,
  setACL: 7,
  getChildren: 8,
  sync: 9,
  ping: 11,
  getChildren2: 12,
  check: 13,
  multi: 14,
  create2: 15,
  reconfig: 16,
  checkWatches: 17,
  removeWatches: 18,
  createContainer: 19,
  deleteContainer: 20,
  createTTL: 21,
  multiRead: 22,
  auth: 100,
  setWatches: 101,
  sasl: 102,
  getEphemerals: 103,
  getAllChildrenNumber: 104,
  setWatches2: 105,
  addWatch: 106,
  whoAmI: 107,
  createSession: -10,
  closeSession: -11,
  error: -1,
} as const;
export type OpCode = (typeof OpCode)[keyof typeof OpCode];

/** Reserved xids the server uses for replies that answer no numbered request (ClientCnxn). */
export const SpecialXid = {
  notification: -1,
  ping: -2,
  auth: -4,
  setWatches: -8,
} as const;

/**
 * How a node is created (ZooKeeper's CreateMode): the `mode` option of `create`, an alternative to its
 * `ephemeral`/`sequential`/`container`/`ttl` options. EPHEMERAL nodes go with the session that made them;
 * SEQUENTIAL ones get a 10-digit counter appended; CONTAINER ones are deleted by the server once their last
 * child is gone; the WITH_TTL ones (with `ttl`, on a server with extendedTypesEnabled) once they have had
 * no child and no change for `ttl` ms.
 *
 * An explicit union (not derived from the wire table) so the reference can show it.
 *
 * @example
 * zk.create('/jobs/job-', 'payload', { mode: 'PERSISTENT_SEQUENTIAL' }).subscribe(console.log); // '/jobs/job-0000000000'
 */
export type CreateMode =
  | 'PERSISTENT'
  | 'EPHEMERAL'
  | 'PERSISTENT_SEQUENTIAL'
  | 'EPHEMERAL_SEQUENTIAL'
  | 'CONTAINER'
  | 'PERSISTENT_WITH_TTL'
  | 'PERSISTENT_SEQUENTIAL_WITH_TTL';

/** Node creation flags (CreateMode.toFlag). */
export const CreateFlag = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
  CONTAINER: 4,
  PERSISTENT_WITH_TTL: 5,
  PERSISTENT_SEQUENTIAL_WITH_TTL: 6,
} as const satisfies Record<CreateMode, number>; // the table and the union above must name the same modes

/** Watcher event types (Watcher.Event.EventType). */
export const EventType = {
  None: -1,
  NodeCreated: 1,
  NodeDeleted: 2,
  NodeDataChanged: 3,
  NodeChildrenChanged: 4,
  DataWatchRemoved: 5,
  ChildWatchRemoved: 6,
  PersistentWatchRemoved: 7,
} as const;

/**
 * Which watches `removeWatches` removes (ZooKeeper's Watcher.WatcherType): the data watches (set by
 * `get`/`exists`), the child watches (set by `getChildren`), or both.
 *
 * @example
 * zk.removeWatches('/app/config', 'DATA').subscribe();
 */
export type WatcherTypeName = 'CHILDREN' | 'DATA' | 'ANY';

/** Watcher types of removeWatches / checkWatches (Watcher.WatcherType). */
export const WatcherType = { CHILDREN: 1, DATA: 2, ANY: 3 } as const satisfies Record<WatcherTypeName, number>;

/** Modes of addWatch (AddWatchMode). */
export const AddWatchMode = { PERSISTENT: 0, PERSISTENT_RECURSIVE: 1 } as const;

/**
 * Permission bits of an ACL (ZooDefs.Perms), to combine with `|` in an Acl's `perms`.
 *
 * @example
 * const acl = [makeAcl('digest', digestCredential('alice', 'secret'), Perms.READ | Perms.WRITE)];
 */
export const Perms = {
  /** Read the node's data and list its children (`get`, `getChildren`). */
  READ: 1,
  /** Set the node's data (`set`). */
  WRITE: 2,
  /** Create children of the node. */
  CREATE: 4,
  /** Delete children of the node. */
  DELETE: 8,
  /** Set the node's ACL (`setAcl`). */
  ADMIN: 16,
  /** All of the above. */
  ALL: 31,
} as const;
