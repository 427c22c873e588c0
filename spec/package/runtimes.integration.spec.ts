// rxzk under Bun and Deno (issue 18.11): the packed package installed beside their npm packages (their binaries come
// inside them), and one program run by each, on a server it starts itself with rxzk/testing: the core operations (create, get, set,
// getChildren, a transaction, exists, delete, a typed error), a watch stream, a Lock, a TreeCache, the recipes added
// after them (MultiLock, GroupMember, SharedValue, Counter's and AtomicValue's atomic operations, DistributedQueue,
// PersistentTtlNode), rxzk/testing's harness through an expiry, and one class identity for import and require. The app's install is kept in os.tmpdir() (packed.ts).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { installedApp, removePackedTarball } from './packed';

const exec = promisify(execFile);

const SMOKE = `
import { createRequire } from 'node:module';
import { firstValueFrom, lastValueFrom, filter, take, toArray, timeout } from 'rxjs';
import { createClient, NodeExistsError, InvalidArgumentError } from 'rxzk';
import { Lock, TreeCache, MultiLock, GroupMember, SharedValue, Counter, AtomicValue, DistributedQueue, PersistentTtlNode } from 'rxzk/recipes';
import { startZooKeeper, zooKeeperHarness } from 'rxzk/testing';

const seen = { runtime: typeof Bun !== 'undefined' ? 'bun' : typeof Deno !== 'undefined' ? 'deno' : 'node' };
// rxzk/testing too: a server of its own, a JVM this runtime starts and stops.
const server = await startZooKeeper();
const zk = createClient({ hosts: server.connectString });
await zk.start();
seen.state = zk.state;
seen.created = await firstValueFrom(zk.create('/a', 'one'));
seen.read = (await firstValueFrom(zk.get('/a'))).data.toString();
const values = firstValueFrom(zk.watchData$('/a').pipe(take(2), toArray(), timeout(20000)));
await firstValueFrom(zk.exists('/a'));
await firstValueFrom(zk.set('/a', 'two'));
seen.watched = (await values).map((n) => n.data.toString());
await firstValueFrom(zk.transaction().create('/a/b', 'x').create('/a/c', 'y').commit());
seen.children = (await firstValueFrom(zk.getChildren('/a'))).sort();
try { await firstValueFrom(zk.create('/a')); seen.typedError = 'none'; } catch (err) { seen.typedError = err instanceof NodeExistsError ? err.codeName : String(err); }
const lock = new Lock(zk, '/lock');
const holding = await lock.acquire({ timeout: 10000 });
seen.lock = [holding.state, typeof holding.fencingToken, (await lock.tryAcquire()) === null];
await holding.release();
seen.lockAfter = holding.state;
const cache = new TreeCache(zk, '/a');
await cache.start();
seen.cache = [cache.size, cache.children('/a'), cache.get('/a/b')?.data.toString()];
const removed = firstValueFrom(cache.events$.pipe(filter((e) => e.type === 'NODE_REMOVED'), timeout(20000)));
await lastValueFrom(zk.delete('/a/c'), { defaultValue: undefined });
seen.cacheEvent = (await removed).path;
await cache.close();
const all = await new MultiLock(zk, ['/m/a', '/m/b']).acquire({ timeout: 10000 });
seen.multiLock = [all.state, (await new Lock(zk, '/m/b').tryAcquire()) === null];
await all.release();
seen.multiLock.push(all.state);
const member = new GroupMember(zk, '/group', 'worker-1', 'w1');
await member.join();
seen.members = [...(await member.members())].map(([id, data]) => id + '=' + data.toString());
await member.leave();
seen.members.push((await member.members()).size);
const shared = new SharedValue(zk, '/shared', 'seed');
seen.sharedValue = [await shared.trySet('next', (await shared.value()).version), (await shared.value()).value.toString()];
seen.counter = String((await new Counter(zk, '/counter', { format: 'int64' }).increment()).after);
const atomic = new AtomicValue(zk, '/atomic');
seen.atomicValue = [(await atomic.trySet('v1')).succeeded, await atomic.compareAndSet('v1', 'v2'), (await atomic.get()).toString()];
const queue = new DistributedQueue(zk, '/queue');
await queue.put('job-1');
const entry = await firstValueFrom(queue.take$().pipe(timeout(20000)));
await entry.ack();
seen.queue = [entry.data.toString(), (await firstValueFrom(zk.getChildren('/queue'))).length];
seen.ttlNode = await firstValueFrom(new PersistentTtlNode(zk, '/ttl', 10000, 'alive').hold$().pipe(timeout(20000)));
// The harness on the same server (ZOOKEEPER_CONNECT): a client behind its proxy, through an expiry once.
process.env.ZOOKEEPER_CONNECT = server.connectString;
const harness = zooKeeperHarness();
await harness.setup();
const hz = await harness.client();
const expiring = hz.session.id;
const reconnections = [];
const listening = hz.connectionEvents$.subscribe((e) => { if (e.type === 'connected') reconnections.push(e.sessionId === expiring ? 'old session' : 'new session'); });
await harness.expireSession(hz);
listening.unsubscribe();
seen.harnessExpiry = [reconnections, hz.state];
await harness.teardown();
delete process.env.ZOOKEEPER_CONNECT;
let thrown;
try { createRequire(import.meta.url)('rxzk').createClient({ hosts: 'h:1', sessionTimeout: -1 }); } catch (err) { thrown = err; }
seen.instanceofAcross = thrown instanceof InvalidArgumentError;
await zk.close();
seen.closed = zk.state;
await server.stop();
console.log('SMOKE ' + JSON.stringify(seen));
`;

const EXPECTED = {
  state: 'CONNECTED',
  created: '/a',
  read: 'one',
  watched: ['one', 'two'],
  children: ['b', 'c'],
  typedError: 'NODEEXISTS',
  lock: ['HELD', 'bigint', true],
  lockAfter: 'RELEASED',
  cache: [3, ['b', 'c'], 'x'],
  cacheEvent: '/a/c',
  multiLock: ['HELD', true, 'RELEASED'],
  members: ['worker-1=w1', 0],
  sharedValue: [true, 'next'],
  counter: '1',
  atomicValue: [true, true, 'v2'],
  queue: ['job-1', 0],
  ttlNode: '/ttl',
  harnessExpiry: [['new session'], 'CONNECTED'],
  instanceofAcross: true,
  closed: 'CLOSED',
};

const RUNTIMES = [
  { name: 'Bun', bin: 'bun', args: (file: string) => ['run', file] },
  { name: 'Deno', bin: 'deno', args: (file: string) => ['run', '-A', file] },
];

let app: string;
/**
 * Deno's cache for this run alone: Deno keeps what it learned of a CommonJS file's exports by its path, and the app's
 * install (kept between runs) has the same paths for a new build whose chunks have other names — with the machine's
 * cache, Deno looked for a chunk of the build before.
 */
let denoDir: string;

beforeAll(async () => {
  ({ dir: app } = await installedApp('runtimes', { bun: '^1.4.0', deno: '^2.9.0', rxjs: '^7.8.0' }));
  fs.writeFileSync(path.join(app, 'smoke.mjs'), SMOKE);
  denoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxzk-deno-'));
}, 600_000);
afterAll(() => {
  removePackedTarball();
  fs.rmSync(denoDir, { recursive: true, force: true });
});

describe.each(RUNTIMES)('under $name', ({ name, bin, args }) => {
  it('starts a server with rxzk/testing and runs the core operations, a watch stream, a Lock, a TreeCache, the later recipes and the harness on it', async () => {
    const { stdout } = await exec(path.join(app, 'node_modules', '.bin', bin), args('smoke.mjs'), {
      cwd: app,
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_DIR: denoDir },
    }).catch((err: { stdout?: string; stderr?: string }) => {
      throw new Error(`${name} failed:\n${String(err.stdout ?? '').slice(-2000)}\n${String(err.stderr ?? '').slice(-3000)}`);
    });
    const line = stdout.split('\n').find((l) => l.startsWith('SMOKE '));
    expect(JSON.parse(line?.slice('SMOKE '.length) ?? '{}')).toEqual({ runtime: bin, ...EXPECTED });
  }, 180_000);
});
