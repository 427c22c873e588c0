// The public facade: ZooKeeperClient, every operation of the README and API.md with its documentation. Each
// method checks what is particular to it and hands the request to the layer below (requests.ts: path, chroot,
// size, watch; create.ts, multi-read.ts, four-letter.ts, start.ts for the larger ones). Its own helpers (tree
// operations, protected create, shared watches) see it only as NodeOps (node-ops.ts), which it satisfies
// structurally: an `implements` clause would name an internal type in the public reference.
import { Observable, defer, distinctUntilChanged, map, throwError } from 'rxjs';
import { describe, toBoolean, toOptions, toRequiredData, toVersion, type Data } from '../common/arguments';
import { CONFIG_NODE, validatePath } from '../common/path';
import { InvalidArgumentError } from '../errors/client-errors';
import { WatcherType, type WatcherTypeName } from '../jute/op-codes';
import type { Acl, Stat } from '../jute/records/data';
import type { ConnectionEvent } from '../session/connection-event';
import { isConnected, type ConnectionState, type Session } from '../session/connection-state';
import type { OperationListener, OperationRecord } from '../session/operation-record';
import { SessionManager } from '../session/session-manager';
import type { WatchedEvent } from '../session/watched-event';
import type { WatchKind } from '../session/watch-kind';
import type { WatchCounts } from '../session/watch-registry';
import { validateAcl } from './acl';
import { awaitable, awaitableFrom, failed, type AwaitableObservable } from './awaitable';
import { createNode } from './create';
import type { CreateOptions } from './create-mode';
import { command, serverVersion } from './four-letter';
import { multiRead, type MultiReadRequest, type MultiReadResult } from './multi-read';
import type { WatchOptions } from './node-ops';
import {
  EXISTS,
  GET_ACL,
  GET_ALL_CHILDREN_NUMBER,
  GET_CHILDREN,
  GET_CHILDREN2,
  GET_DATA,
  GET_EPHEMERALS,
  SYNC,
  WHO_AM_I,
} from './operations/read-operations';
import { REMOVE_WATCHES } from './operations/watch-operations';
import { DELETE, RECONFIG, SET_ACL, SET_DATA } from './operations/write-operations';
import { resolveOptions, type ClientOptions, type ResolvedOptions } from './options';
import { RecipeEvents, type RecipeActivity, type RecipeActivityInfo, type RecipeCountEvent, type RecipeEvent } from './recipe-events';
import { Requests } from './requests';
import { startClient } from './start';
import { Transaction } from './transaction';
import { deleteRecursively, ensurePath } from './tree-operations';
import { SharedWatches } from './watches/shared-watches';
import { EnsembleFollower } from './ensemble-follower';
import { parseConnectString } from '../transport/connect-string';


/**
 * A ZooKeeper client whose every operation is a cold Observable.
 *
 * Every one-shot operation (reads, writes, `commit()`, `addAuth`, …) returns an
 * {@link AwaitableObservable}: `await` it for its value, or subscribe to it.
 * It is cold: nothing is sent until a `subscribe` or an `await`, and each one
 * sends the request once (awaiting the same object twice sends it twice). The
 * streams that never complete (`state$`, `watchData$`, `watch$`, …) are plain
 * Observables, not awaitable.
 *
 * @example
 * const zk = createClient({ hosts: '127.0.0.1:2181' });
 * await zk.start();
 * const path = await zk.create('/app', 'hello');
 * const { data, stat } = await zk.get(path);
 * await zk.close();
 */
export class ZooKeeperClient {
  /** The connection state; replays the current state to every new subscriber. */
  readonly state$: Observable<ConnectionState>;
  /** The session (`null` while there is none); replays the current one. */
  readonly session$: Observable<Session | null>;
  /**
   * True while connected (CONNECTED or CONNECTED_READ_ONLY), false otherwise
   * (CLOSED included); distinct, replays the current value, never completes
   * (the client can be started again).
   *
   * @example
   * zk.connected$.subscribe((up) => health.set(up));
   */
  readonly connected$: Observable<boolean>;
  /**
   * Every request this client sends, once it is over (issue 22): operation, path, outcome, latency, bytes, session,
   * server — one {@link OperationRecord} each, in completion order. Hot, no replay, never completes. While nobody
   * subscribes (and no {@link ZooKeeperClient.addOperationListener | listener} is attached) nothing is measured: a
   * request asks once whether anyone listens, and builds nothing otherwise.
   *
   * @example
   * zk.operations$.subscribe((r) => console.log(`${r.op} ${r.path ?? ''} ${r.ok ? 'ok' : r.error?.name} ${r.duration.toFixed(2)} ms`));
   */
  readonly operations$: Observable<OperationRecord>;
  /**
   * What happens to the connection and the session: each attempt (`connecting`), each connection made
   * (`connected`, with server, session id, negotiated timeout, read-only, new or resumed), each that ends without
   * `close()` (`disconnected`, with a reason), expiries, refused credentials, `closed`. Hot, no replay, never
   * completes (a closed client can be started again).
   *
   * @example
   * zk.connectionEvents$.pipe(filter((e) => e.type === 'disconnected')).subscribe((e) => console.warn(`lost ${e.server}: ${e.reason}`));
   */
  readonly connectionEvents$: Observable<ConnectionEvent>;
  /**
   * What the recipes on this client report (issue 22): a lock's waits and holds, a leader's terms, a queue's puts
   * and takes, a TreeCache's load and size. Hot, no replay, never completes; recipes build nothing while nobody
   * subscribes. `rxzk/opentelemetry` turns them into metrics and spans.
   *
   * @example
   * zk.recipeEvents$.subscribe((e) => { if (e.type === 'activity-ended') console.log(e.kind, e.path, e.outcome, e.duration); });
   */
  readonly recipeEvents$: Observable<RecipeEvent>;

  /** The protocol handler: connection, session, requests, watches. Never exposed (the documented surface only). */
  private readonly sessionManager: SessionManager;
  private readonly options: ResolvedOptions;
  /** The request layer: path checks, chroot, default ACL, frame size. */
  private readonly requests: Requests;
  private readonly sharedWatches: SharedWatches;
  private readonly recipeEvents = new RecipeEvents();

  /**
   * Creates a client, connecting nothing until `start()` (the same as {@link createClient}).
   *
   * @param options hosts and the client's settings
   * @throws InvalidArgumentError or InvalidPathError when an option is invalid (e.g. no hosts, a bad chroot)
   */
  constructor(options: ClientOptions) {
    this.options = resolveOptions(options);
    this.sessionManager = new SessionManager(this.options.session);
    this.requests = new Requests(this.sessionManager, this.options.session.chroot, this.options.defaultAcl, this.options.session.maxFrameSize);
    this.state$ = this.sessionManager.state$.asObservable();
    this.session$ = this.sessionManager.session$.asObservable();
    this.connected$ = this.state$.pipe(map(isConnected), distinctUntilChanged());
    this.sharedWatches = new SharedWatches(this, this.sessionManager);
    const operations = this.sessionManager.operations;
    this.operations$ = new Observable<OperationRecord>((subscriber) => operations.add({ completed: (record) => subscriber.next(record) }));
    this.connectionEvents$ = this.sessionManager.connectionEvents$.asObservable();
    this.recipeEvents$ = this.recipeEvents.events$;
    // It follows the session's state for the client's life (as the shared watches do): nothing to keep here.
    if (this.options.followEnsemble) new EnsembleFollower(this.sessionManager, this.options.session.tls !== undefined);
  }

  /** The connection state now (the last value of `state$`). */
  get state(): ConnectionState {
    return this.sessionManager.state;
  }

  /** The session now (id, password, negotiated timeout), or `null` while there is none (the last value of `session$`). */
  get session(): Session | null {
    return this.sessionManager.session;
  }

  /** 'host:port' of the server the client is connected to now, or null. */
  get server(): string | null {
    return this.sessionManager.server;
  }

  /**
   * How long ago, in ms, bytes last came from a server: from the current connection, or while reconnecting from
   * the last one (a monotonic clock, `performance.now()`); `null` before the first connection. A live connection
   * hears at least a ping reply every third of the session timeout, so a silence as long as the negotiated
   * session timeout means the server may have expired the session already — or this process was paused (a GC,
   * SIGSTOP, a long synchronous task), and has not yet run the timers that would say so. Bytes read right after
   * such a pause do not count as heard then: they may have waited in the socket since it began, so the silence is
   * counted from the last moment before the pause that the client saw itself running. Read it right before a
   * side effect that must not outlive the session (the recipes' holdings do, in their `state`).
   *
   * @example
   * const silence = zk.timeSinceLastReceived;
   * if (silence === null || silence >= (zk.session?.timeout ?? 0)) throw new Error('the session may be gone');
   * await writeToStorage();
   */
  get timeSinceLastReceived(): number | null {
    const last = this.sessionManager.lastReceived;
    return last === null ? null : performance.now() - last;
  }

  /**
   * Replaces the host list (the Java client's updateServerList, kazoo's `set_hosts`); the session is kept. The
   * client moves so that the load evens out over the new list, by the Java client's rule (ZOOKEEPER-1355): at once
   * when its server is not in the new list; when the list grew, with probability 1 - oldSize/newSize, to one of
   * the new servers (so each server ends with its share of the clients on average); otherwise it stays. A move
   * drops the connection (SUSPENDED, then CONNECTED on the same session elsewhere): requests in flight on it fail
   * with ConnectionLossError, the others wait. The same servers in another order change nothing. Host names are
   * resolved when connecting, each to all its addresses. With `followEnsemble`, the ensemble's next configuration
   * change replaces this list again.
   *
   * @param hosts a connect string or its items, as the `hosts` option; a chroot suffix, if given, must be the
   *   client's own chroot (it cannot change)
   * @throws InvalidArgumentError for a malformed list or another chroot
   * @example
   * zk.updateHosts('zk1:2181,zk2:2181,zk3:2181,zk4:2181,zk5:2181'); // two servers added: about 2 clients in 5 move to them
   * zk.updateHosts(['zk1:2181', 'zk2:2181', 'zk3:2181']);          // zk4 and zk5 removed: their clients move at once
   */
  updateHosts(hosts: string | string[]): void {
    const { endpoints, chroot } = parseConnectString(hosts);
    const own = this.options.session.chroot;
    if (chroot !== '' && chroot !== own) {
      throw new InvalidArgumentError(`updateHosts: the chroot suffix ${JSON.stringify(chroot)} is not the client's chroot ${JSON.stringify(own || '/')}: the chroot cannot change`);
    }
    this.sessionManager.updateHosts(endpoints);
  }

  /**
   * Connects. Resolves once connected (read-write, or read-only when allowed).
   *
   * - The start that starts the client rejects after `connectTimeout` with a
   *   TimeoutError (whose `cause` is the last connection failure), or with
   *   AuthFailedError, and then leaves no socket or timer behind.
   * - On a client already running (connected or reconnecting) it resolves once
   *   connected; if that takes longer than `connectTimeout`, only this promise
   *   rejects: the client keeps reconnecting.
   * - After `close()` it starts afresh, as a new client would (a new session,
   *   nothing remembered of the old one), once a close in progress has finished.
   *
   * @example
   * await zk.start();
   */
  start(): Promise<void> {
    return startClient(this.sessionManager, this.options.connectTimeout, () => this.sharedWatches.clientStarted());
  }

  /**
   * Closes the session (its ephemerals go at once) and the connection.
   * Idempotent. Later operations fail with ClientClosedError.
   *
   * @example
   * await zk.close();
   */
  close(): Promise<void> {
    return this.sessionManager.close();
  }

  // ---- reads ---------------------------------------------------------------

  /**
   * The data and stat of a node.
   *
   * @example
   * const { data, stat } = await zk.get('/app/config');
   * zk.get('/app/config').subscribe(({ data, stat }) => console.log(data.toString(), stat.version));
   */
  get(path: string, opts?: WatchOptions): AwaitableObservable<{
    /** The node's content. */
    data: Buffer;
    /** The node's Stat (versions, zxids, times, sizes). */
    stat: Stat;
  }> {
    return this.requests.read(GET_DATA, path, opts, 'data');
  }

  /**
   * The stat of a node, or `null` when it does not exist. With `watch`, the
   * callback hears of the node's creation, change or deletion.
   *
   * @example
   * zk.exists('/app/lock').subscribe((stat) => console.log(stat ? 'held' : 'free'));
   */
  exists(path: string, opts?: WatchOptions): AwaitableObservable<Stat | null> {
    return this.requests.read(EXISTS, path, opts, 'exist');
  }

  /**
   * The names of a node's children (unsorted, as the server keeps them).
   *
   * @example
   * zk.getChildren('/services').subscribe((names) => console.log(names));
   */
  getChildren(path: string, opts?: WatchOptions): AwaitableObservable<string[]> {
    return this.requests.read(GET_CHILDREN, path, opts, 'child');
  }

  /**
   * The names of a node's children and the node's stat.
   *
   * @example
   * zk.getChildrenWithStat('/services').subscribe(({ children, stat }) => console.log(children, stat.cversion));
   */
  getChildrenWithStat(path: string, opts?: WatchOptions): AwaitableObservable<{
    /** The children's names, unsorted. */
    children: string[];
    /** The parent node's Stat (`cversion`, `numChildren`, `pzxid` describe its children). */
    stat: Stat;
  }> {
    return this.requests.read(GET_CHILDREN2, path, opts, 'child');
  }

  /**
   * A node's ACL and stat.
   *
   * @example
   * zk.getAcl('/app').subscribe(({ acl }) => console.log(acl));
   */
  getAcl(path: string): AwaitableObservable<{
    /** The node's ACL entries. */
    acl: Acl[];
    /** The node's Stat (`aversion` is the ACL's version, for `setAcl`). */
    stat: Stat;
  }> {
    return this.requests.onPath(path, (serverPath, userPath) => this.requests.send(GET_ACL, { path: serverPath }, userPath));
  }

  /**
   * Waits until the server this client talks to has caught up with the leader
   * on `path`; emits the path.
   *
   * @example
   * await zk.sync('/app');
   */
  sync(path: string): AwaitableObservable<string> {
    return this.requests.onPath(path, (serverPath, userPath) => this.requests.send(SYNC, { path: serverPath }, userPath));
  }

  /**
   * The number of descendants of a node (ZooKeeper 3.6+).
   *
   * @example
   * zk.getAllChildrenNumber('/app').subscribe((n) => console.log(n));
   */
  getAllChildrenNumber(path: string): AwaitableObservable<number> {
    return this.requests.onPath(path, (serverPath, userPath) =>
      this.requests.send(GET_ALL_CHILDREN_NUMBER, { path: serverPath }, userPath),
    );
  }

  /**
   * The paths of this session's ephemeral nodes under a prefix (ZooKeeper 3.6+).
   * The prefix matches as a string, as the server does ('/a' matches '/ab').
   *
   * @example
   * zk.getEphemerals('/locks').subscribe((paths) => console.log(paths));
   */
  getEphemerals(prefix = '/'): AwaitableObservable<string[]> {
    return this.requests.onPath(prefix, (serverPath, userPath) =>
      this.requests.send(GET_EPHEMERALS, { prefixPath: serverPath }, userPath),
    );
  }

  /**
   * The identities the server holds for this connection (ZooKeeper 3.7+).
   *
   * @example
   * zk.whoAmI().subscribe((ids) => console.log(ids)); // [{ scheme: 'ip', id: '127.0.0.1' }]
   */
  whoAmI(): AwaitableObservable<
    {
      /** The authentication scheme, e.g. 'ip', 'digest', 'sasl', 'x509'. */
      scheme: string;
      /** The identity under that scheme, e.g. '127.0.0.1' or 'alice'. */
      id: string;
    }[]
  > {
    return this.requests.send(WHO_AM_I, null, undefined);
  }

  /**
   * The ensemble's dynamic configuration (the `/zookeeper/config` node, outside any chroot).
   *
   * @example
   * zk.getConfig().subscribe(({ data }) => console.log(data.toString()));
   */
  getConfig(): AwaitableObservable<{
    /** The configuration in zoo.cfg's dynamic format (`server.1=host:2888:3888:participant;2181` lines, `version=`). */
    data: Buffer;
    /** The Stat of /zookeeper/config (its `mzxid` is the configuration's version). */
    stat: Stat;
  }> {
    return this.requests.send(GET_DATA, { path: CONFIG_NODE, watch: false }, CONFIG_NODE);
  }

  /**
   * Several reads in one request (ZooKeeper 3.6+): each result is what `get` or
   * `getChildren` would give, or the ZooKeeperError of that read alone.
   *
   * @example
   * zk.multiRead([{ type: 'get', path: '/a' }, { type: 'getChildren', path: '/b' }]).subscribe(console.log);
   */
  multiRead(ops: MultiReadRequest[]): AwaitableObservable<MultiReadResult[]> {
    return awaitable(multiRead(this.requests, ops));
  }

  // ---- writes --------------------------------------------------------------

  /**
   * Creates a node; emits its path (with the sequence suffix of a sequential node).
   *
   * @example
   * const me = await zk.create('/app/workers/w-', 'payload', { ephemeral: true, sequential: true });
   */
  create(path: string, data?: Data | null, opts?: CreateOptions): AwaitableObservable<string> {
    return createNode(this.requests, this, path, data, opts, false);
  }

  /**
   * Creates a node; emits its path and stat.
   *
   * @example
   * zk.createWithStat('/app/a', 'x').subscribe(({ path, stat }) => console.log(path, stat.czxid));
   */
  createWithStat(
    path: string,
    data?: Data | null,
    opts?: CreateOptions,
  ): AwaitableObservable<{
    /** The path created (with its sequence suffix when sequential), relative to the chroot. */
    path: string;
    /** The new node's Stat. */
    stat: Stat;
  }> {
    return createNode(this.requests, this, path, data, opts, true);
  }

  /**
   * Creates every missing node of a path (persistent, with `acl` or the
   * default ACL); with `{ container: true }` as container nodes, which the
   * server deletes once their last child is gone (persistent on a server
   * without containers).
   *
   * @example
   * await zk.ensurePath('/app/config/db');
   * await zk.ensurePath('/locks/orders', undefined, { container: true });
   */
  ensurePath(path: string, acl?: Acl[], opts?: { container?: boolean }): AwaitableObservable<void> {
    try {
      const userPath = validatePath(path);
      const container = toBoolean(toOptions(opts, 'ensurePath options').container, 'ensurePath option container', false);
      return awaitable(ensurePath(this, userPath, acl === undefined ? this.requests.defaultAcl : validateAcl(acl), container ? 'CONTAINER' : 'PERSISTENT'));
    } catch (err) {
      return failed(err);
    }
  }

  /**
   * Replaces a node's data; `version` -1 (default) matches any version. Emits the new stat.
   *
   * @example
   * zk.set('/app/config', JSON.stringify(config), stat.version).subscribe();
   */
  set(path: string, data: Data, version = -1): AwaitableObservable<Stat> {
    return this.requests.onPath(path, (serverPath, userPath) => {
      // Required: `set(path, null)` must not quietly empty the node.
      const bytes = toRequiredData(data);
      this.requests.checkSize(bytes);
      return this.requests.send(SET_DATA, { path: serverPath, data: bytes, version: toVersion(version) }, userPath);
    });
  }

  /**
   * Deletes a node; with `recursive`, its descendants first (kazoo's recursive delete).
   *
   * @example
   * zk.delete('/app/tmp', { recursive: true }).subscribe();
   */
  delete(path: string, opts?: { version?: number; recursive?: boolean }): AwaitableObservable<void> {
    return this.requests.onPath(path, (serverPath, userPath) => {
      const options = toOptions(opts, 'delete options');
      const version = toVersion(options.version);
      // A boolean, not truthiness: `{ recursive: 'false' }` must not delete a whole subtree.
      if (toBoolean(options.recursive, 'delete option recursive', false)) return awaitable(deleteRecursively(this, userPath, version));
      return this.requests.send(DELETE, { path: serverPath, version }, userPath);
    });
  }

  /**
   * Replaces a node's ACL; `version` is the ACL version (`aversion`). Emits the new stat.
   *
   * @example
   * zk.setAcl('/app', [makeDigestAcl('admin', 'secret', Perms.ALL)]).subscribe();
   */
  setAcl(path: string, acl: Acl[], version = -1): AwaitableObservable<Stat> {
    return this.requests.onPath(path, (serverPath, userPath) =>
      this.requests.send(SET_ACL, { path: serverPath, acl: validateAcl(acl), version: toVersion(version) }, userPath),
    );
  }

  /**
   * A transaction builder: `.create() .delete() .set() .check()`, then `.commit()`.
   *
   * @example
   * zk.transaction().create('/a', 'x').delete('/b').commit().subscribe(console.log);
   */
  transaction(): Transaction {
    return new Transaction(this.sessionManager, this.requests.chroot, this.requests.defaultAcl, validateAcl);
  }

  /**
   * Adds credentials to the session (e.g. `addAuth('digest', 'user:password')`);
   * they are sent again on every reconnect.
   *
   * @example
   * await zk.addAuth('digest', 'admin:secret');
   */
  addAuth(scheme: string, credential: string | Buffer): AwaitableObservable<void> {
    return awaitableFrom<void>((subscriber) => {
      if (typeof scheme !== 'string' || scheme === '') {
        subscriber.error(new InvalidArgumentError(`scheme must be a non-empty string, not ${describe(scheme)}`));
        return;
      }
      let auth: Buffer;
      try {
        auth = toRequiredData(credential, 'credential');
      } catch (err) {
        subscriber.error(err);
        return;
      }
      return this.sessionManager.addAuth(scheme, auth, subscriber);
    });
  }

  /**
   * Changes the ensemble's membership (needs `reconfigEnabled` and the right
   * ACL on /zookeeper/config). Emits the new configuration.
   *
   * @example
   * zk.reconfig({ leaving: '3' }).subscribe(({ data }) => console.log(data.toString()));
   */
  reconfig(opts: { joining?: string; leaving?: string; newMembers?: string; fromConfig?: bigint }): AwaitableObservable<{
    /** The new configuration, in the format of `getConfig()`. */
    data: Buffer;
    /** The Stat of /zookeeper/config after the change. */
    stat: Stat;
  }> {
    return awaitable(
      defer(() => {
        if (typeof opts !== 'object' || opts === null) throw new InvalidArgumentError(`reconfig takes an options object, not ${describe(opts)}`);
        for (const key of ['joining', 'leaving', 'newMembers'] as const) {
          if (opts[key] !== undefined && typeof opts[key] !== 'string') throw new InvalidArgumentError(`reconfig ${key} must be a string`);
        }
        if (opts.fromConfig !== undefined && typeof opts.fromConfig !== 'bigint') throw new InvalidArgumentError('reconfig fromConfig must be a bigint');
        const request = {
          joiningServers: opts.joining ?? null,
          leavingServers: opts.leaving ?? null,
          newMembers: opts.newMembers ?? null,
          curConfigId: opts.fromConfig ?? -1n,
        };
        return this.requests.send(RECONFIG, request, CONFIG_NODE);
      }),
    );
  }

  /**
   * Removes this session's watches of a type on a path, server side, and tells
   * their callbacks (DataWatchRemoved / ChildWatchRemoved).
   *
   * @example
   * zk.removeWatches('/app/config', 'DATA').subscribe();
   */
  removeWatches(path: string, type: WatcherTypeName): AwaitableObservable<void> {
    return this.requests.onPath(path, (serverPath, userPath) => {
      if (!Object.prototype.hasOwnProperty.call(WatcherType, type)) {
        throw new InvalidArgumentError(`watcher type must be 'CHILDREN', 'DATA' or 'ANY', not ${describe(type)}`);
      }
      const registry = this.sessionManager.watches;
      return awaitableFrom<void>((subscriber) =>
        this.requests.send(REMOVE_WATCHES, { path: serverPath, type: WatcherType[type] }, userPath).subscribe({
          next: () => registry.removeAll(serverPath, type),
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            subscriber.next();
            subscriber.complete();
          },
        }),
      );
    });
  }

  // ---- watches ---------------------------------------------------------------

  /**
   * Follows a node's data: emits `{ data, stat }` now (`null` while the node
   * does not exist), then again after every change, re-arming ZooKeeper's
   * one-shot watch each time. Survives dropped connections and expired
   * sessions, completes when the client closes. Subscribers to one path share
   * one server watch.
   *
   * @example
   * zk.watchData$('/app/config').pipe(map((v) => JSON.parse(v?.data.toString() ?? '{}'))).subscribe(apply);
   */
  watchData$(path: string): Observable<{
    /** The node's content. */
    data: Buffer;
    /** The node's Stat at that content. */
    stat: Stat;
  } | null> {
    return this.follow('data', path);
  }

  /**
   * Follows a node's children: emits their names now (`null` while the node
   * does not exist), then after every change of the list.
   *
   * @example
   * zk.watchChildren$('/services/api').subscribe((names) => console.log('instances:', names));
   */
  watchChildren$(path: string): Observable<string[] | null> {
    return this.follow('child', path);
  }

  /**
   * Follows a node's existence: emits its stat (`null` while absent) now and
   * after every creation, deletion or data change.
   *
   * @example
   * zk.exists$('/app/leader').pipe(map((stat) => stat !== null)).subscribe((held) => console.log(held));
   */
  exists$(path: string): Observable<Stat | null> {
    return this.follow('exist', path);
  }

  /**
   * A persistent watch (addWatch, ZooKeeper 3.6+): every event on the node —
   * with `recursive`, on its whole subtree (NodeChildrenChanged excepted, as
   * the server sends none to recursive watches) — until unsubscribed. Restored
   * after a dropped connection, added again after an expiry, removed from the
   * server when its last subscriber leaves.
   *
   * @example
   * zk.watch$('/app', { recursive: true }).subscribe((e) => console.log(e.type, e.path));
   */
  watch$(path: string, opts?: { recursive?: boolean }): Observable<WatchedEvent> {
    try {
      const recursive = toBoolean(toOptions(opts, 'watch$ options').recursive, 'watch$ option recursive', false);
      return this.follow(recursive ? 'persistentRecursive' : 'persistent', path);
    } catch (err) {
      return throwError(() => err);
    }
  }

  private follow<T>(kind: WatchKind, path: string): Observable<T> {
    return this.requests.onPathStream(path, (serverPath, userPath) => this.sharedWatches.observe<T>(kind, serverPath, userPath));
  }

  // ---- server information ------------------------------------------------------

  /**
   * The version of the connected server, e.g. '3.8.0' (from the `srvr` four-letter word).
   *
   * @example
   * zk.serverVersion().subscribe((v) => console.log(v));
   */
  serverVersion(): AwaitableObservable<string> {
    return awaitable(serverVersion(this.sessionManager, this.options.session));
  }

  /**
   * Sends a four-letter word ('ruok', 'srvr', 'mntr', …) to the connected
   * server over a separate socket, once connected; emits the answer.
   *
   * @example
   * zk.command('ruok').subscribe((answer) => console.log(answer)); // 'imok'
   */
  command(cmd: string): AwaitableObservable<string> {
    return awaitable(command(this.sessionManager, this.options.session, cmd));
  }

  // ---- observability (issue 22) ----------------------------------------------------

  /**
   * Attaches a listener to every request of this client: `started` in the `subscribe` or `await` that asks for the
   * request (so the caller's context can be captured), `completed` with its {@link OperationRecord}.
   * `operations$` is the same stream without `started`. While no listener is attached nothing is measured.
   *
   * @param listener its `started` (optional) and `completed`
   * @returns the function that detaches it (idempotent); requests in flight then report to it no more
   * @example
   * const inFlight = new Set<string>();
   * const remove = zk.addOperationListener<string>({
   *   started: (s) => { const key = `${s.op} ${s.path}`; inFlight.add(key); return key; },
   *   completed: (_record, key) => inFlight.delete(key),
   * });
   * remove();
   */
  addOperationListener<S = undefined>(listener: OperationListener<S>): () => void {
    if (typeof listener !== 'object' || listener === null || typeof listener.completed !== 'function') {
      throw new InvalidArgumentError(`an operation listener needs a completed function, not ${describe(listener)}`);
    }
    if (listener.started !== undefined && typeof listener.started !== 'function') {
      throw new InvalidArgumentError(`an operation listener's started must be a function, not ${describe(listener.started)}`);
    }
    return this.sessionManager.operations.add(listener);
  }

  /**
   * How many paths this client holds a watch on now, by kind (the `zookeeper.client.watches` metric).
   *
   * @example
   * const { data, child, persistent } = zk.watchCounts;
   */
  get watchCounts(): WatchCounts {
    return this.sessionManager.watches.counts();
  }

  /**
   * For recipe authors: starts a recipe activity (a wait, a hold, a term, a load) and reports it on
   * `recipeEvents$` — `activity-started` now, synchronously (the caller's context is current), `activity-ended`
   * when the returned handle's `end()` is called. While nobody listens it returns a shared handle that does
   * nothing. Which activities each recipe reports, and when, is in the README ("Observability").
   *
   * @param info the activity's kind, the recipe's class name and its path
   * @returns the handle whose `end(outcome, error?)` ends it
   * @throws InvalidArgumentError for an unknown kind, or a recipe or path that is not a non-empty string
   * @example
   * const wait = zk.startRecipeActivity({ kind: 'lock-wait', recipe: 'Lock', path: '/locks/orders' });
   * const holding = await contend().catch((e) => { wait.end(e instanceof LockTimeoutError ? 'timeout' : 'error', e); throw e; });
   * wait.end('ok');
   */
  startRecipeActivity(info: RecipeActivityInfo): RecipeActivity {
    return this.recipeEvents.start(info);
  }

  /**
   * For recipe authors: reports a count on `recipeEvents$` (`queue-put`, `queue-take`, `tree-cache-size`); the
   * client adds the time. Does nothing while nobody listens.
   *
   * @param event the count, without `time`
   * @throws InvalidArgumentError for an unknown type, an empty recipe or path, or a count that is not a non-negative integer
   * @example
   * zk.reportRecipeEvent({ type: 'queue-put', recipe: 'Queue', path: '/queues/mail', count: items.length });
   */
  reportRecipeEvent(event: RecipeCountEvent): void {
    this.recipeEvents.report(event);
  }
}

/**
 * Same as `new ZooKeeperClient(options)`: a client that connects nothing until `start()`.
 *
 * @param options `hosts` and the client's settings
 * @throws InvalidArgumentError or InvalidPathError when an option is invalid, before anything is sent
 * @example
 * const zk = createClient({ hosts: '127.0.0.1:2181', sessionTimeout: 15_000 });
 * await zk.start();
 */
export function createClient(options: ClientOptions): ZooKeeperClient {
  return new ZooKeeperClient(options);
}
