// The package's declarations as strict TypeScript consumers see them once installed: the packed tarball unpacked at
// node_modules/rxzk (as `npm install rxzk-<version>.tgz` puts it, so a declaration left out of `files` fails here),
// beside the peers it names (linked from this repository's node_modules). One project resolves with `nodenext` (an ES
// module and a CommonJS module) and one with `bundler`, each importing every entry point through the `exports` map
// and using its API. A declaration that names an internal type, a subpath whose types do not resolve, or a type that
// is `any` where a user relies on it fails here (issue 13.7).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { root } from './built-package';
import { packedTarball, removePackedTarball } from './packed';

const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** Code a user writes against every entry point; `@ts-expect-error` lines prove the types are not `any`. */
const USAGE = `
import { firstValueFrom, type Observable } from 'rxjs';
import { createClient, ConnectionState, isConnected, whileConnected, NoNodeError, type ZooKeeperClient, type Stat } from 'rxzk';
import { startZooKeeper, zooKeeperHarness, type StartedZooKeeper } from 'rxzk/testing';
import { Lock, LockLostError, LockTimeoutError, type Holding } from 'rxzk/recipes';
import { ZooKeeperModule, InjectZooKeeper, getZooKeeperToken } from 'rxzk/nestjs';
import { provideZooKeeper, injectZooKeeper, ZOOKEEPER } from 'rxzk/angular';
import { instrumentZooKeeper, type InstrumentZooKeeperOptions } from 'rxzk/opentelemetry';
import { trace, metrics } from '@opentelemetry/api';
import type { OperationRecord, ConnectionEvent, RecipeEvent, RecipeActivity, WatchCounts } from 'rxzk';

export async function use(server: StartedZooKeeper): Promise<void> {
  const zk: ZooKeeperClient = createClient({ hosts: server.connectString, sessionTimeout: 10_000 });
  await zk.start();
  const stat: Stat | null = await firstValueFrom(zk.exists('/a'));
  const czxid: bigint | undefined = stat?.czxid;
  const up: Observable<boolean> = zk.connected$;
  const state: boolean = isConnected(ConnectionState.CONNECTED);
  zk.watchData$('/a').pipe(whileConnected(zk)).subscribe();
  const holding: Holding = await new Lock(zk, '/lock').acquire({ timeout: 1_000 });
  const token: bigint = holding.fencingToken;
  await holding.release();
  const errors: Error[] = [new NoNodeError('/a'), new LockTimeoutError(1)];
  // @ts-expect-error a path is a string
  zk.get(42);
  // @ts-expect-error fencing tokens are bigint
  const wrong: string = holding.fencingToken;
  void [czxid, up, state, token, errors, wrong, LockLostError, startZooKeeper, zooKeeperHarness];
  void [ZooKeeperModule.forRoot({ hosts: 'h:2181' }), InjectZooKeeper, getZooKeeperToken('b')];
  void [provideZooKeeper({ hosts: 'h:2181' }), injectZooKeeper, ZOOKEEPER];
  const otelOptions: InstrumentZooKeeperOptions = { tracerProvider: trace.getTracerProvider(), meterProvider: metrics.getMeterProvider() };
  const uninstrument: () => void = instrumentZooKeeper(zk, otelOptions);
  zk.operations$.subscribe((r: OperationRecord) => { const ms: number = r.duration; const sid: bigint | null = r.sessionId; void [ms, sid]; });
  zk.connectionEvents$.subscribe((e: ConnectionEvent) => { if (e.type === 'connected') { const t: number = e.timeout; void t; } });
  zk.recipeEvents$.subscribe((e: RecipeEvent) => void e.type);
  const wait: RecipeActivity = zk.startRecipeActivity({ kind: 'lock-wait', recipe: 'Lock', path: '/lock' });
  wait.end('ok');
  const watches: WatchCounts = zk.watchCounts;
  void [ZooKeeperModule.forRoot({ hosts: 'h:2181', openTelemetry: true }), watches];
  // @ts-expect-error an operation listener needs completed
  zk.addOperationListener({ started: () => 1 });
  uninstrument();
  await zk.close();
}

// The recipes exactly as API.md writes them: a renamed method or a changed type fails here.
import {
  ReadWriteLock, Semaphore, LeaderLatch, LeaderElection, NonBlockingLease, whileLeader, whileHeld,
  Barrier, DoubleBarrier, Counter, SharedCount, Queue, LockingQueue, Party, Partitioner, TreeCache, PersistentNode, ServiceDiscovery,
  type HoldingState, type QueueEntry, type TreeCacheEvent, type ServiceInstance,
} from 'rxzk/recipes';
import { of, type Observable as Obs } from 'rxjs';

export async function recipes(zk: ZooKeeperClient): Promise<void> {
  const signal = new AbortController().signal;
  const lock = new Lock(zk, '/locks/orders', { identifier: 'me' });
  const h: Holding = await lock.acquire({ timeout: 1, signal });
  const state: HoldingState = h.state;
  const maybe: Holding | null = await lock.tryAcquire();
  const held$: Obs<Holding> = lock.hold$();
  const n: number = await lock.withLock(async (x: Holding) => (x.signal.aborted ? 0 : 1), { timeout: 5 });
  const who: string[] = await lock.contenders();
  const rw = new ReadWriteLock(zk, '/locks/catalog', { identifier: 'me' });
  const r: Holding = await rw.readLock.acquire();
  const w: Holding | null = await rw.writeLock.tryAcquire();
  const sem = new Semaphore(zk, '/sem/db', { maxLeases: 5, identifier: 'me' });
  const lease: Holding = await sem.acquire({ timeout: 1 });
  const holders: string[] = await sem.leaseHolders();
  const latch = new LeaderLatch(zk, '/election/scheduler', { identifier: 'me' });
  const leading$: Obs<boolean> = latch.leadership$();
  const holding$: Obs<Holding | null> = latch.holding$();
  const leader$: Obs<string | null> = latch.leader$();
  const parts: { identifier: string; isLeader: boolean }[] = await latch.participants();
  const election = new LeaderElection(zk, '/election/reports', { identifier: 'me' });
  const ran$: Obs<number> = election.run((x: Holding) => of(x.fencingToken > 0n ? 1 : 0), { requeue: true });
  const eleader$: Obs<string | null> = election.leader$();
  const econtenders: string[] = await election.contenders();
  const obtained: boolean = await NonBlockingLease.obtain(zk, '/lease', 10_000, { identifier: 'me', count: 2 });
  const led$: Obs<number> = of(1).pipe(whileLeader(latch));
  const locked$: Obs<number> = of(1).pipe(whileHeld(lock));

  const barrier = new Barrier(zk, '/barriers/deploy');
  await barrier.create();
  await barrier.remove();
  const passed: boolean = await barrier.wait({ timeout: 1, signal });
  const gone$: Obs<void> = barrier.wait$();
  const db = new DoubleBarrier(zk, '/barriers/job', 3, { identifier: 'me' });
  await db.enter({ timeout: 1 });
  await db.leave({ signal });
  const counter = new Counter(zk, '/counters/jobs', { initial: 0, format: 'int32' });
  const change: { before: number | bigint; after: number | bigint } = await counter.add(1);
  const value: number | bigint = await counter.value();
  const values$: Obs<number | bigint> = counter.value$();
  const shared = new SharedCount(zk, '/counters/limit', 10);
  const count$: Obs<{ value: number; version: number }> = shared.count$();
  const set: boolean = await shared.trySetCount(11, 0);
  await shared.setCount(12);
  const q = new Queue(zk, '/queues/mail');
  await q.put('x', { priority: 5 });
  await q.putAll([Buffer.from('a'), 'b', new Uint8Array([1])], { priority: 1 });
  const first: Buffer | null = await q.get();
  const taken: Buffer = await q.take({ timeout: 1, signal });
  const takes$: Obs<Buffer> = q.take$();
  const length: number = await q.length();
  const lq = new LockingQueue(zk, '/queues/jobs');
  await lq.put('job');
  const entry: QueueEntry = await lq.take({ timeout: 1 });
  const entryData: Buffer = entry.data;
  await entry.ack();
  await entry.release();
  const entries$: Obs<QueueEntry> = lq.take$();
  const party = new Party(zk, '/parties/workers', { identifier: 'me', shallow: true });
  await party.join();
  const members: string[] = await party.members();
  const members$: Obs<string[]> = party.members$();
  await party.leave();
  const partitioner = new Partitioner(zk, '/partitions/shards', ['a', 'b'], {
    identifier: 'me', partition: (ms: string[], items: string[]) => ({ [ms[0]]: items }), settle: 100 });
  const shares$: Obs<{ state: 'ALLOCATING' | 'ACQUIRED' | 'RELEASE' | 'FAILURE'; items: string[] }> = partitioner.partitions$();
  const cache = new TreeCache(zk, '/services');
  await cache.start();
  const events$: Obs<TreeCacheEvent> = cache.events$;
  const snapshot$: Obs<ReadonlyMap<string, { data: Buffer; stat: Stat }>> = cache.snapshot$;
  const cached: { data: Buffer; stat: Stat } | undefined = cache.get('/services');
  const names: string[] | undefined = cache.children('/services');
  await cache.close();
  const node = new PersistentNode(zk, '/members/me', 'data', { mode: 'EPHEMERAL' });
  const nodePath$: Obs<string> = node.hold$();
  await node.setData('new');
  const sd = new ServiceDiscovery(zk, '/discovery');
  const reg = await sd.register({ name: 'api', address: '10.0.0.1', port: 8080, payload: { zone: 'a' }, serviceType: 'DYNAMIC', uriSpec: '{scheme}://{address}:{port}' });
  const mine: ServiceInstance = reg.instance;
  await reg.unregister();
  const serviceNames: string[] = await sd.names();
  const instances: ServiceInstance[] = await sd.instances('api');
  const instances$: Obs<ServiceInstance[]> = sd.instances$('api');
  const provider = sd.provider('api', { strategy: 'round-robin' });
  const next: ServiceInstance | null = await provider.next();
  if (next !== null) provider.noteError(next);
  provider.close();
  await sd.close();
  const fields: [string, string, string, number | null, number | null, unknown, number, string, unknown, boolean] =
    [mine.name, mine.id, mine.address, mine.port, mine.sslPort, mine.payload, mine.registrationTimeUTC, mine.serviceType, mine.uriSpec, mine.enabled];
  void [state, maybe, held$, n, who, r, w, lease, holders, leading$, holding$, leader$, parts, ran$, eleader$, econtenders, obtained, led$, locked$];
  void [passed, gone$, change, value, values$, count$, set, first, taken, takes$, length, entryData, entries$, members, members$, shares$];
  void [events$, snapshot$, cached, names, nodePath$, serviceNames, instances, instances$, fields];
}

// The recipes API.md adds in "Curator's remaining catalogue" (part 3), and the discovery helpers, as it writes them.
import {
  MultiLock, GroupMember, PersistentTtlNode, SharedValue, AtomicValue, DistributedQueue, DistributedPriorityQueue,
  DistributedDelayQueue, DistributedIdQueue, SimpleDistributedQueue, ServiceProvider, parseUriSpec, serviceUri, CounterDataError,
  type MultiHolding, type Lockable, type GroupMembers, type VersionedValue, type AtomicValueResult, type CounterTrySet,
  type CounterChange, type CuratorQueueOptions, type UriSpec,
} from 'rxzk/recipes';

export async function catalogue(zk: ZooKeeperClient): Promise<void> {
  const parts: Lockable[] = [new Lock(zk, '/locks/a'), new Semaphore(zk, '/sem/b', { maxLeases: 2 })];
  const multi = new MultiLock(zk, ['/locks/from', '/locks/to']);
  const all: MultiHolding = await multi.acquire({ timeout: 1 });
  const held: Holding[] = [...all.holdings];
  const allState: HoldingState = all.state;
  const allState$: Obs<HoldingState> = all.state$;
  const aborted: boolean = all.signal.aborted;
  await all.release();
  const none: MultiHolding | null = await new MultiLock(zk, parts).tryAcquire();
  const multi$: Obs<MultiHolding> = multi.hold$({ timeout: 1 });
  const moved: number = await multi.withLock(async (x: MultiHolding) => x.holdings.length, { timeout: 1 });
  // @ts-expect-error MultiLock takes paths or locks
  void new MultiLock(zk, [1]);

  const member = new GroupMember(zk, '/groups/workers', 'worker-7', 'data');
  await member.join();
  await member.setData(Buffer.from('new'));
  const group: GroupMembers = await member.members();
  const workerData: Buffer | undefined = group.get('worker-7');
  const group$: Obs<ReadonlyMap<string, Buffer>> = member.members$();
  await member.leave();

  const ttlNode = new PersistentTtlNode(zk, '/ttl/me', 10_000, 'data');
  const ttlPath$: Obs<string> = ttlNode.hold$();
  await ttlNode.setData('more');

  const shared = new SharedValue(zk, '/shared/config', 'seed');
  const now: VersionedValue = await shared.value();
  const sharedSet: boolean = await shared.trySet(Buffer.from('x'), now.version);
  await shared.set('y');
  const shared$: Obs<{ value: Buffer; version: number }> = shared.value$();

  const atomic = new AtomicValue(zk, '/atomic/v', { promotedToLock: { lockPath: '/atomic/v-lock', afterTries: 5, timeout: 2_000 } });
  const bytes: Buffer | null = await atomic.get();
  const swapped: boolean = await atomic.compareAndSet('a', 'b');
  const tried: AtomicValueResult = await atomic.trySet('c');
  const pre: Buffer | null = tried.preValue;
  await atomic.forceSet(new Uint8Array([1]));
  const long = new Counter(zk, '/atomic/long', { format: 'int64', promotedToLock: { lockPath: '/atomic/long-lock' } });
  const up: CounterChange = await long.increment();
  const down: CounterChange = await long.decrement();
  const casLong: boolean = await long.compareAndSet(1n, 2n);
  const trySetLong: CounterTrySet = await long.trySet(3n);
  // @ts-expect-error AtomicValue holds bytes, not numbers
  await atomic.forceSet(5);

  const queueOptions: CuratorQueueOptions = { lockPath: '/queues/curator-locks' };
  const dq = new DistributedQueue(zk, '/queues/curator', queueOptions);
  await dq.put('x');
  await dq.putMulti(['a', Buffer.from('b')]);
  const dqEntries$: Obs<QueueEntry> = dq.take$();
  const pq = new DistributedPriorityQueue(zk, '/queues/priority');
  await pq.put('x', 1);
  await pq.putMulti(['a'], 2);
  const delayq = new DistributedDelayQueue(zk, '/queues/delay');
  await delayq.put('x', Date.now() + 1_000);
  const idq = new DistributedIdQueue(zk, '/queues/id');
  await idq.put('x', 'order-1');
  const removed: number = await idq.remove('order-1');
  const sq = new SimpleDistributedQueue(zk, '/queues/simple');
  await sq.offer('x');
  const polled: Buffer | null = await sq.poll();
  const peeked: Buffer | null = await sq.peek();
  const simpleTaken: Buffer = await sq.take({ timeout: 1 });
  // @ts-expect-error a priority queue's put needs its priority
  await pq.put('x');

  const spec: UriSpec = parseUriSpec('{scheme}://{address}:{port}/api');
  const sd = new ServiceDiscovery(zk, '/discovery');
  const provider: ServiceProvider = sd.provider('api');
  const picked: ServiceInstance | null = await provider.next({ timeout: 1 });
  const uri: string = picked === null ? '' : serviceUri(picked, { port: 8080 });
  const dataError: Error = new CounterDataError('/c', 'bad');
  void [held, allState, allState$, aborted, none, multi$, moved, workerData, group$, ttlPath$, sharedSet, shared$, bytes, swapped, pre];
  void [up, down, casLong, trySetLong, dqEntries$, removed, polled, peeked, simpleTaken, spec, uri, dataError];
}
`;

const STRICT = { strict: true, noEmit: true, skipLibCheck: false, target: 'ES2022', types: ['node'], experimentalDecorators: true };

let consumer: string;

beforeAll(async () => {
  const tarball = await packedTarball();
  consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'rxzk-types-'));
  const modules = path.join(consumer, 'node_modules');
  fs.mkdirSync(path.join(modules, '@types'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', consumer]);
  fs.renameSync(path.join(consumer, 'package'), path.join(modules, 'rxzk'));
  // The peers the declarations import (rxjs, OpenTelemetry's API, the frameworks' types) and Node's types.
  for (const peer of ['rxjs', '@opentelemetry', '@nestjs', '@angular']) {
    fs.symlinkSync(path.join(root, 'node_modules', peer), path.join(modules, peer), 'dir');
  }
  fs.symlinkSync(path.join(root, 'node_modules', '@types', 'node'), path.join(modules, '@types', 'node'), 'dir');
}, 240_000);

afterAll(() => {
  if (consumer) fs.rmSync(consumer, { recursive: true, force: true });
  removePackedTarball();
});

/** Writes a consumer project and type-checks it; resolves with tsc's diagnostics ('' when clean). */
function typeCheck(name: string, files: Record<string, string>, compilerOptions: Record<string, unknown>, pkgType: string): string {
  const dir = path.join(consumer, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.symlinkSync(path.join(consumer, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, type: pkgType, private: true }));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...STRICT, ...compilerOptions }, files: Object.keys(files) }));
  for (const [file, source] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), source);
  try {
    execFileSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    return '';
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err);
  }
}

describe('the published types, in strict consumers', () => {
  it('type-check under nodenext, from an ES module and from a CommonJS module', () => {
    const diagnostics = typeCheck('nodenext', { 'esm.mts': USAGE, 'cjs.cts': USAGE }, { module: 'nodenext', moduleResolution: 'nodenext' }, 'module');
    expect(diagnostics).toBe('');
  }, 120_000);

  it('type-check under bundler resolution', () => {
    const diagnostics = typeCheck('bundler', { 'app.ts': USAGE }, { module: 'esnext', moduleResolution: 'bundler' }, 'module');
    expect(diagnostics).toBe('');
  }, 120_000);

  it('refuse a wrong use (the check itself can fail)', () => {
    const diagnostics = typeCheck('wrong', { 'bad.mts': `import { createClient } from 'rxzk';\ncreateClient({ hosts: 5 });\n` }, { module: 'nodenext', moduleResolution: 'nodenext' }, 'module');
    expect(diagnostics).toMatch(/TS2322/);
  }, 120_000);
});
