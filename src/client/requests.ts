import { throwError, type Observable } from 'rxjs';
import { describe } from '../common/arguments';
import { prependChroot, validatePath } from '../common/path';
import { InvalidArgumentError, RequestTooLargeError } from '../errors/client-errors';
import type { Acl } from '../jute/records/data';
import type { PathWatchRequest } from '../jute/records/read';
import type { Operation } from '../session/operation';
import type { SessionManager } from '../session/session-manager';
import type { Watcher } from '../session/watched-event';
import type { WatchRegistration } from '../session/watch-registry';
import type { WatchOptions } from './node-ops';
import { failed, type AwaitableObservable } from './awaitable';
import { RequestObservable } from './request-observable';

/**
 * The client's request layer: what every operation does between the user's
 * arguments and a RequestObservable — check the path and add the chroot,
 * refuse data too large for a frame, attach a watch. It holds the session, the
 * chroot and the default ACL; the facade (ZooKeeperClient) and the builders
 * of the larger operations (create.ts, multi-read.ts) use it. A bad argument
 * errors the returned Observable and sends nothing.
 */
export class Requests {
  constructor(
    readonly session: SessionManager,
    /** The chroot prefix ('' for none). */
    readonly chroot: string,
    /** The ACL of nodes created without one. */
    readonly defaultAcl: Acl[],
    /** The largest request frame sent (the option `maxFrameSize`). */
    private readonly maxFrameSize: number,
  ) {}

  /** One request of `op` with `args`, sent on each subscription; `userPath` is the path errors name. */
  send<Req, Res>(op: Operation<Req, Res>, args: Req, userPath: string | undefined): RequestObservable<Req, Res> {
    return new RequestObservable(this.session, op, args, userPath);
  }

  /** A read of a path (exists, getData, getChildren, getChildren2), with the watch of `opts` of the given kind. */
  read<Res>(op: Operation<PathWatchRequest, Res>, path: string, opts: WatchOptions | undefined, kind: WatchRegistration['kind']): AwaitableObservable<Res> {
    try {
      const userPath = validatePath(path);
      const serverPath = prependChroot(this.chroot, userPath);
      const watcher = watcherOf(opts);
      const watch = watcher ? { kind, path: serverPath, watcher } : null;
      // Under a persistent watch on the same path the watcher is served from its events (see coveredByPersistent).
      const serverWatch = watch !== null && !this.session.watches.coveredByPersistent(serverPath, kind);
      return new RequestObservable(this.session, op, { path: serverPath, watch: serverWatch }, userPath, watch);
    } catch (err) {
      return failed(err);
    }
  }

  /** Validates a path, then builds the operation from the chrooted path and the caller's; a bad argument fails it. */
  onPath<T>(path: string, build: (serverPath: string, userPath: string) => AwaitableObservable<T>): AwaitableObservable<T> {
    return this.checked(path, build, failed);
  }

  /** `onPath` for a stream that does not complete (watchData$ and friends): a plain Observable, not awaitable. */
  onPathStream<T>(path: string, build: (serverPath: string, userPath: string) => Observable<T>): Observable<T> {
    return this.checked(path, build, (err) => throwError(() => err));
  }

  private checked<R>(path: string, build: (serverPath: string, userPath: string) => R, fail: (err: unknown) => R): R {
    try {
      const userPath = validatePath(path);
      return build(prependChroot(this.chroot, userPath), userPath);
    } catch (err) {
      return fail(err);
    }
  }

  /** Refuses data that cannot fit a frame before anything is sent (the exact check happens when encoding). */
  checkSize(data: Buffer): void {
    if (data.length > this.maxFrameSize) throw new RequestTooLargeError(data.length, this.maxFrameSize);
  }
}

/** The watcher of a read's options, after checking them. */
function watcherOf(opts: WatchOptions | undefined): Watcher | undefined {
  if (opts === undefined || opts === null) return undefined;
  if (typeof opts !== 'object') throw new InvalidArgumentError(`read options must be an object, not ${describe(opts)}`);
  if (opts.watch === undefined) return undefined;
  if (typeof opts.watch !== 'function') throw new InvalidArgumentError(`watch must be a function, not ${describe(opts.watch)}`);
  return opts.watch;
}
