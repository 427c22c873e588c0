import { OpCode } from '../../jute/op-codes';
import { writeAddWatchRequest, writeRemoveWatchesRequest, type AddWatchRequest, type RemoveWatchesRequest } from '../../jute/records/watches';
import type { Operation } from '../../session/operation';

export const REMOVE_WATCHES: Operation<RemoveWatchesRequest, void> = {
  type: OpCode.removeWatches,
  write: writeRemoveWatchesRequest,
  read: () => undefined,
};

/** addWatch (ZooKeeper 3.6+): its reply body is an ErrorResponse that repeats the header's code. */
export const ADD_WATCH: Operation<AddWatchRequest, void> = {
  type: OpCode.addWatch,
  write: writeAddWatchRequest,
  read: () => undefined,
};
