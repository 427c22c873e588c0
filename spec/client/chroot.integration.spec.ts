// A chroot (the hosts suffix or the `chroot` option) and `defaultAcl`, against a real ZooKeeper 3.8.
import {
  NoAuthError,
  NodeExistsError,
  NoNodeError,
  OPEN_ACL_UNSAFE,
  Perms,
  RolledBackError,
  makeAcl,
  makeDigestAcl,
  type ClientOptions,
  type WatchedEvent,
  type ZooKeeperClient,
} from '../../src';
import { one, done, clientPool } from '../support/fixtures';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';

let zkServer: StartedZooKeeper;
const { connect, closeAll } = clientPool(() => zkServer.connectString);
/** A client without chroot, to see where things really went. */
let plain: ZooKeeperClient;



let counter = 0;

beforeAll(async () => {
  zkServer = await startZooKeeper();
});

afterAll(async () => {
  await zkServer?.stop();
});

beforeEach(async () => {
  plain = await connect();
});

afterEach(async () => {
  await closeAll();
});

describe.each([
  ['the hosts suffix', (chroot: string): Partial<ClientOptions> => ({ hosts: `${zkServer.connectString}${chroot}` })],
  ['the chroot option', (chroot: string): Partial<ClientOptions> => ({ chroot })],
])('chroot given by %s', (_how, optionsFor) => {
  let chroot: string;
  let zk: ZooKeeperClient;

  beforeEach(async () => {
    chroot = `/app-${++counter}`;
    await one(plain.create(chroot));
    zk = await connect(optionsFor(chroot));
  });

  it('creates, reads and lists relative to the chroot, and returns relative paths', async () => {
    expect(await one(zk.create('/a', 'data'))).toBe('/a');
    expect((await one(plain.get(`${chroot}/a`))).data.toString()).toBe('data');
    expect((await one(zk.get('/a'))).data.toString()).toBe('data');
    expect(await one(zk.getChildren('/'))).toEqual(['a']);
    expect((await one(zk.exists('/'))))!.toEqual(await one(plain.exists(chroot)));
    expect((await one(zk.createWithStat('/b', 'x'))).path).toBe('/b');
    expect(await one(zk.getAllChildrenNumber('/'))).toBe(2);
    // Nothing outside the chroot is reachable.
    expect(await one(zk.exists(chroot))).toBeNull();
    await expect(one(zk.get('/zookeeper'))).rejects.toBeInstanceOf(NoNodeError);
  });

  it('strips the chroot from sequential paths', async () => {
    const first = await one(zk.create('/s-', '', { sequential: true }));
    expect(first).toMatch(/^\/s-\d{10}$/);
    const eph = await one(zk.create('/e-', '', { sequential: true, ephemeral: true }));
    expect(eph).toMatch(/^\/e-\d{10}$/);
    expect(await one(plain.exists(`${chroot}${eph}`))).not.toBeNull();
    const { path } = await one(zk.createWithStat('/w-', '', { sequential: true }));
    expect(path).toMatch(/^\/w-\d{10}$/);
    // The root of the chroot as a sequential parent: the number lands inside it.
    const bare = await one(zk.create('/', '', { sequential: true }));
    expect(bare).toMatch(/^\/\d{10}$/);
    expect(await one(plain.exists(`${chroot}${bare}`))).not.toBeNull();
  });

  it('strips the chroot from protected and makePath creates', async () => {
    const made = await one(zk.create('/x/y/z', 'deep', { makePath: true }));
    expect(made).toBe('/x/y/z');
    expect((await one(plain.get(`${chroot}/x/y/z`))).data.toString()).toBe('deep');
    const guarded = await one(zk.create('/x/lock-', '', { protected: true, ephemeral: true, sequential: true }));
    expect(guarded).toMatch(/^\/x\/_c_[0-9a-f-]{36}-lock-\d{10}$/);
    expect(await one(plain.exists(`${chroot}${guarded}`))).not.toBeNull();
    await done(zk.ensurePath('/p/q'));
    expect(await one(plain.getChildren(`${chroot}/p`))).toEqual(['q']);
  });

  it('strips the chroot from transaction results, and names relative paths in its errors', async () => {
    await one(zk.create('/old'));
    const results = await one(
      zk.transaction().create('/t', 'x').create('/seq-', '', { sequential: true }).create('/c', '', { container: true }).delete('/old').commit(),
    );
    expect(results[0]).toEqual({ type: 'create', path: '/t' });
    expect(results[1]).toMatchObject({ type: 'create', path: expect.stringMatching(/^\/seq-\d{10}$/) });
    expect(results[2]).toMatchObject({ type: 'create', path: '/c' });
    expect(results[3]).toEqual({ type: 'delete' });
    expect(await one(plain.exists(`${chroot}/t`))).not.toBeNull();

    const error: unknown = await one(zk.transaction().create('/u').create('/t').commit()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RolledBackError);
    const { results: outcomes, failedIndex } = error as RolledBackError;
    expect(failedIndex).toBe(1);
    expect(outcomes[1]).toBeInstanceOf(NodeExistsError);
    expect(outcomes[1]).toMatchObject({ path: '/t' });
    expect(await one(zk.exists('/u'))).toBeNull();
  });

  it("getEphemerals lists the session's ephemerals inside the chroot, relative to it", async () => {
    await one(zk.create('/e1', '', { ephemeral: true }));
    await one(zk.create('/dir'));
    await one(zk.create('/dir/e2', '', { ephemeral: true }));
    // Another session's ephemerals, inside the chroot and in a sibling whose name starts like it.
    await one(plain.create(`${chroot}/theirs`, '', { ephemeral: true }));
    await one(plain.create(`${chroot}-sibling`));
    await one(plain.create(`${chroot}-sibling/x`, '', { ephemeral: true }));
    expect((await one(zk.getEphemerals())).sort()).toEqual(['/dir/e2', '/e1']);
    expect(await one(zk.getEphemerals('/dir'))).toEqual(['/dir/e2']);
    expect(await one(zk.getEphemerals('/nothing'))).toEqual([]);
  });

  it('sync emits the relative path', async () => {
    await one(zk.create('/a'));
    expect(await one(zk.sync('/a'))).toBe('/a');
    expect(await one(zk.sync('/'))).toBe('/');
  });

  it('watch events carry relative paths', async () => {
    await one(zk.create('/w'));
    const events: WatchedEvent[] = [];
    await one(zk.get('/w', { watch: (e) => events.push(e) }));
    await one(zk.getChildren('/', { watch: (e) => events.push(e) }));
    expect(await one(zk.exists('/later', { watch: (e) => events.push(e) }))).toBeNull();
    await one(plain.set(`${chroot}/w`, 'changed'));
    await one(plain.create(`${chroot}/later`));
    await one(zk.sync('/'));
    await one(zk.exists('/'));
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'NodeDataChanged', path: '/w' }),
        expect.objectContaining({ type: 'NodeChildrenChanged', path: '/' }),
        expect.objectContaining({ type: 'NodeCreated', path: '/later' }),
      ]),
    );
    expect(events).toHaveLength(3);
    // removeWatches works on relative paths and reports them.
    const removed: WatchedEvent[] = [];
    await one(zk.get('/w', { watch: (e) => removed.push(e) }));
    await done(zk.removeWatches('/w', 'DATA'));
    expect(removed).toEqual([expect.objectContaining({ type: 'DataWatchRemoved', path: '/w' })]);
  });

  it('errors name the relative path', async () => {
    await expect(one(zk.get('/missing'))).rejects.toMatchObject({ constructor: NoNodeError, path: '/missing' });
    await expect(done(zk.delete('/missing'))).rejects.toMatchObject({ path: '/missing' });
  });

  it('multiRead and recursive delete work inside the chroot', async () => {
    await done(zk.ensurePath('/tree/a/b'));
    await one(zk.set('/tree/a', 'A'));
    const results = await one(
      zk.multiRead([
        { type: 'get', path: '/tree/a' },
        { type: 'getChildren', path: '/tree' },
        { type: 'get', path: '/none' },
      ]),
    );
    expect((results[0] as { data: Buffer }).data.toString()).toBe('A');
    expect(results[1]).toEqual(['a']);
    expect(results[2]).toMatchObject({ constructor: NoNodeError, path: '/none' });
    await done(zk.delete('/tree', { recursive: true }));
    expect(await one(plain.exists(`${chroot}/tree`))).toBeNull();
    expect(await one(plain.exists(chroot))).not.toBeNull();
  });

  it('getConfig still reads /zookeeper/config outside the chroot', async () => {
    const config = await one(zk.getConfig());
    expect(config.stat).toEqual((await one(plain.get('/zookeeper/config'))).stat);
  });

  it('fails with NoNodeError when the chroot node does not exist', async () => {
    const lost = await connect(optionsFor(`/no-such-chroot-${counter}`));
    await expect(one(lost.create('/a'))).rejects.toBeInstanceOf(NoNodeError);
    expect(await one(lost.exists('/'))).toBeNull();
  });
});

describe('defaultAcl', () => {
  it('applies to creates that name no ACL: create, makePath parents, ensurePath, transactions', async () => {
    const base = `/t-default-acl-${++counter}`;
    await one(plain.create(base));
    const acl = [makeAcl('world', 'anyone', Perms.READ | Perms.CREATE | Perms.DELETE | Perms.ADMIN)];
    const zk = await connect({ defaultAcl: acl });
    await one(zk.create(`${base}/a`, 'x'));
    await one(zk.createWithStat(`${base}/b`));
    await one(zk.create(`${base}/p/q`, '', { makePath: true }));
    await done(zk.ensurePath(`${base}/e/f`));
    await one(zk.transaction().create(`${base}/t`).commit());
    for (const path of ['a', 'b', 'p', 'p/q', 'e', 'e/f', 't']) {
      expect((await one(plain.getAcl(`${base}/${path}`))).acl).toEqual(acl);
    }
    // The default is what the server enforces: no WRITE.
    await expect(one(plain.set(`${base}/a`, 'y'))).rejects.toBeInstanceOf(NoAuthError);
    // An explicit ACL wins over the default.
    await one(zk.create(`${base}/open`, '', { acl: OPEN_ACL_UNSAFE }));
    expect((await one(plain.getAcl(`${base}/open`))).acl).toEqual(OPEN_ACL_UNSAFE);
  });

  it('a digest defaultAcl with matching auth credentials lets only that user in', async () => {
    const base = `/t-default-acl-digest-${++counter}`;
    await one(plain.create(base));
    const zk = await connect({
      defaultAcl: [makeDigestAcl('owner', 'pw', Perms.ALL)],
      auth: [{ scheme: 'digest', credential: 'owner:pw' }],
    });
    await one(zk.create(`${base}/mine`, 'secret'));
    expect((await one(zk.get(`${base}/mine`))).data.toString()).toBe('secret');
    await expect(one(plain.get(`${base}/mine`))).rejects.toBeInstanceOf(NoAuthError);
  });

  it('is OPEN_ACL_UNSAFE when not given', async () => {
    const base = `/t-default-acl-none-${++counter}`;
    await one(plain.create(base));
    expect((await one(plain.getAcl(base))).acl).toEqual(OPEN_ACL_UNSAFE);
  });
});
