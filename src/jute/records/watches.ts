import type { JuteWriter } from '../writer';
import { writeStringVector } from './string-vector';

// Records that restore, add, check and remove watches.

/**
 * Re-registers watches after a reconnect (op 101, xid -8) (jute `SetWatches`).
 * The server fires at once every watch whose node changed after `relativeZxid`
 * (the last zxid the client saw). Its reply is a ReplyHeader with no body.
 */
export interface SetWatches {
  relativeZxid: bigint;
  dataWatches: readonly string[];
  existWatches: readonly string[];
  childWatches: readonly string[];
}

export function writeSetWatches(w: JuteWriter, v: SetWatches): void {
  w.long(v.relativeZxid);
  writeStringVector(w, v.dataWatches);
  writeStringVector(w, v.existWatches);
  writeStringVector(w, v.childWatches);
}

/** `SetWatches` plus persistent watches (op 105, xid -8, ZooKeeper 3.6+) (jute `SetWatches2`). */
export interface SetWatches2 extends SetWatches {
  persistentWatches: readonly string[];
  persistentRecursiveWatches: readonly string[];
}

export function writeSetWatches2(w: JuteWriter, v: SetWatches2): void {
  writeSetWatches(w, v);
  writeStringVector(w, v.persistentWatches);
  writeStringVector(w, v.persistentRecursiveWatches);
}

/**
 * Body of `addWatch` (op 106) (jute `AddWatchRequest`); `mode` is an `AddWatchMode`.
 * The 3.8 server answers with an `ErrorResponse` body whose err is 0 (FinalRequestProcessor).
 */
export interface AddWatchRequest {
  path: string;
  mode: number;
}

export function writeAddWatchRequest(w: JuteWriter, v: AddWatchRequest): void {
  w.ustring(v.path).int(v.mode);
}

/** Body of `removeWatches` (op 18) (jute `RemoveWatchesRequest`); `type` is a `WatcherType`. No reply body. */
export interface RemoveWatchesRequest {
  path: string;
  type: number;
}

export function writeRemoveWatchesRequest(w: JuteWriter, v: RemoveWatchesRequest): void {
  w.ustring(v.path).int(v.type);
}
