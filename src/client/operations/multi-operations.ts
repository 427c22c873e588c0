import { stripChroot } from '../../common/path';
import { RolledBackError } from '../../errors/rolled-back-error';
import { errorForCode, SessionExpiredError } from '../../errors/server-errors';
import type { ZooKeeperError } from '../../errors/zookeeper-error';
import { ErrorCode } from '../../jute/error-codes';
import { OpCode } from '../../jute/op-codes';
import { readMultiResponse, writeMultiRequest, type MultiReadOp, type MultiResult, type TransactionOp } from '../../jute/records/multi';
import type { Operation, OperationContext } from '../../session/operation';

/** A transaction (op 14). A failed one still answers err 0: its results carry the error codes (see rolledBack). */
export const MULTI: Operation<TransactionOp[], MultiResult[]> = {
  type: OpCode.multi,
  write: writeMultiRequest,
  read: readMultiResponse,
  failure: rolledBack,
};

/** Several reads in one request (op 22, ZooKeeper 3.6+); each read succeeds or fails alone. */
export const MULTI_READ: Operation<MultiReadOp[], MultiResult[]> = {
  type: OpCode.multiRead,
  write: writeMultiRequest,
  read: readMultiResponse,
};

/**
 * The RolledBackError of a transaction whose results name a failed op (nothing was applied): `results` per op,
 * the failing op's own error at `failedIndex`, RolledBackError for the others. Null when every op applied.
 * RUNTIMEINCONSISTENCY is what the server puts on the ops after the failed one, not a failure of their own. An op
 * refused because the session expired fails the whole request with SessionExpiredError instead (see below).
 */
function rolledBack(results: MultiResult[], ops: TransactionOp[], ctx: OperationContext): Error | null {
  const failedIndex = results.findIndex((r) => r.type === OpCode.error && r.err !== ErrorCode.OK && r.err !== ErrorCode.RUNTIMEINCONSISTENCY);
  if (failedIndex < 0) return null;
  const pathOf = (i: number): string | undefined => (ops[i] === undefined ? undefined : stripChroot(ctx.chroot, ops[i].request.path));
  const outcomes: ZooKeeperError[] = results.map((r, i) =>
    i === failedIndex && r.type === OpCode.error ? errorForCode(r.err, pathOf(i)) : new RolledBackError(pathOf(i)),
  );
  const cause = outcomes[failedIndex];
  const rolled = new RolledBackError(undefined, {
    results: outcomes,
    failedIndex,
    cause,
    message: `transaction rolled back: op ${failedIndex} failed with ${cause.message}`,
  });
  if (!(cause instanceof SessionExpiredError)) return rolled;
  // The session's end, told per op (the server refuses a closing session's ops one by one, and a multi's reply
  // header says 0): the request failed as any other would then, with SessionExpiredError — the Java client's
  // KeeperException.create of that code — so that what handles an expiry handles it (the fault suite saw a queue
  // put, a counter add and an ack fail with a RolledBackError whose cause was the expiry).
  return new SessionExpiredError(pathOf(failedIndex), `transaction refused: op ${failedIndex} failed with ${cause.message}`, { cause: rolled });
}
