// Peers for recipe interoperability tests: a real Apache Curator 5.4 (CuratorPeer.java) and a real
// kazoo 2.8 (kazoo_peer.py), each a long-running child process that holds one ZooKeeper session and
// runs the library's own recipes on request, so that they contend with rxzk on the same znodes.
//
//   const curator = await startCuratorPeer(zkServer.connectString);
//   await curator.call('mutex.create', { handle: 'm', path: '/locks/a' });
//   expect(await curator.call('mutex.acquire', { handle: 'm', timeoutMs: 5000 })).toBe(true);
//   await curator.close();
//
// A spec file that needs the server, an rxzk client and one peer of each kind for all its tests takes them from
// interopServer (spec/recipes/support/interop-server.ts) instead of starting them itself.
//
// Protocol: one JSON line per request on the peer's stdin, {"id":N,"cmd":"…","args":{…}}, and one
// JSON line per reply on its stdout, {"id":N,"ok":true,"value":…} or {"id":N,"ok":false,"error":"Class: message"}.
// The peer first prints reply 0 once connected (its session) or why it could not connect. Every
// request runs on a thread of its own (Curator's locks: on their handle's thread, in order), so a
// blocking call does not hold up the others and replies come in completion order. Objects are
// named by a `handle` the test chooses, unique per peer. Times are milliseconds. Binary data is
// base64 for kazoo (`data` fields, use `b64()`); Curator's `data` arguments are UTF-8 text.
// When stdin closes (the test process died) a peer closes its session and exits.
//
// Every peer a spec file starts is closed in an afterAll registered by this module (a safety net:
// close peers yourself where their session must end at a given point).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { SessionHolder } from '../../../src/testing';

const execFileAsync = promisify(execFile);

// ---- the commands each peer answers, with their arguments and results ----

type H = { handle: string };
/** How long a blocking call waits, in ms (Curator's default 10000; kazoo waits without limit when absent). */
type Wait = { timeoutMs?: number };
export interface PeerSession { sessionId: string; password: string; timeout: number }
export interface Participant { id: string; isLeader: boolean }
/** Java longs as strings: they need not fit in a JavaScript number. */
export interface AtomicResult { succeeded: boolean; preValue: string; postValue: string }
export interface ServiceInstanceArgs {
  name: string; id?: string; address?: string; port?: number; sslPort?: number; payload?: unknown;
  serviceType?: 'DYNAMIC' | 'STATIC' | 'PERMANENT' | 'DYNAMIC_SEQUENTIAL'; uriSpec?: string; enabled?: boolean; registrationTimeUTC?: number;
}
/** An instance as Curator deserialised it; `uri` is what its uriSpec builds, `payloadClass` the Java class of the payload. */
export interface CuratorInstance {
  name: string; id: string; address: string; port: number | null; sslPort: number | null; payload: unknown; payloadClass: string | null;
  registrationTimeUTC: number; serviceType: string; enabled: boolean; uri: string | null;
}

// A type alias, not an interface: it must satisfy CommandMap's index signature.
export type CuratorCommands = {
  ping: [{}, 'pong'];
  session: [{}, PeerSession];
  /** Every ConnectionState Curator reported, in order: CONNECTED, SUSPENDED, RECONNECTED, LOST, READ_ONLY. */
  states: [{}, string[]];
  /** True once `state` was reported `count` times (default 1); false at the timeout. */
  awaitState: [{ state: string; count?: number } & Wait, boolean];
  /** Forgets a handle, closing it if it is Closeable (latch, selector, sharedCount, discovery). Held locks stay held. */
  close: [H, boolean];
  /** InterProcessMutex; `data` replaces the node data (Curator's default: the local IP address). Re-entrant per handle. */
  'mutex.create': [H & { path: string; data?: string }, null];
  'mutex.acquire': [H & Wait, boolean];
  'mutex.release': [H, null];
  'mutex.isAcquired': [H, boolean];
  'mutex.participants': [H, string[]];
  /** InterProcessReadWriteLock; the read and write side of one handle share one thread. */
  'rwlock.create': [H & { path: string; data?: string }, null];
  'rwlock.acquireRead': [H & Wait, boolean];
  'rwlock.acquireWrite': [H & Wait, boolean];
  'rwlock.releaseRead': [H, null];
  'rwlock.releaseWrite': [H, null];
  'rwlock.participants': [H, string[]];
  /** InterProcessSemaphoreV2; each acquire keeps a Lease, release returns the oldest held (false if none). */
  'semaphore.create': [H & { path: string; maxLeases: number; data?: string }, null];
  'semaphore.acquire': [H & Wait, boolean];
  'semaphore.release': [H, boolean];
  'semaphore.leases': [H, number];
  'semaphore.participants': [H, string[]];
  'latch.create': [H & { path: string; id?: string }, null];
  'latch.start': [H, null];
  'latch.hasLeadership': [H, boolean];
  'latch.await': [H & Wait, boolean];
  'latch.ourPath': [H, string | null];
  'latch.participants': [H, Participant[]];
  'latch.leader': [H, Participant];
  'latch.close': [H, null];
  /** LeaderSelector whose takeLeadership lasts until selector.stepDown (a "term"; counted by selector.terms). */
  'selector.create': [H & { path: string; id?: string; autoRequeue?: boolean }, null];
  'selector.start': [H, null];
  'selector.isLeader': [H, boolean];
  /** True once takeLeadership has been entered `term` times (default 1). */
  'selector.awaitLeader': [H & Wait & { term?: number }, boolean];
  'selector.terms': [H, number];
  /** Ends the current term, replying once takeLeadership has returned; false when not leading. */
  'selector.stepDown': [H, boolean];
  'selector.requeue': [H, boolean];
  'selector.participants': [H, Participant[]];
  'selector.close': [H, null];
  'doubleBarrier.create': [H & { path: string; n: number }, null];
  'doubleBarrier.enter': [H & Wait, boolean];
  'doubleBarrier.leave': [H & Wait, boolean];
  /** DistributedBarrier: set = setBarrier, remove = removeBarrier, wait = waitOnBarrier. */
  'barrier.create': [H & { path: string }, null];
  'barrier.set': [H, null];
  'barrier.remove': [H, null];
  'barrier.wait': [H & Wait, boolean];
  /** SharedCount, started by create. trySet compares `version` with the one Curator last read. */
  'sharedCount.create': [H & { path: string; seed?: number }, null];
  'sharedCount.get': [H, { value: number; version: number }];
  'sharedCount.trySet': [H & { value: number; version: number }, boolean];
  'sharedCount.set': [H & { value: number }, null];
  'atomicLong.create': [H & { path: string }, null];
  'atomicLong.get': [H, AtomicResult];
  'atomicLong.increment': [H, AtomicResult];
  'atomicLong.add': [H & { delta: number }, AtomicResult];
  'atomicLong.compareAndSet': [H & { expected: number; value: number }, AtomicResult];
  /** ServiceDiscovery<Object> with JsonInstanceSerializer(Object.class, compatible), started by create. */
  'discovery.create': [H & { basePath: string; compatible?: boolean; watch?: boolean }, null];
  'discovery.register': [H & ServiceInstanceArgs, CuratorInstance];
  'discovery.unregister': [H & { name: string; id: string }, boolean];
  'discovery.query': [H & { name: string }, CuratorInstance[]];
  'discovery.names': [H, string[]];
  'discovery.close': [H, null];
};

/** A kazoo ZnodeStat; the 64-bit fields as strings. */
export interface KazooStat {
  czxid: string; mzxid: string; pzxid: string; ephemeralOwner: string; ctime: number; mtime: number;
  version: number; cversion: number; aversion: number; dataLength: number; numChildren: number;
}
/** `data` in base64 (see `unb64`). */
export interface KazooNode { data: string; stat: KazooStat }
export type PartitionState = 'ALLOCATING' | 'ACQUIRED' | 'RELEASE' | 'FAILURE';
export type TreeEventType =
  'NODE_ADDED' | 'NODE_UPDATED' | 'NODE_REMOVED' | 'CONNECTION_SUSPENDED' | 'CONNECTION_RECONNECTED' | 'CONNECTION_LOST' | 'INITIALIZED';

export type KazooCommands = {
  ping: [{}, 'pong'];
  session: [{}, PeerSession];
  /** Every KazooState reported, in order: CONNECTED, SUSPENDED, LOST. */
  states: [{}, string[]];
  awaitState: [{ state: string; count?: number } & Wait, boolean];
  /** Forgets a handle, closing it if it has close() (treeCache, partitioner). */
  close: [H, boolean];
  get: [{ path: string }, KazooNode | null];
  children: [{ path: string }, string[]];
  exists: [{ path: string }, KazooStat | null];
  create: [{ path: string; data?: string; ephemeral?: boolean; sequence?: boolean; makepath?: boolean }, string];
  set: [{ path: string; data?: string; version?: number }, KazooStat];
  delete: [{ path: string; version?: number; recursive?: boolean }, null];
  /** Lock / ReadLock / WriteLock; the identifier is the node's data. */
  'lock.create': [H & { path: string; identifier?: string; kind?: 'lock' | 'read' | 'write'; extraLockPatterns?: string[] }, null];
  /** False at the timeout (kazoo's LockTimeout), or at once with blocking: false when taken. */
  'lock.acquire': [H & Wait & { blocking?: boolean }, boolean];
  'lock.release': [H, boolean];
  'lock.isAcquired': [H, boolean];
  'lock.node': [H, string | null];
  'lock.contenders': [H, string[]];
  'lock.cancel': [H, null];
  /** One lease per handle. */
  'semaphore.create': [H & { path: string; identifier?: string; maxLeases?: number }, null];
  'semaphore.acquire': [H & Wait & { blocking?: boolean }, boolean];
  'semaphore.release': [H, boolean];
  'semaphore.leaseHolders': [H, string[]];
  /** Election: run joins and returns at once; the handle leads (a "term") until stepDown. */
  'election.create': [H & { path: string; identifier?: string }, null];
  'election.run': [H, null];
  'election.awaitLeader': [H & Wait & { term?: number }, boolean];
  'election.isLeader': [H, boolean];
  'election.stepDown': [H, boolean];
  'election.cancel': [H, null];
  'election.contenders': [H, string[]];
  /** Barrier: set = kazoo's create(). */
  'barrier.create': [H & { path: string }, null];
  'barrier.set': [H, null];
  'barrier.remove': [H, boolean];
  'barrier.wait': [H & Wait, boolean];
  /** DoubleBarrier: kazoo's enter and leave wait without limit; enter answers `participating`. */
  'doubleBarrier.create': [H & { path: string; n: number; identifier?: string }, null];
  'doubleBarrier.enter': [H, boolean];
  'doubleBarrier.leave': [H, null];
  'counter.create': [H & { path: string; default?: number; supportCurator?: boolean }, null];
  'counter.add': [H & { delta: number }, { preValue: number; postValue: number }];
  'counter.value': [H, number];
  /** Queue and LockingQueue share the queue.* commands (consume, release, holdsLock: LockingQueue only). */
  'queue.create': [H & { path: string }, null];
  'lockingQueue.create': [H & { path: string }, null];
  'queue.put': [H & { data: string; priority?: number }, null];
  'queue.putAll': [H & { items: string[]; priority?: number }, null];
  /** Base64 or null; a LockingQueue waits (without timeoutMs: without limit), a Queue never. */
  'queue.get': [H & Wait, string | null];
  'queue.len': [H, number];
  'queue.consume': [H, boolean];
  'queue.release': [H, boolean];
  'queue.holdsLock': [H, boolean];
  'party.create': [H & { path: string; identifier?: string; shallow?: boolean }, null];
  'party.join': [H, null];
  'party.leave': [H, boolean];
  'party.members': [H, string[]];
  'party.len': [H, number];
  /** SetPartitioner (it joins its party at once); kazoo's time_boundary default is 30 s. */
  'partitioner.start': [H & { path: string; items: string[]; identifier?: string; timeBoundaryMs?: number; maxReactionTimeMs?: number }, null];
  'partitioner.state': [H, PartitionState];
  'partitioner.awaitState': [H & Wait & { state: PartitionState }, boolean];
  'partitioner.waitForAcquire': [H & Wait, PartitionState];
  'partitioner.items': [H, string[]];
  'partitioner.releaseSet': [H, null];
  'partitioner.finish': [H, null];
  /** NonBlockingLease, or MultiNonBlockingLease with count. */
  'lease.obtain': [{ path: string; durationMs: number; identifier?: string; count?: number }, boolean];
  /** Starts a TreeCache and waits for INITIALIZED (false if it did not come within timeoutMs). */
  'treeCache.start': [H & Wait & { path: string }, boolean];
  'treeCache.get': [H & { path: string }, KazooNode | null];
  'treeCache.children': [H & { path: string }, string[] | null];
  'treeCache.events': [H, { type: TreeEventType; path?: string; data?: string | null }[]];
  'treeCache.awaitEvent': [H & Wait & { type: TreeEventType; count?: number }, boolean];
};

type CommandMap = Record<string, [object, unknown]>;

export interface PeerOptions {
  /** Requested session timeout, ms (default 10000). */
  sessionTimeout?: number;
  /** Default bound on one call, ms (default 20000; at least the call's timeoutMs + 10 s). */
  callTimeout?: number;
  /** Bound on start-up: compiling (Curator, once per machine) and connecting, ms (default 60000). */
  startTimeout?: number;
}

/** A call the peer answered with an error, or never answered. `remote` is the peer's "Class: message". */
export class PeerCallError extends Error {
  constructor(message: string, readonly cmd: string, readonly remote?: string) {
    super(message);
    this.name = 'PeerCallError';
  }
}

export interface Peer<C extends CommandMap> {
  readonly kind: 'curator' | 'kazoo';
  readonly pid: number;
  call<K extends keyof C & string>(cmd: K, args: C[K][0], opts?: { timeout?: number }): Promise<C[K][1]>;
  call<T = unknown>(cmd: string, args?: Record<string, unknown>, opts?: { timeout?: number }): Promise<T>;
  /** The peer's current session, for `zkServer.expireSession(await peer.sessionHolder())`. */
  sessionHolder(): Promise<SessionHolder>;
  /** The last lines the peer wrote to stderr. */
  stderr(): string;
  /** Sends quit (the session closes, its ephemerals go at once) and waits for the exit; SIGKILL after 5 s. */
  close(): Promise<void>;
  /** SIGKILL: the session lives on until the server expires it, as after a crash. */
  kill(): Promise<void>;
}
export type CuratorPeer = Peer<CuratorCommands>;
export type KazooPeer = Peer<KazooCommands>;

/** Base64 of binary or UTF-8 text, for kazoo's `data` arguments. */
export const b64 = (data: string | Uint8Array): string => Buffer.from(data).toString('base64');
/** The bytes of a base64 `data` result. */
export const unb64 = (data: string): Buffer => Buffer.from(data, 'base64');

// ---- starting the processes ----

const HERE = __dirname;
const JAVA_LIB = '/usr/share/java';
const CURATOR_JARS = [
  'curator-client', 'curator-framework', 'curator-recipes', 'curator-x-discovery', 'guava', 'zookeeper', 'zookeeper-jute',
  'slf4j-api', 'slf4j-nop', 'jackson-core', 'jackson-databind', 'jackson-annotations', 'netty-buffer', 'netty-codec',
  'netty-common', 'netty-handler', 'netty-resolver', 'netty-transport', 'netty-transport-native-unix-common',
].map((jar) => path.join(JAVA_LIB, `${jar}.jar`));
const PYTHON = '/usr/bin/python3';
const INSTALL_HINT = 'run scripts/install-zookeeper.sh as root (it installs Debian\'s zookeeper, libcurator-recipes-java, libcurator-discovery-java and python3-kazoo)';

function javaTool(tool: 'java' | 'javac'): string {
  const home = process.env.JAVA_HOME;
  return home ? path.join(home, 'bin', tool) : tool;
}

let compiled: Promise<string> | undefined;

/**
 * CuratorPeer and its extensions: each other `Curator*Peer.java` here holds one recipe family's commands
 * (a class with `static void define()`, called by CuratorPeer.defineExtensions at start-up).
 */
function curatorSources(): string[] {
  const extensions = readdirSync(HERE)
    .filter((file) => /^Curator\w+Peer\.java$/.test(file) && file !== 'CuratorPeer.java')
    .map((file) => file.slice(0, -'.java'.length))
    .sort();
  return ['CuratorPeer', ...extensions];
}

/**
 * Compiles CuratorPeer.java once per machine into os.tmpdir()/rxzk-interop-<hash of source and
 * class path>. Each compiler writes into a directory of its own, renamed into place when done:
 * two jest workers may both compile, one rename wins, and no one ever sees a half-written class.
 */
function curatorClasses(): Promise<string> {
  compiled ??= (async () => {
    const missing = CURATOR_JARS.filter((jar) => !existsSync(jar));
    if (missing.length > 0) throw new Error(`the Curator peer needs ${missing.join(', ')}: ${INSTALL_HINT}`);
    const sources = curatorSources().map((name) => path.join(HERE, `${name}.java`));
    const digest = createHash('sha256');
    for (const source of sources) digest.update(await fs.readFile(source));
    const hash = digest.update(CURATOR_JARS.join(':')).digest('hex').slice(0, 16);
    const dir = path.join(os.tmpdir(), `rxzk-interop-${hash}`);
    if (existsSync(path.join(dir, 'CuratorPeer.class'))) return dir;
    const scratch = await fs.mkdtemp(`${dir}.tmp-`);
    try {
      await execFileAsync(javaTool('javac'), ['-nowarn', '-Xlint:-path', '-cp', CURATOR_JARS.join(':'), '-d', scratch, ...sources], { timeout: 120_000 });
      await fs.rename(scratch, dir).catch((err: NodeJS.ErrnoException) => {
        // Another worker got there first: its classes are as good as ours.
        if (!existsSync(path.join(dir, 'CuratorPeer.class'))) throw err;
      });
    } catch (err) {
      compiled = undefined;
      const detail = typeof err === 'object' && err !== null && 'stderr' in err ? String(err.stderr) : String(err);
      throw new Error(`compiling CuratorPeer.java failed (the JDK's javac and Curator's jars are needed: ${INSTALL_HINT}): ${detail.trim()}`);
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
    return dir;
  })();
  return compiled;
}

/** Starts a Curator 5.4 peer connected to `connectString`; resolves once its session is established. */
export async function startCuratorPeer(connectString: string, opts: PeerOptions = {}): Promise<CuratorPeer> {
  const started = Date.now();
  const classes = await curatorClasses();
  // C1 only and the serial collector: the peer starts in well under a second and stays small.
  const extensions = curatorSources().slice(1).join(',');
  const args = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xmx256m', `-Drxzk.peer.extensions=${extensions}`, '-cp', [...CURATOR_JARS, classes].join(':'),
    'CuratorPeer', connectString, String(opts.sessionTimeout ?? 10_000)];
  const remaining = (opts.startTimeout ?? 60_000) - (Date.now() - started);
  return startPeer<CuratorCommands>('curator', javaTool('java'), args, { ...opts, startTimeout: Math.max(remaining, 1_000) });
}

/** Starts a kazoo 2.8 peer (Debian's /usr/bin/python3) connected to `connectString`. */
export function startKazooPeer(connectString: string, opts: PeerOptions = {}): Promise<KazooPeer> {
  const args = [path.join(HERE, 'kazoo_peer.py'), connectString, String(opts.sessionTimeout ?? 10_000)];
  return startPeer<KazooCommands>('kazoo', PYTHON, args, opts);
}

// Every peer still running, closed after the spec file that started it (module state is per file).
// Should the test process die instead, each peer sees its stdin close and exits by itself.
const live = new Set<{ close(): Promise<void> }>();
if (typeof afterAll === 'function') afterAll(() => Promise.all([...live].map((peer) => peer.close())));

interface Pending { cmd: string; resolve(value: unknown): void; reject(err: Error): void; timer: NodeJS.Timeout }

function startPeer<C extends CommandMap>(kind: 'curator' | 'kazoo', command: string, args: string[], opts: PeerOptions): Promise<Peer<C>> {
  const child: ChildProcess = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderrLines: string[] = [];
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let exit: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (err) => {
      exit = `could not start ${command}: ${err.message}`;
      resolve();
    });
    child.once('exit', (code, signal) => {
      exit = `exited (${signal ?? `code ${code}`})`;
      resolve();
    });
  });
  const tail = (): string => (stderrLines.length > 0 ? `\n--- ${kind} peer stderr (last lines) ---\n${stderrLines.join('\n')}` : '');
  const remember = (line: string): void => {
    stderrLines.push(line);
    if (stderrLines.length > 40) stderrLines.shift();
  };
  createInterface({ input: child.stderr! }).on('line', remember);

  const ready = new Promise<PeerSession>((resolve, reject) => {
    const startTimeout = opts.startTimeout ?? 60_000;
    const fail = (why: string): void => {
      clearTimeout(timer);
      pending.delete(0);
      child.kill('SIGKILL');
      reject(new Error(`${kind} peer: ${why}${kind === 'kazoo' ? ` (it needs kazoo for ${PYTHON}: ${INSTALL_HINT})` : ''}${tail()}`));
    };
    const timer = setTimeout(() => fail(`not connected within ${startTimeout} ms`), startTimeout);
    pending.set(0, { cmd: 'connect', timer, resolve: (v) => resolve(v as PeerSession), reject: (err) => fail(err.message) });
    void exited.then(() => pending.has(0) && fail(exit!));
  });

  createInterface({ input: child.stdout! }).on('line', (line) => {
    let reply: { id: number; ok: boolean; value?: unknown; error?: string };
    try {
      reply = JSON.parse(line);
    } catch {
      remember(`(stdout) ${line}`);
      return;
    }
    const call = pending.get(reply.id);
    if (!call) {
      remember(`(reply to no pending call) ${line}`);
      return;
    }
    pending.delete(reply.id);
    clearTimeout(call.timer);
    if (reply.ok) call.resolve(reply.value ?? null);
    else call.reject(new PeerCallError(`${kind} peer: ${call.cmd} failed: ${reply.error}${tail()}`, call.cmd, reply.error));
  });
  // Peers that died reject what they never answered.
  void exited.then(() => {
    for (const [id, call] of pending) {
      if (id === 0) continue;
      pending.delete(id);
      clearTimeout(call.timer);
      call.reject(new PeerCallError(`${kind} peer ${exit} before answering ${call.cmd}${tail()}`, call.cmd));
    }
  });
  child.stdin!.on('error', () => {
    // EPIPE once the peer is gone: the exit handler above rejects the calls.
  });

  const send = (cmd: string, args: Record<string, unknown> = {}, callOpts: { timeout?: number } = {}): Promise<unknown> => {
    if (exit !== null) return Promise.reject(new PeerCallError(`${kind} peer ${exit}: cannot send ${cmd}${tail()}`, cmd));
    const id = nextId++;
    const waits = typeof args.timeoutMs === 'number' ? args.timeoutMs + 10_000 : 0;
    const ms = callOpts.timeout ?? Math.max(opts.callTimeout ?? 20_000, waits);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new PeerCallError(`${kind} peer: no answer to ${cmd} ${JSON.stringify(args)} within ${ms} ms${tail()}`, cmd));
      }, ms);
      pending.set(id, { cmd, resolve, reject, timer });
      child.stdin!.write(`${JSON.stringify({ id, cmd, args })}\n`);
    });
  };

  let closing: Promise<void> | undefined;
  const peer: Peer<C> = {
    kind,
    pid: child.pid ?? -1,
    call: send as Peer<C>['call'],
    async sessionHolder() {
      const s = (await send('session')) as PeerSession;
      return { session: { id: BigInt(s.sessionId), password: Buffer.from(s.password, 'base64'), timeout: s.timeout } };
    },
    stderr: () => stderrLines.join('\n'),
    close() {
      closing ??= (async () => {
        if (exit === null) {
          child.stdin!.end(`${JSON.stringify({ id: nextId++, cmd: 'quit', args: {} })}\n`);
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        live.delete(peer);
      })();
      return closing;
    },
    async kill() {
      if (exit === null) child.kill('SIGKILL');
      await exited;
      live.delete(peer);
    },
  };
  live.add(peer);
  return ready.then(
    () => peer,
    async (err: Error) => {
      await exited;
      live.delete(peer);
      throw err;
    },
  );
}
