import { Observable, defer } from 'rxjs';
import { describe } from '../common/arguments';
import { prependChroot, validatePath } from '../common/path';
import { InvalidArgumentError, ProtocolError } from '../errors/client-errors';
import { errorForCode } from '../errors/server-errors';
import type { ZooKeeperError } from '../errors/zookeeper-error';
import { OpCode } from '../jute/op-codes';
import type { Stat } from '../jute/records/data';
import type { MultiReadOp } from '../jute/records/multi';
import { MULTI_READ } from './operations/multi-operations';
import type { Requests } from './requests';

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

/** `multiRead` (op 22): the reads checked and sent as one request; each result as `get`/`getChildren` give it, or its error. */
export function multiRead(requests: Requests, ops: MultiReadRequest[]): Observable<MultiReadResult[]> {
  return defer(() => {
    if (!Array.isArray(ops)) throw new InvalidArgumentError(`multiRead takes an array of { type, path }, not ${describe(ops)}`);
    const userPaths: string[] = [];
    const reads: MultiReadOp[] = ops.map((op, i) => {
      if (typeof op !== 'object' || op === null || (op.type !== 'get' && op.type !== 'getChildren')) {
        throw new InvalidArgumentError(`multiRead op ${i} must be { type: 'get' | 'getChildren', path }`);
      }
      const userPath = validatePath(op.path);
      userPaths.push(userPath);
      const request = { path: prependChroot(requests.chroot, userPath), watch: false };
      return op.type === 'get' ? { type: OpCode.getData, request } : { type: OpCode.getChildren, request };
    });
    return new Observable<MultiReadResult[]>((subscriber) =>
      requests.send(MULTI_READ, reads, userPaths[0]).subscribe({
        next: (results) => {
          // Mapped before delivery: a result no read gives errors this Observable, never the reply's socket callback.
          let mapped: MultiReadResult[];
          try {
            mapped = results.map((r, i): MultiReadResult => {
              if (r.type === OpCode.getData) return { data: r.data, stat: r.stat };
              if (r.type === OpCode.getChildren) return r.children;
              if (r.type === OpCode.error) return errorForCode(r.err, userPaths[i]);
              throw new ProtocolError(`multiRead op ${i} (${userPaths[i]}) answered with result type ${r.type}`);
            });
          } catch (err) {
            subscriber.error(err);
            return;
          }
          subscriber.next(mapped);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
  });
}
