import { map } from 'rxjs';
import { InvalidArgumentError, ProtocolError } from '../errors/client-errors';
import { OpCode } from '../jute/op-codes';
import type { Acl } from '../jute/records/data';
import type { MultiResult, TransactionOp } from '../jute/records/multi';
import type { OpResult } from '../errors/op-result';

export type { OpResult } from '../errors/op-result';
import type { SessionManager } from '../session/session-manager';
import { toData, toRequiredData, toVersion, type Data } from '../common/arguments';
import { resolveCreateMode, type CreateOptions } from './create-mode';
import { MULTI } from './operations/multi-operations';
import { prependChroot, stripChroot, validatePath } from '../common/path';
import { awaitable, failed, type AwaitableObservable } from './awaitable';
import { RequestObservable } from './request-observable';

/**
 * A transaction builder (README, `transaction()`): ops are collected, then sent
 * as one `multi` request by `commit()`; ZooKeeper applies all of them or none.
 * A bad argument to any op makes `commit()` fail with that error, sending nothing.
 *
 * @example
 * zk.transaction().create('/app/a', 'x').set('/app/b', 'y', 3).check('/app', 0).commit()
 *   .subscribe((results) => console.log(results));
 */
export class Transaction {
  private readonly ops: TransactionOp[] = [];
  private readonly paths: string[] = [];
  private error: Error | null = null;

  /** @internal */
  constructor(
    private readonly session: SessionManager,
    private readonly chroot: string,
    private readonly defaultAcl: Acl[],
    private readonly validateAcl: (acl: unknown) => Acl[],
  ) {}

  /**
   * Adds a create op. The options are those of `zk.create()` (mode, `acl`, `ttl`), except `makePath`,
   * `containerParents` and `protected`, which a single multi request cannot express (commit() then fails
   * with InvalidArgumentError). Its result is `{ type: 'create', path }`, `path` with a sequential suffix.
   *
   * @param path the node to create (the parent must exist, or be created by an earlier op)
   * @param data its content (string as UTF-8, Buffer, Uint8Array); empty when omitted
   * @param opts the node's mode and ACL (default: the client's `defaultAcl`)
   * @returns this builder, to chain the next op
   * @example
   * zk.transaction().create('/jobs', '').create('/jobs/job-', 'payload', { sequential: true }).commit()
   *   .subscribe(([, job]) => console.log(job.type === 'create' && job.path)); // '/jobs/job-0000000000'
   */
  create(path: string, data?: Data | null, opts: CreateOptions = {}): this {
    return this.add(() => {
      // Checked first: it also refuses options that are not an object (null would otherwise throw a TypeError below).
      const mode = resolveCreateMode(opts);
      if (opts.makePath || opts.containerParents || opts.protected) {
        throw new InvalidArgumentError('makePath, containerParents and protected are not available inside a transaction');
      }
      const userPath = validatePath(path, mode.sequential);
      const request = {
        path: prependChroot(this.chroot, userPath, mode.sequential),
        data: toData(data),
        acl: opts.acl === undefined ? this.defaultAcl : this.validateAcl(opts.acl),
        flags: mode.flags,
      };
      if (mode.ttl > 0) return [userPath, { type: OpCode.createTTL, request: { ...request, ttl: mode.ttl } }];
      if (mode.mode === 'CONTAINER') return [userPath, { type: OpCode.createContainer, request }];
      // create2 would not help: inside a multi the server answers it like create, with the path alone.
      return [userPath, { type: OpCode.create, request }];
    });
  }

  /**
   * Adds a delete op; it fails the transaction (NoNodeError, BadVersionError, NotEmptyError) when the node is
   * missing, its `stat.version` differs or it has children. Its result is `{ type: 'delete' }`.
   *
   * @param path the node to delete
   * @param version the data version it must have (`stat.version`); -1 (the default) for any
   * @returns this builder, to chain the next op
   * @example
   * zk.transaction().delete('/app/lock').delete('/app', 4).commit().subscribe();
   */
  delete(path: string, version = -1): this {
    return this.add(() => {
      const userPath = validatePath(path);
      return [userPath, { type: OpCode.delete, request: { path: prependChroot(this.chroot, userPath), version: toVersion(version) } }];
    });
  }

  /**
   * Adds a setData op; it fails the transaction with BadVersionError when the node's `stat.version` differs.
   * Its result is `{ type: 'set', stat }`, the node's new Stat.
   *
   * @param path the node to write
   * @param data its new content (string as UTF-8, Buffer, Uint8Array)
   * @param version the data version it must have (`stat.version`); -1 (the default) for any
   * @returns this builder, to chain the next op
   * @example
   * zk.transaction().set('/config', JSON.stringify(cfg), stat.version).commit()
   *   .subscribe(([result]) => console.log(result.type === 'set' && result.stat.version)); // stat.version + 1
   */
  set(path: string, data: Data, version = -1): this {
    return this.add(() => {
      const userPath = validatePath(path);
      const request = { path: prependChroot(this.chroot, userPath), data: toRequiredData(data), version: toVersion(version) };
      return [userPath, { type: OpCode.setData, request }];
    });
  }

  /**
   * Adds a check op: the transaction applies only if the node exists with this data version (`stat.version`),
   * else it fails with NoNodeError or BadVersionError. Changes nothing; its result is `{ type: 'check' }`.
   *
   * @param path the node to check
   * @param version the data version it must have (`stat.version`); -1 means only "it exists"
   * @returns this builder, to chain the next op
   * @example
   * // Write /app/state only while /app/leader is still the version this process read.
   * zk.transaction().check('/app/leader', leaderStat.version).set('/app/state', 'running').commit().subscribe();
   */
  check(path: string, version: number): this {
    return this.add(() => {
      const userPath = validatePath(path);
      if (version === undefined) throw new InvalidArgumentError('check needs a version');
      return [userPath, { type: OpCode.check, request: { path: prependChroot(this.chroot, userPath), version: toVersion(version) } }];
    });
  }

  /**
   * Sends the transaction. Emits one result per op, in order; a failed
   * transaction errors with a RolledBackError carrying `results` and
   * `failedIndex` (nothing was applied). Cold and awaitable: each subscription
   * or `await` sends it again (`const results = await tx.commit()`).
   *
   * @returns one OpResult per op, in the order they were added
   * @throws (as the Observable's error) the first bad argument given to any op, before anything is sent;
   * RolledBackError when the server refused an op; SessionExpiredError (its `cause` that RolledBackError) when it
   * refused one because the session had expired, as every other request then fails
   * @example
   * zk.transaction().create('/a', '').set('/b', 'x').commit().subscribe({
   *   next: (results) => console.log(results.map((r) => r.type)), // ['create', 'set']
   *   error: (e) => console.log(e instanceof RolledBackError ? `op ${e.failedIndex} failed` : e),
   * });
   */
  commit(): AwaitableObservable<OpResult[]> {
    if (this.error) return failed(this.error);
    const ops = [...this.ops];
    const paths = [...this.paths];
    const chroot = this.chroot;
    return awaitable(new RequestObservable(this.session, MULTI, ops, paths[0]).pipe(map((results) => toOpResults(results, paths, chroot))));
  }

  private add(build: () => [string, TransactionOp]): this {
    if (this.error) return this;
    try {
      const [path, op] = build();
      this.paths.push(path);
      this.ops.push(op);
    } catch (err) {
      this.error = err instanceof Error ? err : new InvalidArgumentError(String(err));
    }
    return this;
  }
}

/** Maps the reply of a transaction that applied to OpResults (one that rolled back fails in MULTI.failure). */
function toOpResults(results: MultiResult[], paths: readonly string[], chroot: string): OpResult[] {
  return results.map((r, i): OpResult => {
    switch (r.type) {
      case OpCode.create:
        return { type: 'create', path: stripChroot(chroot, r.path) };
      case OpCode.create2:
        return { type: 'create', path: stripChroot(chroot, r.path), stat: r.stat };
      case OpCode.delete:
        return { type: 'delete' };
      case OpCode.setData:
        return { type: 'set', stat: r.stat };
      case OpCode.check:
        return { type: 'check' };
      default:
        throw new ProtocolError(`transaction op ${i} (${paths[i]}) answered with result type ${r.type}`);
    }
  });
}
