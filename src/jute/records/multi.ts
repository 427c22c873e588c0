import { JuteDecodeError } from '../decode-error';
import { OpCode } from '../op-codes';
import type { JuteReader } from '../reader';
import type { JuteWriter } from '../writer';
import {
  readCreate2Response,
  readCreateResponse,
  writeCreateRequest,
  writeCreateTTLRequest,
  type CreateRequest,
  type CreateTTLRequest,
} from './create';
import { readStat, type Stat } from './data';
import {
  readGetDataResponse,
  writeGetChildrenRequest,
  writeGetDataRequest,
  type GetChildrenRequest,
  type GetDataRequest,
} from './read';
import { readStringVector } from './string-vector';
import {
  writeCheckVersionRequest,
  writeDeleteRequest,
  writeSetDataRequest,
  type CheckVersionRequest,
  type DeleteRequest,
  type SetDataRequest,
} from './write';

// `multi` (op 14) and `multiRead` (op 22) have no jute record of their own: their
// bodies are sequences framed by MultiHeaders, as ZooKeeper's MultiOperationRecord
// (requests) and MultiResponse (replies) encode them. Each op or result is a
// MultiHeader then its record; a MultiHeader with done=true ends the sequence.

/**
 * Precedes each op or result of a multi (jute `MultiHeader`). In requests `err`
 * is -1; in results it is 0, or the error code for an error result. The
 * terminator is `{ type: -1, done: true, err: -1 }` both ways.
 */
export interface MultiHeader {
  type: number;
  done: boolean;
  err: number;
}

export function writeMultiHeader(w: JuteWriter, v: MultiHeader): void {
  w.int(v.type).bool(v.done).int(v.err);
}

export function readMultiHeader(r: JuteReader): MultiHeader {
  const type = r.int();
  const done = r.bool();
  const err = r.int();
  return { type, done, err };
}

/** The body of an error result in a multi reply (jute `ErrorResponse`); also the reply body of `addWatch`, err 0. */
export interface ErrorResponse {
  err: number;
}

export function readErrorResponse(r: JuteReader): ErrorResponse {
  return { err: r.int() };
}

/**
 * One op of a `multi` transaction (op 14): the op code and the request record the
 * op would have on its own. createContainer and create2 share CreateRequest with
 * create (the flags say container); createTTL carries CreateTTLRequest.
 */
export type TransactionOp =
  | { type: typeof OpCode.create; request: CreateRequest }
  | { type: typeof OpCode.create2; request: CreateRequest }
  | { type: typeof OpCode.createContainer; request: CreateRequest }
  | { type: typeof OpCode.createTTL; request: CreateTTLRequest }
  | { type: typeof OpCode.delete; request: DeleteRequest }
  | { type: typeof OpCode.setData; request: SetDataRequest }
  | { type: typeof OpCode.check; request: CheckVersionRequest };

/**
 * One op of a `multiRead` (op 22). The server ignores `watch` here: multiRead
 * sets no watches (Op.getData/Op.getChildren always send false).
 */
export type MultiReadOp =
  | { type: typeof OpCode.getData; request: GetDataRequest }
  | { type: typeof OpCode.getChildren; request: GetChildrenRequest };

/** Any op a multi body can carry. */
export type MultiOp = TransactionOp | MultiReadOp;

/**
 * One result of a `multi` or `multiRead` reply, discriminated by the op code the
 * server puts in its MultiHeader:
 * - `create` (1), a path only, answers create ops and, surprisingly, create2 ops too
 *   (seen from 3.8.0: no stat comes back for a create2 op in a multi); `create2` (15),
 *   path and stat, answers createContainer and createTTL ops;
 * - `delete` (2) and `check` (13) carry nothing;
 * - `error` (-1) carries an error code. When a transaction fails, every op answers
 *   `error`: those before the failed op with err 0 (OK, rolled back), the failed op
 *   with its real code, those after it with RUNTIMEINCONSISTENCY (-2); and the
 *   ReplyHeader's err stays 0, so a caller must look at the results. In a multiRead
 *   each failed read is its own error and the other reads succeed.
 */
export type MultiResult =
  | { type: typeof OpCode.create; path: string }
  | { type: typeof OpCode.create2; path: string; stat: Stat }
  | { type: typeof OpCode.delete }
  | { type: typeof OpCode.setData; stat: Stat }
  | { type: typeof OpCode.check }
  | { type: typeof OpCode.getData; data: Buffer; stat: Stat }
  | { type: typeof OpCode.getChildren; children: string[] }
  | { type: typeof OpCode.error; err: number };

/** The member of `MultiResult` with op code `T`, e.g. `MultiResultOf<typeof OpCode.create2>`. */
export type MultiResultOf<T extends MultiResult['type']> = Extract<MultiResult, { type: T }>;

const END: MultiHeader = { type: -1, done: true, err: -1 };

function unknownOp(op: never): never {
  throw new TypeError(`op type ${(op as { type: unknown }).type} cannot be part of a multi`);
}

/**
 * Writes the body of a `multi` (all TransactionOps) or `multiRead` (all MultiReadOps)
 * request. The types forbid mixing the two: the server refuses a mixed body.
 */
export function writeMultiRequest(w: JuteWriter, ops: readonly TransactionOp[] | readonly MultiReadOp[]): void {
  for (const op of ops as readonly MultiOp[]) {
    writeMultiHeader(w, { type: op.type, done: false, err: -1 });
    switch (op.type) {
      case OpCode.create:
      case OpCode.create2:
      case OpCode.createContainer:
        writeCreateRequest(w, op.request);
        break;
      case OpCode.createTTL:
        writeCreateTTLRequest(w, op.request);
        break;
      case OpCode.delete:
        writeDeleteRequest(w, op.request);
        break;
      case OpCode.setData:
        writeSetDataRequest(w, op.request);
        break;
      case OpCode.check:
        writeCheckVersionRequest(w, op.request);
        break;
      case OpCode.getData:
        writeGetDataRequest(w, op.request);
        break;
      case OpCode.getChildren:
        writeGetChildrenRequest(w, op.request);
        break;
      default:
        unknownOp(op);
    }
  }
  writeMultiHeader(w, END);
}

function readMultiResult(r: JuteReader, type: number): MultiResult {
  switch (type) {
    case OpCode.create:
      return { type, path: readCreateResponse(r).path };
    case OpCode.create2:
      return { type, ...readCreate2Response(r) };
    case OpCode.delete:
    case OpCode.check:
      return { type };
    case OpCode.setData:
      return { type, stat: readStat(r) };
    case OpCode.getData:
      return { type, ...readGetDataResponse(r) };
    case OpCode.getChildren:
      return { type, children: readStringVector(r) };
    case OpCode.error:
      // Like MultiResponse.deserialize, the code is taken from the ErrorResponse, not the header.
      return { type, err: readErrorResponse(r).err };
    default:
      throw new JuteDecodeError(`result type ${type} cannot be part of a multi response`);
  }
}

/**
 * Reads a `multi` or `multiRead` reply body up to its done marker, one result per op
 * in request order. A reply without its done marker ends in a JuteDecodeError.
 */
export function readMultiResponse(r: JuteReader): MultiResult[] {
  const results: MultiResult[] = [];
  for (let h = readMultiHeader(r); !h.done; h = readMultiHeader(r)) results.push(readMultiResult(r, h.type));
  return results;
}
