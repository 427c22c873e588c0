// Every client operation against a real ZooKeeper 3.8: its success path and each error the server can answer it with.
import { randomBytes } from 'node:crypto';
import {
  BadVersionError,
  CREATOR_ALL_ACL,
  InvalidACLError,
  NoAuthError,
  NoChildrenForEphemeralsError,
  NodeExistsError,
  NoNodeError,
  NotEmptyError,
  NoWatcherError,
  OPEN_ACL_UNSAFE,
  Perms,
  READ_ACL_UNSAFE,
  RolledBackError,
  UnimplementedError,
  AuthFailedError,
  makeAcl,
  makeDigestAcl,
  type CreateMode,
  type Stat,
  type WatchedEvent,
  type ZooKeeperClient,
} from '../../src';
import { one, done, clientPool } from '../support/fixtures';
import { startZooKeeper, waitFor, type StartedZooKeeper } from '../../src/testing';

let zkServer: StartedZooKeeper;
const { connect, closeAll } = clientPool(() => zkServer.connectString);
let zk: ZooKeeperClient;



let counter = 0;
/** A fresh root path for one test, created empty. */
async function root(name: string): Promise<string> {
  const path = `/t-${name}-${++counter}`;
  await one(zk.create(path));
  return path;
}

/** Stat of a node seen by a second, independent session. */
async function existsFromOutside(path: string): Promise<Stat | null> {
  const other = await connect();
  try {
    return await one(other.exists(path));
  } finally {
    await other.close();
  }
}

beforeAll(async () => {
  zkServer = await startZooKeeper();
});

afterAll(async () => {
  await zkServer?.stop();
});

beforeEach(async () => {
  zk = await connect();
});

afterEach(async () => {
  await closeAll();
});

describe('create', () => {
  it('creates a persistent node holding the data and emits its path', async () => {
    const base = await root('create');
    expect(await one(zk.create(`${base}/a`, 'hello'))).toBe(`${base}/a`);
    const { data, stat } = await one(zk.get(`${base}/a`));
    expect(data.toString()).toBe('hello');
    expect(stat).toMatchObject({ version: 0, dataLength: 5, numChildren: 0, ephemeralOwner: 0n });
    expect((await existsFromOutside(`${base}/a`))?.ephemeralOwner).toBe(0n);
  });

  it('stores no data as empty, and Buffer, Uint8Array views and strings byte for byte', async () => {
    const base = await root('create-data');
    await one(zk.create(`${base}/none`));
    expect((await one(zk.get(`${base}/none`))).data.length).toBe(0);

    const bytes = randomBytes(64);
    await one(zk.create(`${base}/buffer`, bytes));
    expect((await one(zk.get(`${base}/buffer`))).data.equals(bytes)).toBe(true);

    // A view into a larger buffer: only the viewed bytes are data.
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + 10, 7);
    await one(zk.create(`${base}/view`, view));
    expect((await one(zk.get(`${base}/view`))).data.equals(bytes.subarray(10, 17))).toBe(true);

    await one(zk.create(`${base}/string`, 'grüße ✓'));
    expect((await one(zk.get(`${base}/string`))).data).toEqual(Buffer.from('grüße ✓', 'utf8'));
  });

  it('accepts every name ZooKeeper accepts: non-ASCII, spaces, dots inside names', async () => {
    const base = await root('create-names');
    const names = ['grüße ✓', 'with space', 'a.b', '..a', 'a..', '...', '.hidden', '日本語', 'x\u00a0y'];
    for (const name of names) expect(await one(zk.create(`${base}/${name}`, name))).toBe(`${base}/${name}`);
    expect((await one(zk.getChildren(base))).sort()).toEqual([...names].sort());
    for (const name of names) expect((await one(zk.get(`${base}/${name}`))).data.toString()).toBe(name);
  });

  it('fails with NoNodeError when the parent is missing, and creates nothing', async () => {
    const base = await root('create-nonode');
    await expect(one(zk.create(`${base}/missing/child`, 'x'))).rejects.toMatchObject({
      constructor: NoNodeError,
      path: `${base}/missing/child`,
    });
    expect(await one(zk.getChildren(base))).toEqual([]);
  });

  it('fails with NodeExistsError for an existing node, leaving its data alone', async () => {
    const base = await root('create-exists');
    await one(zk.create(`${base}/a`, 'first'));
    await expect(one(zk.create(`${base}/a`, 'second'))).rejects.toBeInstanceOf(NodeExistsError);
    expect((await one(zk.get(`${base}/a`))).data.toString()).toBe('first');
  });

  it('fails with NoChildrenForEphemeralsError under an ephemeral node', async () => {
    const base = await root('create-ephemeral-parent');
    await one(zk.create(`${base}/e`, '', { ephemeral: true }));
    await expect(one(zk.create(`${base}/e/child`))).rejects.toBeInstanceOf(NoChildrenForEphemeralsError);
  });

  it('fails with InvalidACLError for an unknown scheme, and for the auth scheme without credentials', async () => {
    const base = await root('create-invalid-acl');
    await expect(one(zk.create(`${base}/bogus`, '', { acl: [makeAcl('bogus', 'x', Perms.ALL)] }))).rejects.toBeInstanceOf(
      InvalidACLError,
    );
    await expect(one(zk.create(`${base}/creator`, '', { acl: CREATOR_ALL_ACL }))).rejects.toBeInstanceOf(InvalidACLError);
    expect(await one(zk.getChildren(base))).toEqual([]);
  });

  it('fails with NoAuthError under a parent without CREATE permission', async () => {
    const base = await root('create-noauth');
    await one(zk.create(`${base}/ro`, '', { acl: READ_ACL_UNSAFE }));
    await expect(one(zk.create(`${base}/ro/child`))).rejects.toBeInstanceOf(NoAuthError);
    expect(await one(zk.getChildren(`${base}/ro`))).toEqual([]);
  });

  it('creates an ephemeral node owned by the session, gone when the session closes', async () => {
    const base = await root('create-ephemeral');
    const owner = await connect();
    const path = await one(owner.create(`${base}/e`, 'x', { ephemeral: true }));
    expect(path).toBe(`${base}/e`);
    const stat = await one(zk.exists(path));
    expect(stat?.ephemeralOwner).toBe(owner.session!.id);
    expect(stat?.ephemeralOwner).not.toBe(zk.session!.id);
    await owner.close();
    expect(await one(zk.exists(path))).toBeNull();
  });

  it('appends a 10-digit sequence number to sequential nodes, counting up per parent', async () => {
    const base = await root('create-sequential');
    const first = await one(zk.create(`${base}/s-`, 'a', { sequential: true }));
    const second = await one(zk.create(`${base}/s-`, 'b', { sequential: true }));
    const other = await one(zk.create(`${base}/other-`, 'c', { sequential: true }));
    expect(first).toMatch(new RegExp(`^${base}/s-\\d{10}$`));
    expect(second).toMatch(new RegExp(`^${base}/s-\\d{10}$`));
    expect(Number(second.slice(-10))).toBe(Number(first.slice(-10)) + 1);
    expect(Number(other.slice(-10))).toBe(Number(second.slice(-10)) + 1);
    expect((await one(zk.get(second))).data.toString()).toBe('b');
    // A sequential path may end with '/': the name is the number alone.
    const bare = await one(zk.create(`${base}/`, '', { sequential: true }));
    expect(bare).toMatch(new RegExp(`^${base}/\\d{10}$`));
  });

  it('creates ephemeral sequential nodes', async () => {
    const base = await root('create-ephemeral-sequential');
    const path = await one(zk.create(`${base}/lock-`, '', { ephemeral: true, sequential: true }));
    expect(path).toMatch(new RegExp(`^${base}/lock-\\d{10}$`));
    expect((await one(zk.exists(path)))?.ephemeralOwner).toBe(zk.session!.id);
  });

  it.each<[CreateMode, { ephemeral: boolean; sequential: boolean }]>([
    ['PERSISTENT', { ephemeral: false, sequential: false }],
    ['EPHEMERAL', { ephemeral: true, sequential: false }],
    ['PERSISTENT_SEQUENTIAL', { ephemeral: false, sequential: true }],
    ['EPHEMERAL_SEQUENTIAL', { ephemeral: true, sequential: true }],
    ['CONTAINER', { ephemeral: false, sequential: false }],
    ['PERSISTENT_WITH_TTL', { ephemeral: false, sequential: false }],
    ['PERSISTENT_SEQUENTIAL_WITH_TTL', { ephemeral: false, sequential: true }],
  ])('mode %s creates the matching node', async (mode, expected) => {
    const base = await root(`mode-${mode}`);
    const ttl = mode.endsWith('_WITH_TTL') ? 60_000 : undefined;
    const path = await one(zk.create(`${base}/n-`, 'x', { mode, ttl }));
    expect(path).toMatch(new RegExp(`^${base}/n-${expected.sequential ? '\\d{10}' : ''}$`));
    const stat = await one(zk.exists(path));
    expect(stat).not.toBeNull();
    if (expected.ephemeral) expect(stat!.ephemeralOwner).toBe(zk.session!.id);
    else expect(stat!.ephemeralOwner === zk.session!.id).toBe(false);
    // The session closing removes ephemerals only.
    await zk.close();
    expect((await existsFromOutside(path)) === null).toBe(expected.ephemeral);
  });

  it('creates a TTL node that the server removes once its TTL has passed without changes', async () => {
    const base = await root('create-ttl');
    const short = await one(zk.create(`${base}/ttl`, 'x', { ttl: 500 }));
    const seq = await one(zk.create(`${base}/ttl-seq-`, 'x', { ttl: 500, sequential: true }));
    const kept = await one(zk.create(`${base}/persistent`, 'x'));
    expect(seq).toMatch(/-\d{10}$/);
    expect(await one(zk.exists(short))).not.toBeNull();
    // The server checks TTLs on the container interval, which the harness sets to 1 s.
    await waitFor(async () => (await one(zk.getChildren(base))).length === 1 || undefined, { timeout: 10_000, interval: 100 });
    expect(await one(zk.getChildren(base))).toEqual(['persistent']);
    expect(await one(zk.exists(kept))).not.toBeNull();
  });

  it('creates a container that the server reaps once its last child is gone', async () => {
    const base = await root('create-container');
    const { path, stat } = await one(zk.createWithStat(`${base}/c`, 'x', { container: true }));
    expect(path).toBe(`${base}/c`);
    expect(stat.version).toBe(0);
    await one(zk.create(`${base}/c/child`));
    // A reaper pass (every 1 s) keeps it while it has a child.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await one(zk.exists(path))).not.toBeNull();
    await done(zk.delete(`${base}/c/child`));
    await waitFor(async () => ((await one(zk.exists(path))) === null ? true : undefined), { timeout: 10_000, interval: 100 });
    expect(await one(zk.exists(base))).not.toBeNull();
  });

  it('createWithStat emits the path and the stat the server holds', async () => {
    const base = await root('create-with-stat');
    const { path, stat } = await one(zk.createWithStat(`${base}/s-`, 'abc', { sequential: true }));
    expect(path).toMatch(/\/s-\d{10}$/);
    expect(stat).toEqual(await one(zk.exists(path)));
    expect(stat.dataLength).toBe(3);
    await expect(one(zk.createWithStat(path, 'again'))).rejects.toBeInstanceOf(NodeExistsError);
    await expect(one(zk.createWithStat(`${base}/no/parent`))).rejects.toBeInstanceOf(NoNodeError);
  });

  it('makePath creates the missing parents (persistent, with the same ACL), then the node', async () => {
    const base = await root('create-makepath');
    const acl = [makeAcl('world', 'anyone', Perms.READ | Perms.CREATE | Perms.DELETE | Perms.WRITE)];
    const path = await one(zk.create(`${base}/a/b/c`, 'leaf', { makePath: true, acl, ephemeral: true }));
    expect(path).toBe(`${base}/a/b/c`);
    expect((await one(zk.get(path))).data.toString()).toBe('leaf');
    for (const parent of [`${base}/a`, `${base}/a/b`]) {
      const { acl: parentAcl, stat } = await one(zk.getAcl(parent));
      expect(parentAcl).toEqual(acl);
      expect(stat.ephemeralOwner).toBe(0n);
    }
    expect((await one(zk.exists(path)))?.ephemeralOwner).toBe(zk.session!.id);
    // Existing parents are fine; the node itself still must not exist.
    expect(await one(zk.create(`${base}/a/b/d`, '', { makePath: true }))).toBe(`${base}/a/b/d`);
    await expect(one(zk.create(path, '', { makePath: true }))).rejects.toBeInstanceOf(NodeExistsError);
  });

  it('protected creates put a unique _c_<uuid>- prefix in the name', async () => {
    const base = await root('create-protected');
    const path = await one(zk.create(`${base}/lock-`, 'me', { protected: true, ephemeral: true, sequential: true }));
    expect(path).toMatch(new RegExp(`^${base}/_c_[0-9a-f-]{36}-lock-\\d{10}$`));
    expect((await one(zk.get(path))).data.toString()).toBe('me');
    const second = await one(zk.createWithStat(`${base}/lock-`, '', { protected: true }));
    const prefixOf = (p: string) => /_c_[0-9a-f-]{36}-/.exec(p)?.[0];
    expect(prefixOf(second.path)).toBeDefined();
    expect(prefixOf(second.path)).not.toBe(prefixOf(path));
    expect(second.path).toMatch(/-lock-$/);
    expect(second.stat).toEqual(await one(zk.exists(second.path)));
    expect((await one(zk.getChildren(base))).sort()).toEqual([path, second.path].map((p) => p.slice(base.length + 1)).sort());
  });
});

describe('ensurePath', () => {
  it('creates every missing node of a path and succeeds when it exists already', async () => {
    const base = await root('ensure');
    expect(await done(zk.ensurePath(`${base}/a/b/c`))).toBeUndefined();
    expect(await one(zk.getChildren(`${base}/a/b`))).toEqual(['c']);
    const before = await one(zk.exists(`${base}/a/b/c`));
    expect(await done(zk.ensurePath(`${base}/a/b/c`))).toBeUndefined();
    expect(await one(zk.exists(`${base}/a/b/c`))).toEqual(before);
    expect(await done(zk.ensurePath('/'))).toBeUndefined();
  });

  it('applies the ACL it is given to the nodes it creates', async () => {
    const base = await root('ensure-acl');
    const acl = [makeAcl('world', 'anyone', Perms.READ | Perms.CREATE)];
    await done(zk.ensurePath(`${base}/x/y`, acl));
    expect((await one(zk.getAcl(`${base}/x`))).acl).toEqual(acl);
    expect((await one(zk.getAcl(`${base}/x/y`))).acl).toEqual(acl);
  });

  it('fails with NoAuthError where it may not create, and with NoChildrenForEphemeralsError under an ephemeral', async () => {
    const base = await root('ensure-errors');
    await one(zk.create(`${base}/ro`, '', { acl: READ_ACL_UNSAFE }));
    await expect(done(zk.ensurePath(`${base}/ro/a/b`))).rejects.toBeInstanceOf(NoAuthError);
    await one(zk.create(`${base}/e`, '', { ephemeral: true }));
    await expect(done(zk.ensurePath(`${base}/e/a`))).rejects.toBeInstanceOf(NoChildrenForEphemeralsError);
  });
});

describe('reads', () => {
  it('get emits data and stat; NoNodeError for a missing node', async () => {
    const base = await root('get');
    await one(zk.create(`${base}/a`, 'value'));
    await one(zk.set(`${base}/a`, 'value2'));
    const { data, stat } = await one(zk.get(`${base}/a`));
    expect(data.toString()).toBe('value2');
    expect(stat.version).toBe(1);
    expect(stat.mtime).toBeGreaterThanOrEqual(stat.ctime);
    expect(stat.mzxid).toBeGreaterThan(stat.czxid);
    await expect(one(zk.get(`${base}/missing`))).rejects.toMatchObject({ constructor: NoNodeError, path: `${base}/missing` });
  });

  it('exists emits the stat, or null for a missing node', async () => {
    const base = await root('exists');
    const { stat } = await one(zk.createWithStat(`${base}/a`, '12345'));
    expect(await one(zk.exists(`${base}/a`))).toEqual(stat);
    expect(await one(zk.exists(`${base}/missing`))).toBeNull();
    expect(await one(zk.exists(`${base}/missing/deeper`))).toBeNull();
  });

  it('getChildren and getChildrenWithStat list the children; NoNodeError for a missing node', async () => {
    const base = await root('children');
    for (const name of ['c', 'a', 'b']) await one(zk.create(`${base}/${name}`));
    await one(zk.create(`${base}/a/grandchild`));
    expect((await one(zk.getChildren(base))).sort()).toEqual(['a', 'b', 'c']);
    const { children, stat } = await one(zk.getChildrenWithStat(base));
    expect(children.sort()).toEqual(['a', 'b', 'c']);
    expect(stat).toMatchObject({ numChildren: 3, cversion: 3 });
    expect(stat).toEqual(await one(zk.exists(base)));
    expect(await one(zk.getChildren(`${base}/b`))).toEqual([]);
    await expect(one(zk.getChildren(`${base}/missing`))).rejects.toBeInstanceOf(NoNodeError);
    await expect(one(zk.getChildrenWithStat(`${base}/missing`))).rejects.toBeInstanceOf(NoNodeError);
  });

  it('reads fail with NoAuthError on a node the session may not read', async () => {
    const base = await root('reads-noauth');
    await one(zk.create(`${base}/secret`, 's', { acl: [makeDigestAcl('alice', 'pw', Perms.ALL)] }));
    await expect(one(zk.get(`${base}/secret`))).rejects.toBeInstanceOf(NoAuthError);
    await expect(one(zk.getChildren(`${base}/secret`))).rejects.toBeInstanceOf(NoAuthError);
    await expect(one(zk.getChildrenWithStat(`${base}/secret`))).rejects.toBeInstanceOf(NoAuthError);
    // exists needs no permission (ZooKeeper checks none for it).
    expect(await one(zk.exists(`${base}/secret`))).not.toBeNull();
  });

  it('getAllChildrenNumber counts every descendant; NoNodeError for a missing node', async () => {
    const base = await root('all-children');
    expect(await one(zk.getAllChildrenNumber(base))).toBe(0);
    await done(zk.ensurePath(`${base}/a/b/c`));
    await one(zk.create(`${base}/a/d`));
    await one(zk.create(`${base}/e`));
    expect(await one(zk.getAllChildrenNumber(base))).toBe(5);
    expect(await one(zk.getAllChildrenNumber(`${base}/a`))).toBe(3);
    await expect(one(zk.getAllChildrenNumber(`${base}/missing`))).rejects.toBeInstanceOf(NoNodeError);
  });

  it("getEphemerals lists this session's ephemerals under a prefix only", async () => {
    const base = await root('ephemerals');
    const other = await connect();
    await one(zk.create(`${base}/mine`, '', { ephemeral: true }));
    const seq = await one(zk.create(`${base}/seq-`, '', { ephemeral: true, sequential: true }));
    await one(zk.create(`${base}/persistent`));
    await one(zk.create(`${base}/persistent/mine2`, '', { ephemeral: true }));
    await one(other.create(`${base}/theirs`, '', { ephemeral: true }));
    expect((await one(zk.getEphemerals(base))).sort()).toEqual([`${base}/mine`, `${base}/persistent/mine2`, seq].sort());
    expect(await one(zk.getEphemerals(`${base}/persistent`))).toEqual([`${base}/persistent/mine2`]);
    expect((await one(zk.getEphemerals())).filter((p) => p.startsWith(base)).length).toBe(3);
    expect(await one(other.getEphemerals(base))).toEqual([`${base}/theirs`]);
    expect(await one(zk.getEphemerals(`${base}/nothing-here`))).toEqual([]);
  });

  it('sync emits the path once the server has caught up', async () => {
    const base = await root('sync');
    const writer = await connect();
    await one(writer.create(`${base}/a`, 'x'));
    expect(await one(zk.sync(`${base}/a`))).toBe(`${base}/a`);
    expect((await one(zk.get(`${base}/a`))).data.toString()).toBe('x');
  });

  it('sync of a missing node: the server answers with the path all the same', async () => {
    const base = await root('sync-missing');
    expect(await one(zk.sync(`${base}/missing`))).toBe(`${base}/missing`);
  });
});

describe('set', () => {
  it('replaces the data and emits the new stat; with a matching version too', async () => {
    const base = await root('set');
    await one(zk.create(`${base}/a`, 'v0'));
    const stat1 = await one(zk.set(`${base}/a`, 'v1'));
    expect(stat1).toMatchObject({ version: 1, dataLength: 2 });
    const stat2 = await one(zk.set(`${base}/a`, Buffer.from('v2!'), 1));
    expect(stat2).toMatchObject({ version: 2, dataLength: 3 });
    expect(stat2).toEqual(await one(zk.exists(`${base}/a`)));
    expect((await one(zk.get(`${base}/a`))).data.toString()).toBe('v2!');
    await one(zk.set(`${base}/a`, ''));
    expect((await one(zk.get(`${base}/a`))).data.length).toBe(0);
  });

  it('fails with BadVersionError, NoNodeError and NoAuthError, changing nothing', async () => {
    const base = await root('set-errors');
    await one(zk.create(`${base}/a`, 'v0'));
    await expect(one(zk.set(`${base}/a`, 'x', 5))).rejects.toMatchObject({ constructor: BadVersionError, path: `${base}/a` });
    await expect(one(zk.set(`${base}/missing`, 'x'))).rejects.toBeInstanceOf(NoNodeError);
    await one(zk.create(`${base}/ro`, 'r', { acl: READ_ACL_UNSAFE }));
    await expect(one(zk.set(`${base}/ro`, 'x'))).rejects.toBeInstanceOf(NoAuthError);
    expect((await one(zk.get(`${base}/a`))).data.toString()).toBe('v0');
    expect((await one(zk.get(`${base}/ro`))).data.toString()).toBe('r');
  });
});

describe('delete', () => {
  it('deletes a node, with any version or the matching one', async () => {
    const base = await root('delete');
    await one(zk.create(`${base}/a`));
    await one(zk.create(`${base}/b`));
    await one(zk.set(`${base}/b`, 'x'));
    expect(await done(zk.delete(`${base}/a`))).toBeUndefined();
    expect(await done(zk.delete(`${base}/b`, { version: 1 }))).toBeUndefined();
    expect(await one(zk.getChildren(base))).toEqual([]);
  });

  it('fails with NoNodeError, BadVersionError, NotEmptyError and NoAuthError, deleting nothing', async () => {
    const base = await root('delete-errors');
    await expect(done(zk.delete(`${base}/missing`))).rejects.toBeInstanceOf(NoNodeError);
    await one(zk.create(`${base}/a`));
    await expect(done(zk.delete(`${base}/a`, { version: 3 }))).rejects.toBeInstanceOf(BadVersionError);
    await one(zk.create(`${base}/a/child`));
    await expect(done(zk.delete(`${base}/a`))).rejects.toBeInstanceOf(NotEmptyError);
    // Deleting needs DELETE on the parent.
    await one(zk.create(`${base}/nodelete`, '', { acl: [makeAcl('world', 'anyone', Perms.ALL & ~Perms.DELETE)] }));
    await one(zk.create(`${base}/nodelete/child`));
    await expect(done(zk.delete(`${base}/nodelete/child`))).rejects.toBeInstanceOf(NoAuthError);
    expect((await one(zk.getChildren(base))).sort()).toEqual(['a', 'nodelete']);
    expect(await one(zk.getChildren(`${base}/a`))).toEqual(['child']);
    expect(await one(zk.getChildren(`${base}/nodelete`))).toEqual(['child']);
  });

  it('recursive deletes a node and its whole subtree', async () => {
    const base = await root('delete-recursive');
    await done(zk.ensurePath(`${base}/tree/a/b/c`));
    for (let i = 0; i < 150; i++) await one(zk.create(`${base}/tree/a/n${i}`, String(i)));
    await one(zk.create(`${base}/tree/e`, '', { ephemeral: true }));
    await one(zk.create(`${base}/sibling`));
    expect(await done(zk.delete(`${base}/tree`, { recursive: true }))).toBeUndefined();
    expect(await one(zk.exists(`${base}/tree`))).toBeNull();
    expect(await one(zk.getChildren(base))).toEqual(['sibling']);
  });

  it('recursive delete of a missing node completes without error, as kazoo does', async () => {
    const base = await root('delete-recursive-missing');
    expect(await done(zk.delete(`${base}/missing`, { recursive: true }))).toBeUndefined();
    expect(await one(zk.exists(base))).not.toBeNull();
  });

  it('recursive delete with a version: deletes the tree when it matches, and nothing when it does not', async () => {
    const base = await root('delete-recursive-version');
    await done(zk.ensurePath(`${base}/tree/a/b`));
    await one(zk.set(`${base}/tree`, 'v1'));
    await expect(done(zk.delete(`${base}/tree`, { recursive: true, version: 0 }))).rejects.toBeInstanceOf(BadVersionError);
    expect(await one(zk.getAllChildrenNumber(`${base}/tree`))).toBe(2);
    expect(await done(zk.delete(`${base}/tree`, { recursive: true, version: 1 }))).toBeUndefined();
    expect(await one(zk.exists(`${base}/tree`))).toBeNull();
  });

  it('concurrent ensurePath and recursive deletes of the same tree all succeed', async () => {
    const base = await root('tree-concurrent');
    await Promise.all(Array.from({ length: 20 }, () => done(zk.ensurePath(`${base}/a/b/c/d`))));
    expect(await one(zk.getAllChildrenNumber(base))).toBe(4);
    await Promise.all(Array.from({ length: 5 }, () => done(zk.delete(`${base}/a`, { recursive: true }))));
    expect(await one(zk.getChildren(base))).toEqual([]);
  });

  it('recursive delete fails with NoAuthError where it may not delete', async () => {
    const base = await root('delete-recursive-noauth');
    await one(zk.create(`${base}/locked`, '', { acl: [makeAcl('world', 'anyone', Perms.ALL & ~Perms.DELETE)] }));
    await one(zk.create(`${base}/locked/child`));
    await expect(done(zk.delete(`${base}/locked`, { recursive: true }))).rejects.toBeInstanceOf(NoAuthError);
    expect(await one(zk.getChildren(`${base}/locked`))).toEqual(['child']);
  });
});

describe('ACLs and authentication', () => {
  it('getAcl and setAcl read and replace an ACL; setAcl checks the ACL version', async () => {
    const base = await root('acl');
    await one(zk.create(`${base}/a`));
    const before = await one(zk.getAcl(`${base}/a`));
    expect(before.acl).toEqual(OPEN_ACL_UNSAFE);
    expect(before.stat.aversion).toBe(0);
    const acl = [makeAcl('world', 'anyone', Perms.READ | Perms.ADMIN), makeAcl('ip', '127.0.0.1', Perms.ALL)];
    const stat = await one(zk.setAcl(`${base}/a`, acl, 0));
    expect(stat.aversion).toBe(1);
    const after = await one(zk.getAcl(`${base}/a`));
    expect(after.acl).toEqual(acl);
    expect(after.stat).toEqual(stat);
    await expect(one(zk.setAcl(`${base}/a`, OPEN_ACL_UNSAFE, 0))).rejects.toBeInstanceOf(BadVersionError);
    expect((await one(zk.getAcl(`${base}/a`))).acl).toEqual(acl);
  });

  it('getAcl and setAcl fail with NoNodeError; setAcl with InvalidACLError and NoAuthError', async () => {
    const base = await root('acl-errors');
    await expect(one(zk.getAcl(`${base}/missing`))).rejects.toBeInstanceOf(NoNodeError);
    await expect(one(zk.setAcl(`${base}/missing`, OPEN_ACL_UNSAFE))).rejects.toBeInstanceOf(NoNodeError);
    await one(zk.create(`${base}/a`));
    await expect(one(zk.setAcl(`${base}/a`, [makeAcl('bogus', 'x', Perms.ALL)]))).rejects.toBeInstanceOf(InvalidACLError);
    await expect(one(zk.setAcl(`${base}/a`, [makeAcl('digest', 'no-colon-here', Perms.ALL)]))).rejects.toBeInstanceOf(
      InvalidACLError,
    );
    // setAcl needs ADMIN.
    await one(zk.create(`${base}/noadmin`, '', { acl: [makeAcl('world', 'anyone', Perms.ALL & ~Perms.ADMIN)] }));
    await expect(one(zk.setAcl(`${base}/noadmin`, OPEN_ACL_UNSAFE))).rejects.toBeInstanceOf(NoAuthError);
    expect((await one(zk.getAcl(`${base}/a`))).acl).toEqual(OPEN_ACL_UNSAFE);
  });

  it('a digest ACL refuses a session without the credential (NoAuth) and admits it after addAuth', async () => {
    const base = await root('digest');
    const acl = [makeDigestAcl('user', 'pass', Perms.ALL)];
    await one(zk.create(`${base}/guarded`, 'secret', { acl }));
    const other = await connect();
    await expect(one(other.get(`${base}/guarded`))).rejects.toBeInstanceOf(NoAuthError);
    await expect(one(other.set(`${base}/guarded`, 'x'))).rejects.toBeInstanceOf(NoAuthError);
    await expect(done(other.addAuth('digest', 'user:wrong'))).resolves.toBeUndefined();
    await expect(one(other.get(`${base}/guarded`))).rejects.toBeInstanceOf(NoAuthError);
    expect(await done(other.addAuth('digest', 'user:pass'))).toBeUndefined();
    expect((await one(other.get(`${base}/guarded`))).data.toString()).toBe('secret');
    expect((await one(other.set(`${base}/guarded`, 'changed'))).version).toBe(1);
    expect(await one(other.getAcl(`${base}/guarded`))).toMatchObject({ acl });
  });

  it('CREATOR_ALL_ACL gives the creating identity every permission, and no one else any', async () => {
    const base = await root('creator-all');
    await done(zk.addAuth('digest', 'owner:pw'));
    await one(zk.create(`${base}/mine`, 'x', { acl: CREATOR_ALL_ACL }));
    expect((await one(zk.getAcl(`${base}/mine`))).acl).toEqual([makeDigestAcl('owner', 'pw', Perms.ALL)]);
    expect((await one(zk.get(`${base}/mine`))).data.toString()).toBe('x');
    const stranger = await connect();
    await expect(one(stranger.get(`${base}/mine`))).rejects.toBeInstanceOf(NoAuthError);
  });

  it('whoAmI lists the identities of the session, digest ones after addAuth', async () => {
    expect(await one(zk.whoAmI())).toEqual([{ scheme: 'ip', id: '127.0.0.1' }]);
    await done(zk.addAuth('digest', 'alice:secret'));
    await done(zk.addAuth('digest', Buffer.from('bob:other')));
    const ids = await one(zk.whoAmI());
    expect(ids).toEqual(
      expect.arrayContaining([
        { scheme: 'ip', id: '127.0.0.1' },
        { scheme: 'digest', id: 'alice' },
        { scheme: 'digest', id: 'bob' },
      ]),
    );
    expect(ids).toHaveLength(3);
  });

  it('addAuth with a scheme the server does not know fails with AuthFailedError; the client reconnects on the same session', async () => {
    const base = await root('addauth-unknown');
    await one(zk.create(`${base}/e`, '', { ephemeral: true }));
    const session = zk.session!.id;
    const states: string[] = [];
    const watching = zk.state$.subscribe((s) => states.push(s));
    await expect(done(zk.addAuth('no-such-scheme', 'x'))).rejects.toBeInstanceOf(AuthFailedError);
    // The server closes the connection after AUTHFAILED; the session itself lives on.
    await waitFor(() => (states.at(-1) === 'CONNECTED' && states.includes('SUSPENDED') ? true : undefined), {
      timeout: 10_000,
      interval: 20,
    });
    watching.unsubscribe();
    expect(states).toEqual(['CONNECTED', 'SUSPENDED', 'CONNECTED']);
    expect((await one(zk.exists(`${base}/e`)))?.ephemeralOwner).toBe(session);
    expect(zk.session!.id).toBe(session);
    expect((await one(zk.whoAmI())).map((i) => i.scheme)).toEqual(['ip']);
  });
});

describe('transaction', () => {
  it('applies create, set, check and delete together and reports each result', async () => {
    const base = await root('txn');
    await one(zk.create(`${base}/old`, 'o'));
    await one(zk.create(`${base}/kept`, 'k'));
    const results = await one(
      zk
        .transaction()
        .create(`${base}/new`, 'n')
        .create(`${base}/seq-`, 's', { sequential: true })
        .create(`${base}/eph`, '', { ephemeral: true })
        .set(`${base}/kept`, 'k2', 0)
        .check(`${base}/kept`, 1)
        .delete(`${base}/old`, 0)
        .commit(),
    );
    expect(results).toHaveLength(6);
    expect(results[0]).toEqual({ type: 'create', path: `${base}/new` });
    expect(results[1]).toMatchObject({ type: 'create', path: expect.stringMatching(/\/seq-\d{10}$/) });
    expect(results[2]).toEqual({ type: 'create', path: `${base}/eph` });
    expect(results[3]).toEqual({ type: 'set', stat: await one(zk.exists(`${base}/kept`)) });
    expect(results[4]).toEqual({ type: 'check' });
    expect(results[5]).toEqual({ type: 'delete' });
    expect((await one(zk.get(`${base}/new`))).data.toString()).toBe('n');
    expect((await one(zk.get(`${base}/kept`))).data.toString()).toBe('k2');
    expect((await one(zk.exists(`${base}/eph`)))?.ephemeralOwner).toBe(zk.session!.id);
    expect(await one(zk.exists(`${base}/old`))).toBeNull();
  });

  it('creates container and TTL nodes in a transaction, with their stats', async () => {
    const base = await root('txn-extended');
    const results = await one(
      zk.transaction().create(`${base}/c`, '', { container: true }).create(`${base}/t`, '', { ttl: 60_000 }).commit(),
    );
    expect(results).toEqual([
      { type: 'create', path: `${base}/c`, stat: await one(zk.exists(`${base}/c`)) },
      { type: 'create', path: `${base}/t`, stat: expect.objectContaining({ czxid: (await one(zk.exists(`${base}/t`)))!.czxid }) },
    ]);
  });

  it('an empty transaction commits with no results', async () => {
    expect(await one(zk.transaction().commit())).toEqual([]);
  });

  it.each([
    ['create of an existing node', NodeExistsError, (base: string) => ({ type: 'create' as const, path: `${base}/kept` })],
    ['set of a missing node', NoNodeError, (base: string) => ({ type: 'set' as const, path: `${base}/missing` })],
    ['check of a wrong version', BadVersionError, (base: string) => ({ type: 'check' as const, path: `${base}/kept` })],
    ['delete of a node with children', NotEmptyError, (base: string) => ({ type: 'delete' as const, path: `${base}/parent` })],
  ])('a failed %s applies nothing and reports failedIndex and every op’s outcome', async (_name, ErrorClass, failing) => {
    const base = await root('txn-fail');
    await one(zk.create(`${base}/kept`, 'k'));
    await one(zk.create(`${base}/parent`));
    await one(zk.create(`${base}/parent/child`));
    const bad = failing(base);
    const txn = zk.transaction().create(`${base}/first`, 'x').set(`${base}/kept`, 'changed');
    if (bad.type === 'create') txn.create(bad.path);
    else if (bad.type === 'set') txn.set(bad.path, 'y');
    else if (bad.type === 'check') txn.check(bad.path, 7);
    else txn.delete(bad.path);
    txn.delete(`${base}/kept`);
    const error: unknown = await one(txn.commit()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RolledBackError);
    const rolledBack = error as RolledBackError;
    expect(rolledBack.failedIndex).toBe(2);
    expect(rolledBack.results).toHaveLength(4);
    expect(rolledBack.results[2]).toBeInstanceOf(ErrorClass);
    expect((rolledBack.results[2] as { path?: string }).path).toBe(bad.path);
    for (const i of [0, 1, 3]) {
      expect(rolledBack.results[i]).toBeInstanceOf(RolledBackError);
      expect(rolledBack.results[i]).not.toBeInstanceOf(ErrorClass);
    }
    expect(rolledBack.cause).toBe(rolledBack.results[2]);
    // Nothing was applied.
    expect(await one(zk.exists(`${base}/first`))).toBeNull();
    const kept = await one(zk.get(`${base}/kept`));
    expect(kept.data.toString()).toBe('k');
    expect(kept.stat.version).toBe(0);
    expect((await one(zk.getChildren(base))).sort()).toEqual(['kept', 'parent']);
  });

  it('a transaction is cold: each subscription sends it again', async () => {
    const base = await root('txn-cold');
    const commit = zk.transaction().create(`${base}/s-`, '', { sequential: true }).commit();
    expect(await one(zk.getChildren(base))).toEqual([]);
    const a = await one(commit);
    const b = await one(commit);
    expect(a[0]).not.toEqual(b[0]);
    expect(await one(zk.getChildren(base))).toHaveLength(2);
  });
});

describe('multiRead', () => {
  it('answers each read on its own: data, children, or that read’s error', async () => {
    const base = await root('multiread');
    await one(zk.create(`${base}/a`, 'A'));
    await one(zk.create(`${base}/a/x`));
    await one(zk.create(`${base}/secret`, 's', { acl: [makeDigestAcl('u', 'p', Perms.ALL)] }));
    const results = await one(
      zk.multiRead([
        { type: 'get', path: `${base}/a` },
        { type: 'getChildren', path: `${base}/a` },
        { type: 'get', path: `${base}/missing` },
        { type: 'getChildren', path: `${base}/missing` },
        { type: 'get', path: `${base}/secret` },
        { type: 'getChildren', path: base },
      ]),
    );
    expect(results).toHaveLength(6);
    const first = results[0] as { data: Buffer; stat: Stat };
    expect(first.data.toString()).toBe('A');
    expect(first.stat).toEqual(await one(zk.exists(`${base}/a`)));
    expect(results[1]).toEqual(['x']);
    expect(results[2]).toBeInstanceOf(NoNodeError);
    expect(results[2]).toMatchObject({ path: `${base}/missing` });
    expect(results[3]).toBeInstanceOf(NoNodeError);
    expect(results[4]).toBeInstanceOf(NoAuthError);
    expect((results[5] as string[]).sort()).toEqual(['a', 'secret']);
    expect(await one(zk.multiRead([]))).toEqual([]);
  });
});

describe('server information and administration', () => {
  it('getConfig emits the /zookeeper/config node', async () => {
    const config = await one(zk.getConfig());
    const direct = await one(zk.get('/zookeeper/config'));
    expect(config.data.equals(direct.data)).toBe(true);
    expect(config.stat).toEqual(direct.stat);
  });

  it('reconfig on a standalone server fails with the server’s UnimplementedError, even for the super user', async () => {
    await expect(one(zk.reconfig({ leaving: '1' }))).rejects.toBeInstanceOf(UnimplementedError);
    const superUser = zkServer.superUser!;
    await done(zk.addAuth('digest', `${superUser.username}:${superUser.password}`));
    await expect(one(zk.reconfig({ leaving: '1' }))).rejects.toBeInstanceOf(UnimplementedError);
    await expect(one(zk.reconfig({ joining: 'server.2=127.0.0.1:1:2:participant;127.0.0.1:3' }))).rejects.toBeInstanceOf(
      UnimplementedError,
    );
    expect(zk.state).toBe('CONNECTED');
  });

  it("serverVersion emits the server's version", async () => {
    expect(await one(zk.serverVersion())).toBe('3.8.0');
  });

  it('command sends a four-letter word to the connected server', async () => {
    expect(await one(zk.command('ruok'))).toBe('imok');
    const srvr = await one(zk.command('srvr'));
    expect(srvr).toMatch(/^Zookeeper version: 3\.8\.0/);
    expect(srvr).toMatch(/^Mode: standalone$/m);
    const cons = await one(zk.command('cons'));
    expect(cons).toContain(`sid=0x${zk.session!.id.toString(16)}`);
  });
});

describe('removeWatches', () => {
  it('fails with NoWatcherError when the session has no such watch', async () => {
    const base = await root('rw-none');
    await expect(done(zk.removeWatches(base, 'DATA'))).rejects.toBeInstanceOf(NoWatcherError);
    await expect(done(zk.removeWatches(base, 'CHILDREN'))).rejects.toBeInstanceOf(NoWatcherError);
    await expect(done(zk.removeWatches(base, 'ANY'))).rejects.toBeInstanceOf(NoWatcherError);
    // A data watch does not count for CHILDREN.
    await one(zk.get(base, { watch: () => undefined }));
    await expect(done(zk.removeWatches(base, 'CHILDREN'))).rejects.toBeInstanceOf(NoWatcherError);
  });

  it('removes a data watch on the server and tells its callback DataWatchRemoved', async () => {
    const base = await root('rw-data');
    const events: WatchedEvent[] = [];
    await one(zk.get(base, { watch: (e) => events.push(e) }));
    expect(await one(zk.command('wchp'))).toContain(base);
    expect(await done(zk.removeWatches(base, 'DATA'))).toBeUndefined();
    expect(events).toEqual([expect.objectContaining({ type: 'DataWatchRemoved', path: base })]);
    expect(await one(zk.command('wchp'))).not.toContain(base);
    // The removed watch no longer fires.
    await one(zk.set(base, 'changed'));
    await one(zk.sync(base));
    expect(events).toHaveLength(1);
    await expect(done(zk.removeWatches(base, 'DATA'))).rejects.toBeInstanceOf(NoWatcherError);
  });

  it('removes a child watch and tells its callback ChildWatchRemoved; ANY removes both kinds', async () => {
    const base = await root('rw-child');
    const events: WatchedEvent[] = [];
    await one(zk.getChildren(base, { watch: (e) => events.push(e) }));
    expect(await done(zk.removeWatches(base, 'CHILDREN'))).toBeUndefined();
    expect(events).toEqual([expect.objectContaining({ type: 'ChildWatchRemoved', path: base })]);
    await one(zk.create(`${base}/child`));
    await one(zk.sync(base));
    expect(events).toHaveLength(1);

    events.length = 0;
    await one(zk.exists(base, { watch: (e) => events.push(e) }));
    await one(zk.getChildrenWithStat(base, { watch: (e) => events.push(e) }));
    expect(await done(zk.removeWatches(base, 'ANY'))).toBeUndefined();
    expect(events.map((e) => e.type).sort()).toEqual(['ChildWatchRemoved', 'DataWatchRemoved']);
    expect(events.every((e) => e.path === base)).toBe(true);
    const mntr = await one(zk.command('mntr'));
    expect(mntr).toMatch(/^zk_watch_count\s+0$/m);
  });
});

describe('one-shot watches (the watch option)', () => {
  /** Changes made by the same session: their notifications arrive before the replies of later requests. */
  async function settle(path: string): Promise<void> {
    await one(zk.sync(path));
    await one(zk.exists(path));
  }

  it('get: NodeDataChanged once, however many changes follow', async () => {
    const base = await root('w-get');
    const events: WatchedEvent[] = [];
    await one(zk.get(base, { watch: (e) => events.push(e) }));
    await one(zk.set(base, '1'));
    await one(zk.set(base, '2'));
    await settle(base);
    expect(events).toEqual([expect.objectContaining({ type: 'NodeDataChanged', path: base })]);
  });

  it('get: NodeDeleted when the node goes', async () => {
    const base = await root('w-get-deleted');
    await one(zk.create(`${base}/a`));
    const events: WatchedEvent[] = [];
    await one(zk.get(`${base}/a`, { watch: (e) => events.push(e) }));
    await done(zk.delete(`${base}/a`));
    await one(zk.create(`${base}/a`));
    await settle(base);
    expect(events).toEqual([expect.objectContaining({ type: 'NodeDeleted', path: `${base}/a` })]);
  });

  it('exists on a missing node: NodeCreated once', async () => {
    const base = await root('w-exists');
    const events: WatchedEvent[] = [];
    expect(await one(zk.exists(`${base}/later`, { watch: (e) => events.push(e) }))).toBeNull();
    await one(zk.create(`${base}/later`));
    await one(zk.set(`${base}/later`, 'x'));
    await done(zk.delete(`${base}/later`));
    await settle(base);
    expect(events).toEqual([expect.objectContaining({ type: 'NodeCreated', path: `${base}/later` })]);
  });

  it('exists on an existing node: NodeDataChanged once', async () => {
    const base = await root('w-exists-data');
    const events: WatchedEvent[] = [];
    await one(zk.exists(base, { watch: (e) => events.push(e) }));
    await one(zk.set(base, 'x'));
    await one(zk.set(base, 'y'));
    await settle(base);
    expect(events).toEqual([expect.objectContaining({ type: 'NodeDataChanged', path: base })]);
  });

  it('getChildren: NodeChildrenChanged once; a data change does not fire it', async () => {
    const base = await root('w-children');
    const events: WatchedEvent[] = [];
    await one(zk.getChildren(base, { watch: (e) => events.push(e) }));
    await one(zk.set(base, 'data only'));
    await settle(base);
    expect(events).toEqual([]);
    await one(zk.create(`${base}/a`));
    await one(zk.create(`${base}/b`));
    await settle(base);
    expect(events).toEqual([expect.objectContaining({ type: 'NodeChildrenChanged', path: base })]);
  });

  it('getChildrenWithStat: NodeChildrenChanged once', async () => {
    const base = await root('w-children2');
    const events: WatchedEvent[] = [];
    await one(zk.getChildrenWithStat(base, { watch: (e) => events.push(e) }));
    await one(zk.create(`${base}/a`));
    await done(zk.delete(`${base}/a`));
    await settle(base);
    expect(events).toEqual([expect.objectContaining({ type: 'NodeChildrenChanged', path: base })]);
  });

  it('a change made by another session reaches the watch too', async () => {
    const base = await root('w-other');
    const other = await connect();
    const fired = new Promise<WatchedEvent>((resolve) => {
      void one(zk.get(base, { watch: resolve }));
    });
    await one(zk.sync(base));
    await one(other.set(base, 'from elsewhere'));
    expect(await fired).toMatchObject({ type: 'NodeDataChanged', path: base });
  });

  it('a read that fails sets no watch (get on a missing node)', async () => {
    const base = await root('w-failed');
    const events: WatchedEvent[] = [];
    await expect(one(zk.get(`${base}/missing`, { watch: (e) => events.push(e) }))).rejects.toBeInstanceOf(NoNodeError);
    await one(zk.create(`${base}/missing`));
    await settle(base);
    expect(events).toEqual([]);
    await expect(done(zk.removeWatches(`${base}/missing`, 'ANY'))).rejects.toBeInstanceOf(NoWatcherError);
  });
});
