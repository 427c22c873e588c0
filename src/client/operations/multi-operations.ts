import { OpCode } from '../../jute/op-codes';
import { readMultiResponse, writeMultiRequest, type MultiReadOp, type MultiResult, type TransactionOp } from '../../jute/records/multi';
import type { Operation } from '../../session/operation';

/** A transaction (op 14). A failed one still answers err 0: its results carry the error codes. */
export const MULTI: Operation<TransactionOp[], MultiResult[]> = {
  type: OpCode.multi,
  write: writeMultiRequest,
  read: readMultiResponse,
};

/** Several reads in one request (op 22, ZooKeeper 3.6+); each read succeeds or fails alone. */
export const MULTI_READ: Operation<MultiReadOp[], MultiResult[]> = {
  type: OpCode.multiRead,
  write: writeMultiRequest,
  read: readMultiResponse,
};
