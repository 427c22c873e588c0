// Every one-shot operation is awaitable (issue 18): `await zk.op(...)` sends it once and gives its value or throws
// its typed error; it stays a cold Observable. Requests are counted on the wire, by a proxy in front of a real server.
import { firstValueFrom, from, lastValueFrom, map, of, switchMap, type Observable } from 'rxjs';
import {
  createClient,
  InvalidArgumentError,
  InvalidPathError,
  NodeExistsError,
  NoNodeError,
  NoWatcherError,
  OPEN_ACL_UNSAFE,
  RolledBackError,
  UnimplementedError,
  ZooKeeperError,
  type AwaitableObservable,
  type OpResult,
  type Stat,
  type ZooKeeperClient,
} from '../../src';
import { OpCode } from '../../src/jute';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { RequestCounter } from '../support/request-counter';
import { rejectionOf } from '../support/fixtures';

let zkServer: StartedZooKeeper;
let wire: RequestCounter;
let zk: ZooKeeperClient;

beforeAll(async () => {
  zkServer = await startZooKeeper();
  wire = await RequestCounter.start(zkServer.connectString);
  zk = createClient({ hosts: wire.address });
  await zk.start();
});

afterAll(async () => {
  await zk?.close();
  await wire?.stop();
  await zkServer?.stop();
});

let counter = 0;
/** A fresh, empty node for one test; the wire's count starts after it. */
async function root(): Promise<string> {
  const path = `/await-${++counter}`;
  await firstValueFrom(zk.create(path));
  wire.reset();
  return path;
}

/** Awaits `op` and returns what it gave and the op codes it sent. */
async function sent<T>(op: PromiseLike<T>): Promise<{ value: T; types: number[] }> {
  wire.reset();
  const value = await op;
  return { value, types: wire.requests.map((r) => r.type) };
}

describe('awaiting a one-shot operation', () => {
  it('sends exactly one request per read and gives its value, typed as the Observable is', async () => {
    const path = await root();
    await firstValueFrom(zk.set(path, 'v'));
    const got: { value: { data: Buffer; stat: Stat }; types: number[] } = await sent(zk.get(path));
    expect(got.value.data.toString()).toBe('v');
    expect(got.types).toEqual([OpCode.getData]);
    const stat: Stat | null = (await sent(zk.exists(path))).value;
    expect(stat?.version).toBe(1);
    expect(wire.requests.map((r) => r.type)).toEqual([OpCode.exists]);
    expect(await sent(zk.exists(`${path}/none`))).toEqual({ value: null, types: [OpCode.exists] });
    expect(await sent(zk.getChildren(path))).toEqual({ value: [], types: [OpCode.getChildren] });
    const withStat = await sent(zk.getChildrenWithStat(path));
    expect(withStat.value.children).toEqual([]);
    expect(withStat.types).toEqual([OpCode.getChildren2]);
    expect((await sent(zk.getAcl(path))).types).toEqual([OpCode.getACL]);
    expect(await sent(zk.sync(path))).toEqual({ value: path, types: [OpCode.sync] });
    expect(await sent(zk.getAllChildrenNumber(path))).toEqual({ value: 0, types: [OpCode.getAllChildrenNumber] });
    expect(await sent(zk.getEphemerals(path))).toEqual({ value: [], types: [OpCode.getEphemerals] });
    const ids = await sent(zk.whoAmI());
    expect(ids.value).toContainEqual({ scheme: 'ip', id: '127.0.0.1' });
    expect(ids.types).toEqual([OpCode.whoAmI]);
    const config = await sent(zk.getConfig());
    expect(Buffer.isBuffer(config.value.data)).toBe(true);
    expect(config.types).toEqual([OpCode.getData]);
    const reads = await sent(zk.multiRead([{ type: 'get', path }, { type: 'getChildren', path }]));
    expect(reads.value[1]).toEqual([]);
    expect(reads.types).toEqual([OpCode.multiRead]);
  });

  it('sends exactly one request per write and gives its value', async () => {
    const path = await root();
    const created: string = (await sent(zk.create(`${path}/a`, 'x'))).value;
    expect(created).toBe(`${path}/a`);
    expect(wire.requests.map((r) => r.type)).toEqual([OpCode.create]);
    const withStat = await sent(zk.createWithStat(`${path}/b`, 'y', { ephemeral: true }));
    expect(withStat.value.stat.ephemeralOwner).toBe(zk.session?.id);
    expect(withStat.types).toEqual([OpCode.create2]);
    const set = await sent(zk.set(`${path}/a`, 'z'));
    expect(set.value.version).toBe(1);
    expect(set.types).toEqual([OpCode.setData]);
    expect(await sent(zk.setAcl(`${path}/a`, OPEN_ACL_UNSAFE))).toMatchObject({ types: [OpCode.setACL] });
    expect(await sent(zk.delete(`${path}/a`))).toEqual({ value: undefined, types: [OpCode.delete] });
    const results: { value: OpResult[]; types: number[] } = await sent(zk.transaction().create(`${path}/c`, '').check(path, 0).commit());
    expect(results.value).toEqual([{ type: 'create', path: `${path}/c` }, { type: 'check' }]);
    expect(results.types).toEqual([OpCode.multi]);
    expect(await sent(zk.addAuth('digest', 'user:pass'))).toEqual({ value: undefined, types: [OpCode.auth] });
    // On a path that exists, ensurePath looks once and creates nothing.
    expect(await sent(zk.ensurePath(path))).toEqual({ value: undefined, types: [OpCode.exists] });
  });

  it('reconfig: one request, and the typed error a standalone server answers', async () => {
    wire.reset();
    const error = await rejectionOf(Promise.resolve(zk.reconfig({ leaving: '9' })));
    // A standalone server has no quorum to change.
    expect(error).toBeInstanceOf(UnimplementedError);
    expect(wire.requests.map((r) => r.type)).toEqual([OpCode.reconfig]);
  });

  it('removeWatches: one request, the watch gone', async () => {
    const path = await root();
    const events: string[] = [];
    await zk.get(path, { watch: (e) => events.push(e.type) });
    expect(await sent(zk.removeWatches(path, 'DATA'))).toEqual({ value: undefined, types: [OpCode.removeWatches] });
    expect(events).toEqual(['DataWatchRemoved']);
  });

  it('four-letter words: one word each', async () => {
    wire.reset();
    expect(await zk.serverVersion()).toMatch(/^3\.\d+\.\d+$/);
    expect(await zk.command('ruok')).toBe('imok');
    expect(wire.words).toEqual(['srvr', 'ruok']);
    expect(wire.requests).toEqual([]);
  });

  it('sends again on every await and every subscribe of the same Observable (cold)', async () => {
    const path = await root();
    const create = zk.create(`${path}/n-`, 'x', { sequential: true });
    const first = await create;
    const second = await create;
    const third = await firstValueFrom(create);
    expect(new Set([first, second, third]).size).toBe(3);
    expect(wire.count(OpCode.create)).toBe(3);
    expect(await zk.getChildren(path)).toHaveLength(3);
  });

  it('sends nothing until awaited or subscribed', async () => {
    const path = await root();
    const unsent = zk.create(`${path}/never`, 'x');
    // Requests go out in order: once a later one is answered, an earlier one would have been seen first.
    await zk.sync(path);
    expect(wire.requests.map((r) => r.type)).toEqual([OpCode.sync]);
    expect(await zk.exists(`${path}/never`)).toBeNull();
    expect(unsent).toBeDefined();
  });

  it("throws the operation's typed error", async () => {
    const path = await root();
    await expect(zk.get(`${path}/missing`)).rejects.toBeInstanceOf(NoNodeError);
    await expect(zk.create(path)).rejects.toBeInstanceOf(NodeExistsError);
    await expect(zk.set(`${path}/missing`, 'x')).rejects.toBeInstanceOf(NoNodeError);
    await expect(zk.removeWatches(path, 'DATA')).rejects.toBeInstanceOf(NoWatcherError);
    const rolledBack = await rejectionOf(Promise.resolve(zk.transaction().create(`${path}/t`, '').delete(`${path}/missing`).commit()));
    expect(rolledBack).toBeInstanceOf(RolledBackError);
    expect((rolledBack as RolledBackError).failedIndex).toBe(1);
    expect(await zk.exists(`${path}/t`)).toBeNull();
    const error = await rejectionOf(Promise.resolve(zk.get(`${path}/missing`)));
    expect(error).toBeInstanceOf(ZooKeeperError);
    expect((error as ZooKeeperError).path).toBe(`${path}/missing`);
  });

  it('refuses a bad argument with its typed error, sending nothing', async () => {
    wire.reset();
    await expect(zk.get('no-slash')).rejects.toBeInstanceOf(InvalidPathError);
    await expect(zk.create('/a', 'x', 'ephemeral' as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(zk.delete('/a', { recursive: 'yes' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(zk.multiRead('nope' as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(zk.command('RUOK')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(zk.transaction().create('bad').commit()).rejects.toBeInstanceOf(InvalidPathError);
    await expect(zk.addAuth('', 'x')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(zk.reconfig(null as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(wire.requests).toEqual([]);
    expect(wire.words).toEqual([]);
  });

  it('works through then() chains as a promise does', async () => {
    const path = await root();
    const length = await zk.getChildren(path).then((children) => children.length);
    expect(length).toBe(0);
    const recovered = await zk.get(`${path}/missing`).then(
      () => 'found',
      (err: unknown) => (err instanceof NoNodeError ? 'missing' : 'other'),
    );
    expect(recovered).toBe('missing');
    await expect(zk.exists(path).then(() => Promise.reject(new Error('from the callback')))).rejects.toThrow('from the callback');
    const all = await Promise.all([zk.exists(path), zk.getChildren(path), zk.sync(path)]);
    expect(all[1]).toEqual([]);
  });
});

describe('an awaitable operation is still an Observable', () => {
  it('to RxJS: from, switchMap, firstValueFrom, lastValueFrom, pipe — one request each', async () => {
    const path = await root();
    await zk.set(path, 'v');
    wire.reset();
    expect(await firstValueFrom(from(zk.get(path)).pipe(map((r) => r.data.toString())))).toBe('v');
    expect(await firstValueFrom(of(path).pipe(switchMap((p) => zk.exists(p))))).not.toBeNull();
    expect(await lastValueFrom(zk.getChildren(path))).toEqual([]);
    expect(wire.requests.map((r) => r.type)).toEqual([OpCode.getData, OpCode.exists, OpCode.getChildren]);
  });

  it('what pipe() makes of it is a plain Observable, not awaitable', () => {
    expect('then' in zk.get('/').pipe(map((r) => r.stat))).toBe(false);
  });
});

describe('streams that never complete are not awaitable', () => {
  it.each<[string, () => Observable<unknown>]>([
    ['state$', () => zk.state$],
    ['session$', () => zk.session$],
    ['connected$', () => zk.connected$],
    ['watchData$', () => zk.watchData$('/')],
    ['watchChildren$', () => zk.watchChildren$('/')],
    ['exists$', () => zk.exists$('/')],
    ['watch$', () => zk.watch$('/')],
    ['watchData$ of a bad path', () => zk.watchData$('bad')],
  ])('%s', (_, stream) => {
    expect('then' in stream()).toBe(false);
  });
});

describe('an awaitable operation as a type', () => {
  it('is an Observable and a PromiseLike of the same value', () => {
    const op: AwaitableObservable<{ data: Buffer; stat: Stat }> = zk.get('/');
    const asObservable: Observable<{ data: Buffer; stat: Stat }> = op;
    const asPromise: PromiseLike<{ data: Buffer; stat: Stat }> = op;
    expect(asObservable).toBe(asPromise);
  });
});
