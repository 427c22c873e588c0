import { Observable, defer, distinctUntilChanged, map, throwError, type Subscription } from 'rxjs';
import { ClientClosedError, InvalidArgumentError, RequestTooLargeError, TimeoutError } from '../errors/client-errors';
import { AuthFailedError } from '../errors/server-errors';
import type { ZooKeeperError } from '../errors/zookeeper-error';
import { errorForCode } from '../errors/server-errors';
import { OpCode, WatcherType, type WatcherTypeName } from '../jute/op-codes';
import type { Acl, Stat } from '../jute/records/data';
import type { MultiReadOp } from '../jute/records/multi';
import type { PathWatchRequest } from '../jute/records/read';
import type { Operation } from '../session/operation';
import { isConnected, type ConnectionState, type Session } from '../session/connection-state';
import { SessionManager } from '../session/session-manager';
import type { WatchedEvent, Watcher } from '../session/watched-event';
import type { WatchKind } from '../session/watch-kind';
import { SharedWatches } from './watches/shared-watches';
import type { WatchRegistration } from '../session/watch-registry';
import { validateAcl } from './acl';
import { describe, toBoolean, toData, toOptions, toRequiredData, toVersion, type Data } from '../common/arguments';
import { resolveCreateMode, type CreateOptions } from './create-mode';
import { MULTI_READ } from './operations/multi-operations';
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
import { CREATE, CREATE2, CREATE_CONTAINER, CREATE_TTL, DELETE, RECONFIG, SET_ACL, SET_DATA } from './operations/write-operations';
import { resolveOptions, type ClientOptions, type ResolvedOptions } from './options';
import { prependChroot, validatePath } from '../common/path';
import { RequestObservable } from './request-observable';
import { Transaction } from './transaction';
import { createWithParents, deleteRecursively, ensurePath } from './tree-operations';
import { protectedCreate } from './protected-create';
import { fourLetterWord } from '../transport/four-letter-word';
import { waitUntilConnected } from './wait-until-connected';

/**
 * The `watch` option of the reads: a callback run once, on the next change.
 *
 * @example
 * zk.get('/app/config', { watch: (event) => console.log(event.type, event.path) }).subscribe();
 */
export interface WatchOptions {
  /**
   * Called once with the WatchedEvent of the next change (kazoo's `watch=`): NodeDataChanged or NodeDeleted
   * after `get`/`exists` (NodeCreated too after `exists` of a missing node), NodeChildrenChanged after
   * `getChildren`. Re-arm it by reading again; `watchData$` and friends do that for you.
   */
  watch?: Watcher;
}

/**
 * One read of `multiRead`.
 *
 * @example
 * const reads: MultiReadRequest[] = [{ type: 'get', path: '/app/config' }, { type: 'getChildren', path: '/app/workers' }];
 */
export interface MultiReadRequest {
  /** Which read: `'get'` (data and stat) or `'getChildren'` (the children's names). */
  type: 'get' | 'getChildren';
  /** The node to read. */
  path: string;
}

/**
 * One result of `multiRead`: what `get` or `getChildren` would give, or the error of that read.
 *
 * @example
 * const show = (r: MultiReadResult) => (r instanceof ZooKeeperError ? r.codeName : Array.isArray(r) ? r.join() : r.data.toString());
 */
export type MultiReadResult =
  | {
      /** The node's content (a `get`). */
      data: Buffer;
      /** The node's Stat (a `get`). */
      stat: Stat;
    }
  | string[]
  | ZooKeeperError;

/** The path of ZooKeeper's dynamic configuration node (ZooDefs.CONFIG_NODE), never chrooted. */
const CONFIG_NODE = '/zookeeper/config';

/**
 * A ZooKeeper client whose every operation is a cold Observable.
 *
 * @example
 * const zk = createClient({ hosts: '127.0.0.1:2181' });
 * await zk.start();
 * const path = await firstValueFrom(zk.create('/app', 'hello'));
 * const { data, stat } = await firstValueFrom(zk.get(path));
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

  /** The protocol handler: connection, session, requests, watches. Never exposed (the documented surface only). */
  private readonly sessionManager: SessionManager;
  private readonly options: ResolvedOptions;
  private readonly chroot: string;
  private readonly sharedWatches: SharedWatches;

  /**
   * Creates a client, connecting nothing until `start()` (the same as {@link createClient}).
   *
   * @param options hosts and the client's settings
   * @throws InvalidArgumentError or InvalidPathError when an option is invalid (e.g. no hosts, a bad chroot)
   */
  constructor(options: ClientOptions) {
    this.options = resolveOptions(options);
    this.chroot = this.options.session.chroot;
    this.sessionManager = new SessionManager(this.options.session);
    this.state$ = this.sessionManager.state$.asObservable();
    this.session$ = this.sessionManager.session$.asObservable();
    this.connected$ = this.state$.pipe(map(isConnected), distinctUntilChanged());
    this.sharedWatches = new SharedWatches(this, this.sessionManager);
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
   * SIGSTOP, a long synchronous task), and has not yet run the timers that would say so. Read it right before a
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
    const closing = this.sessionManager.closeInProgress;
    return closing === null ? this.connect() : closing.then(() => this.connect());
  }

  private connect(): Promise<void> {
    const manager = this.sessionManager;
    const startedHere = manager.start();
    if (startedHere) this.sharedWatches.clientStarted();
    const timeout = this.options.connectTimeout;
    return new Promise<void>((resolve, reject) => {
      let subscription: Subscription | undefined;
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        subscription?.unsubscribe();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => {
        const cause = manager.lastConnectError;
        const reason = cause instanceof Error ? `: ${cause.message}` : '';
        const error = new TimeoutError('connect', timeout, `no connection within ${timeout} ms${reason}`, { cause });
        finish(error);
        // Only the start() that started the client gives up on it; a running client goes on reconnecting.
        if (startedHere) manager.shutdown(error);
      }, timeout);
      subscription = manager.state$.subscribe((state) => {
        if (isConnected(state)) finish();
        else if (state === 'AUTH_FAILED') {
          const cause = manager.lastConnectError;
          finish(cause instanceof Error ? cause : new AuthFailedError());
        } else if (state === 'CLOSED') {
          // close() was called, or connecting gave up for good (e.g. TLS refused by every server): say which.
          const reason = manager.closeReason;
          finish(reason === null ? new ClientClosedError('the client was closed before it connected') : reason);
        }
      });
    });
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
   * zk.get('/app/config').subscribe(({ data, stat }) => console.log(data.toString(), stat.version));
   */
  get(path: string, opts?: WatchOptions): Observable<{
    /** The node's content. */
    data: Buffer;
    /** The node's Stat (versions, zxids, times, sizes). */
    stat: Stat;
  }> {
    return this.read(GET_DATA, path, opts, 'data');
  }

  /**
   * The stat of a node, or `null` when it does not exist. With `watch`, the
   * callback hears of the node's creation, change or deletion.
   *
   * @example
   * zk.exists('/app/lock').subscribe((stat) => console.log(stat ? 'held' : 'free'));
   */
  exists(path: string, opts?: WatchOptions): Observable<Stat | null> {
    return this.read(EXISTS, path, opts, 'exist');
  }

  /**
   * The names of a node's children (unsorted, as the server keeps them).
   *
   * @example
   * zk.getChildren('/services').subscribe((names) => console.log(names));
   */
  getChildren(path: string, opts?: WatchOptions): Observable<string[]> {
    return this.read(GET_CHILDREN, path, opts, 'child');
  }

  /**
   * The names of a node's children and the node's stat.
   *
   * @example
   * zk.getChildrenWithStat('/services').subscribe(({ children, stat }) => console.log(children, stat.cversion));
   */
  getChildrenWithStat(path: string, opts?: WatchOptions): Observable<{
    /** The children's names, unsorted. */
    children: string[];
    /** The parent node's Stat (`cversion`, `numChildren`, `pzxid` describe its children). */
    stat: Stat;
  }> {
    return this.read(GET_CHILDREN2, path, opts, 'child');
  }

  private read<Res>(
    op: Operation<PathWatchRequest, Res>,
    path: string,
    opts: WatchOptions | undefined,
    kind: WatchRegistration['kind'],
  ): Observable<Res> {
    try {
      const userPath = validatePath(path);
      const serverPath = prependChroot(this.chroot, userPath);
      const watcher = watcherOf(opts);
      const watch = watcher ? { kind, path: serverPath, watcher } : null;
      // Under a persistent watch on the same path the watcher is served from its events (see coveredByPersistent).
      const serverWatch = watch !== null && !this.sessionManager.watches.coveredByPersistent(serverPath, kind);
      return new RequestObservable(this.sessionManager, op, { path: serverPath, watch: serverWatch }, userPath, watch);
    } catch (err) {
      return throwError(() => err);
    }
  }

  /**
   * A node's ACL and stat.
   *
   * @example
   * zk.getAcl('/app').subscribe(({ acl }) => console.log(acl));
   */
  getAcl(path: string): Observable<{
    /** The node's ACL entries. */
    acl: Acl[];
    /** The node's Stat (`aversion` is the ACL's version, for `setAcl`). */
    stat: Stat;
  }> {
    return this.onPath(path, (serverPath, userPath) => new RequestObservable(this.sessionManager, GET_ACL, { path: serverPath }, userPath));
  }

  /**
   * Waits until the server this client talks to has caught up with the leader
   * on `path`; emits the path.
   *
   * @example
   * await firstValueFrom(zk.sync('/app'));
   */
  sync(path: string): Observable<string> {
    return this.onPath(path, (serverPath, userPath) => new RequestObservable(this.sessionManager, SYNC, { path: serverPath }, userPath));
  }

  /**
   * The number of descendants of a node (ZooKeeper 3.6+).
   *
   * @example
   * zk.getAllChildrenNumber('/app').subscribe((n) => console.log(n));
   */
  getAllChildrenNumber(path: string): Observable<number> {
    return this.onPath(path, (serverPath, userPath) =>
      new RequestObservable(this.sessionManager, GET_ALL_CHILDREN_NUMBER, { path: serverPath }, userPath),
    );
  }

  /**
   * The paths of this session's ephemeral nodes under a prefix (ZooKeeper 3.6+).
   * The prefix matches as a string, as the server does ('/a' matches '/ab').
   *
   * @example
   * zk.getEphemerals('/locks').subscribe((paths) => console.log(paths));
   */
  getEphemerals(prefix = '/'): Observable<string[]> {
    return this.onPath(prefix, (serverPath, userPath) =>
      new RequestObservable(this.sessionManager, GET_EPHEMERALS, { prefixPath: serverPath }, userPath),
    );
  }

  /**
   * The identities the server holds for this connection (ZooKeeper 3.7+).
   *
   * @example
   * zk.whoAmI().subscribe((ids) => console.log(ids)); // [{ scheme: 'ip', id: '127.0.0.1' }]
   */
  whoAmI(): Observable<
    {
      /** The authentication scheme, e.g. 'ip', 'digest', 'sasl', 'x509'. */
      scheme: string;
      /** The identity under that scheme, e.g. '127.0.0.1' or 'alice'. */
      id: string;
    }[]
  > {
    return new RequestObservable(this.sessionManager, WHO_AM_I, null, undefined);
  }

  /**
   * The ensemble's dynamic configuration (the `/zookeeper/config` node, outside any chroot).
   *
   * @example
   * zk.getConfig().subscribe(({ data }) => console.log(data.toString()));
   */
  getConfig(): Observable<{
    /** The configuration in zoo.cfg's dynamic format (`server.1=host:2888:3888:participant;2181` lines, `version=`). */
    data: Buffer;
    /** The Stat of /zookeeper/config (its `mzxid` is the configuration's version). */
    stat: Stat;
  }> {
    return new RequestObservable(this.sessionManager, GET_DATA, { path: CONFIG_NODE, watch: false }, CONFIG_NODE);
  }

  /**
   * Several reads in one request (ZooKeeper 3.6+): each result is what `get` or
   * `getChildren` would give, or the ZooKeeperError of that read alone.
   *
   * @example
   * zk.multiRead([{ type: 'get', path: '/a' }, { type: 'getChildren', path: '/b' }]).subscribe(console.log);
   */
  multiRead(ops: MultiReadRequest[]): Observable<MultiReadResult[]> {
    return defer(() => {
      if (!Array.isArray(ops)) throw new InvalidArgumentError(`multiRead takes an array of { type, path }, not ${describe(ops)}`);
      const userPaths: string[] = [];
      const requests: MultiReadOp[] = ops.map((op, i) => {
        if (typeof op !== 'object' || op === null || (op.type !== 'get' && op.type !== 'getChildren')) {
          throw new InvalidArgumentError(`multiRead op ${i} must be { type: 'get' | 'getChildren', path }`);
        }
        const userPath = validatePath(op.path);
        userPaths.push(userPath);
        const request = { path: prependChroot(this.chroot, userPath), watch: false };
        return op.type === 'get' ? { type: OpCode.getData, request } : { type: OpCode.getChildren, request };
      });
      return new Observable<MultiReadResult[]>((subscriber) =>
        new RequestObservable(this.sessionManager, MULTI_READ, requests, userPaths[0]).subscribe({
          next: (results) =>
            subscriber.next(
              results.map((r, i): MultiReadResult => {
                if (r.type === OpCode.getData) return { data: r.data, stat: r.stat };
                if (r.type === OpCode.getChildren) return r.children;
                if (r.type === OpCode.error) return errorForCode(r.err, userPaths[i]);
                throw new InvalidArgumentError(`unexpected multiRead result type ${r.type}`);
              }),
            ),
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      );
    });
  }

  // ---- writes --------------------------------------------------------------

  /**
   * Creates a node; emits its path (with the sequence suffix of a sequential node).
   *
   * @example
   * zk.create('/app/workers/w-', 'payload', { ephemeral: true, sequential: true }).subscribe(console.log);
   */
  create(path: string, data?: Data | null, opts?: CreateOptions): Observable<string> {
    return this.createNode(path, data, opts, false) as Observable<string>;
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
  ): Observable<{
    /** The path created (with its sequence suffix when sequential), relative to the chroot. */
    path: string;
    /** The new node's Stat. */
    stat: Stat;
  }> {
    return this.createNode(path, data, opts, true) as Observable<{ path: string; stat: Stat }>;
  }

  private createNode(path: string, data: Data | null | undefined, opts: CreateOptions | undefined, withStat: boolean): Observable<unknown> {
    // The common case, a persistent node with the default ACL, without the option machinery below.
    if (opts === undefined && typeof path === 'string') {
      try {
        const userPath = validatePath(path);
        const bytes = toData(data);
        this.checkSize(bytes);
        const request = { path: prependChroot(this.chroot, userPath), data: bytes, acl: this.options.defaultAcl, flags: 0 };
        return withStat
          ? new RequestObservable(this.sessionManager, CREATE2, request, userPath)
          : new RequestObservable(this.sessionManager, CREATE, request, userPath);
      } catch (err) {
        return throwError(() => err);
      }
    }
    try {
      if (opts !== undefined && (typeof opts !== 'object' || opts === null)) {
        throw new InvalidArgumentError(`create options must be an object, not ${describe(opts)}`);
      }
      const options = opts ?? {};
      const mode = resolveCreateMode(options);
      const userPath = validatePath(path, mode.sequential);
      const bytes = toData(data);
      const acl = options.acl === undefined ? this.options.defaultAcl : validateAcl(options.acl);
      this.checkSize(bytes);
      const request = (target: string) => ({ path: prependChroot(this.chroot, target, mode.sequential), data: bytes, acl, flags: mode.flags });
      // Every create but a plain one answers with the stat too; protected creates need it to report a node found by search.
      const createWithStat = (target: string): Observable<{ path: string; stat: Stat }> => {
        if (mode.ttl > 0) return new RequestObservable(this.sessionManager, CREATE_TTL, { ...request(target), ttl: mode.ttl }, target);
        if (mode.mode === 'CONTAINER') return new RequestObservable(this.sessionManager, CREATE_CONTAINER, request(target), target);
        return new RequestObservable(this.sessionManager, CREATE2, request(target), target);
      };
      const send = (target: string): Observable<unknown> =>
        withStat || options.protected || mode.ttl > 0 || mode.mode === 'CONTAINER'
          ? createWithStat(target)
          : new RequestObservable(this.sessionManager, CREATE, request(target), target);
      const withParents = <T>(target: string, make: (t: string) => Observable<T>) =>
        options.makePath ? createWithParents(this, target, acl, () => make(target), options.containerParents ? 'CONTAINER' : 'PERSISTENT') : make(target);
      if (options.protected) {
        const created = protectedCreate(this, waitUntilConnected(this.sessionManager), userPath, (target) => withParents(target, createWithStat));
        return withStat ? created : created.pipe(map((c) => c.path));
      }
      const created = withParents(userPath, send);
      if (withStat || (mode.ttl <= 0 && mode.mode !== 'CONTAINER')) return created;
      return (created as Observable<{ path: string }>).pipe(map((c) => c.path));
    } catch (err) {
      return throwError(() => err);
    }
  }

  /**
   * Creates every missing node of a path (persistent, with `acl` or the
   * default ACL); with `{ container: true }` as container nodes, which the
   * server deletes once their last child is gone (persistent on a server
   * without containers).
   *
   * @example
   * await lastValueFrom(zk.ensurePath('/app/config/db'));
   * await lastValueFrom(zk.ensurePath('/locks/orders', undefined, { container: true }));
   */
  ensurePath(path: string, acl?: Acl[], opts?: { container?: boolean }): Observable<void> {
    try {
      const userPath = validatePath(path);
      const container = toBoolean(toOptions(opts, 'ensurePath options').container, 'ensurePath option container', false);
      return ensurePath(this, userPath, acl === undefined ? this.options.defaultAcl : validateAcl(acl), container ? 'CONTAINER' : 'PERSISTENT');
    } catch (err) {
      return throwError(() => err);
    }
  }

  /**
   * Replaces a node's data; `version` -1 (default) matches any version. Emits the new stat.
   *
   * @example
   * zk.set('/app/config', JSON.stringify(config), stat.version).subscribe();
   */
  set(path: string, data: Data, version = -1): Observable<Stat> {
    return this.onPath(path, (serverPath, userPath) => {
      // Required: `set(path, null)` must not quietly empty the node.
      const bytes = toRequiredData(data);
      this.checkSize(bytes);
      return new RequestObservable(this.sessionManager, SET_DATA, { path: serverPath, data: bytes, version: toVersion(version) }, userPath);
    });
  }

  /**
   * Deletes a node; with `recursive`, its descendants first (kazoo's recursive delete).
   *
   * @example
   * zk.delete('/app/tmp', { recursive: true }).subscribe();
   */
  delete(path: string, opts?: { version?: number; recursive?: boolean }): Observable<void> {
    return this.onPath(path, (serverPath, userPath) => {
      const options = toOptions(opts, 'delete options');
      const version = toVersion(options.version);
      // A boolean, not truthiness: `{ recursive: 'false' }` must not delete a whole subtree.
      if (toBoolean(options.recursive, 'delete option recursive', false)) return deleteRecursively(this, userPath, version);
      return new RequestObservable(this.sessionManager, DELETE, { path: serverPath, version }, userPath);
    });
  }

  /**
   * Replaces a node's ACL; `version` is the ACL version (`aversion`). Emits the new stat.
   *
   * @example
   * zk.setAcl('/app', [makeDigestAcl('admin', 'secret', Perms.ALL)]).subscribe();
   */
  setAcl(path: string, acl: Acl[], version = -1): Observable<Stat> {
    return this.onPath(path, (serverPath, userPath) =>
      new RequestObservable(this.sessionManager, SET_ACL, { path: serverPath, acl: validateAcl(acl), version: toVersion(version) }, userPath),
    );
  }

  /**
   * A transaction builder: `.create() .delete() .set() .check()`, then `.commit()`.
   *
   * @example
   * zk.transaction().create('/a', 'x').delete('/b').commit().subscribe(console.log);
   */
  transaction(): Transaction {
    return new Transaction(this.sessionManager, this.chroot, this.options.defaultAcl, validateAcl);
  }

  /**
   * Adds credentials to the session (e.g. `addAuth('digest', 'user:password')`);
   * they are sent again on every reconnect.
   *
   * @example
   * await lastValueFrom(zk.addAuth('digest', 'admin:secret'));
   */
  addAuth(scheme: string, credential: string | Buffer): Observable<void> {
    return new Observable<void>((subscriber) => {
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
  reconfig(opts: { joining?: string; leaving?: string; newMembers?: string; fromConfig?: bigint }): Observable<{
    /** The new configuration, in the format of `getConfig()`. */
    data: Buffer;
    /** The Stat of /zookeeper/config after the change. */
    stat: Stat;
  }> {
    return defer(() => {
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
      return new RequestObservable(this.sessionManager, RECONFIG, request, CONFIG_NODE);
    });
  }

  /**
   * Removes this session's watches of a type on a path, server side, and tells
   * their callbacks (DataWatchRemoved / ChildWatchRemoved).
   *
   * @example
   * zk.removeWatches('/app/config', 'DATA').subscribe();
   */
  removeWatches(path: string, type: WatcherTypeName): Observable<void> {
    return this.onPath(path, (serverPath, userPath) => {
      if (!Object.prototype.hasOwnProperty.call(WatcherType, type)) {
        throw new InvalidArgumentError(`watcher type must be 'CHILDREN', 'DATA' or 'ANY', not ${describe(type)}`);
      }
      const registry = this.sessionManager.watches;
      return new Observable<void>((subscriber) =>
        new RequestObservable(this.sessionManager, REMOVE_WATCHES, { path: serverPath, type: WatcherType[type] }, userPath).subscribe({
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
    return this.onPath(path, (serverPath, userPath) => this.sharedWatches.observe<T>(kind, serverPath, userPath));
  }

  // ---- server information ------------------------------------------------------

  /**
   * The version of the connected server, e.g. '3.8.0' (from the `srvr` four-letter word).
   *
   * @example
   * zk.serverVersion().subscribe((v) => console.log(v));
   */
  serverVersion(): Observable<string> {
    return this.command('srvr').pipe((source) =>
      new Observable<string>((subscriber) =>
        source.subscribe({
          next: (text) => {
            const match = /version:\s*(\d+\.\d+\.\d+)/i.exec(text);
            if (match) subscriber.next(match[1]);
            else subscriber.error(new InvalidArgumentError(`no version in the server's answer to srvr: ${JSON.stringify(text.slice(0, 200))}`));
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      ),
    );
  }

  /**
   * Sends a four-letter word ('ruok', 'srvr', 'mntr', …) to the connected
   * server over a separate socket, once connected; emits the answer.
   *
   * @example
   * zk.command('ruok').subscribe((answer) => console.log(answer)); // 'imok'
   */
  command(cmd: string): Observable<string> {
    if (typeof cmd !== 'string' || !/^[a-z]{4}$/.test(cmd)) {
      return throwError(() => new InvalidArgumentError(`a four-letter word is four lowercase letters, not ${describe(cmd)}`));
    }
    return waitUntilConnected(this.sessionManager).pipe((source) =>
      new Observable<string>((subscriber) => {
        let inner: Subscription | undefined;
        const outer = source.subscribe({
          next: (server) => {
            inner = fourLetterWord(server, cmd, { tls: this.options.session.tls, timeout: this.options.session.sessionTimeout }).subscribe(subscriber);
          },
          error: (err: unknown) => subscriber.error(err),
        });
        return () => {
          outer.unsubscribe();
          inner?.unsubscribe();
        };
      }),
    );
  }

  // ---- helpers -------------------------------------------------------------

  /** Validates a path, then builds the request; an invalid argument errors the returned Observable, sending nothing. */
  private onPath<T>(path: string, build: (serverPath: string, userPath: string) => Observable<T>): Observable<T> {
    try {
      const userPath = validatePath(path);
      return build(prependChroot(this.chroot, userPath), userPath);
    } catch (err) {
      return throwError(() => err);
    }
  }

  /** Refuses data that cannot fit a frame before anything is sent (the exact check happens when encoding). */
  private checkSize(data: Buffer): void {
    const limit = this.options.session.maxFrameSize;
    if (data.length > limit) throw new RequestTooLargeError(data.length, limit);
  }

}

function watcherOf(opts: WatchOptions | undefined): Watcher | undefined {
  if (opts === undefined || opts === null) return undefined;
  if (typeof opts !== 'object') throw new InvalidArgumentError(`read options must be an object, not ${describe(opts)}`);
  if (opts.watch === undefined) return undefined;
  if (typeof opts.watch !== 'function') throw new InvalidArgumentError(`watch must be a function, not ${describe(opts.watch)}`);
  return opts.watch;
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
