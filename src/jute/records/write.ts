import type { JuteReader } from '../reader';
import type { JuteWriter } from '../writer';
import { readStat, type Stat } from './data';

// Records of delete, setData and check (the version guard of a transaction).

/** Body of `delete` (op 2) (jute `DeleteRequest`); `version` -1 matches any version. */
export interface DeleteRequest {
  path: string;
  version: number;
}

export function writeDeleteRequest(w: JuteWriter, v: DeleteRequest): void {
  w.ustring(v.path).int(v.version);
}

/** Body of `setData` (op 5) (jute `SetDataRequest`); `version` -1 matches any version. */
export interface SetDataRequest {
  path: string;
  data: Uint8Array | null;
  version: number;
}

export function writeSetDataRequest(w: JuteWriter, v: SetDataRequest): void {
  w.ustring(v.path).buffer(v.data).int(v.version);
}

/** Reply to `setData` (jute `SetDataResponse`): the node's new stat. */
export interface SetDataResponse {
  stat: Stat;
}

export function readSetDataResponse(r: JuteReader): SetDataResponse {
  return { stat: readStat(r) };
}

/**
 * Body of `check` (op 13), valid only inside a `multi` (jute `CheckVersionRequest`):
 * the transaction fails unless the node's version is `version` (-1: only that it exists).
 */
export interface CheckVersionRequest {
  path: string;
  version: number;
}

export function writeCheckVersionRequest(w: JuteWriter, v: CheckVersionRequest): void {
  w.ustring(v.path).int(v.version);
}
