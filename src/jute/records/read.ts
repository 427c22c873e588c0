import type { JuteReader } from '../reader';
import type { JuteWriter } from '../writer';
import { readStat, type Stat } from './data';
import { readStringVector } from './string-vector';

// Records of the read operations: exists, getData, getChildren(2), sync,
// getAllChildrenNumber and getEphemerals.

/**
 * A path and a watch flag: the body of `exists` (op 3), `getData` (op 4),
 * `getChildren` (op 8) and `getChildren2` (op 12), which zookeeper.jute
 * declares as four records of the same shape.
 */
export interface PathWatchRequest {
  path: string;
  /** Leave a one-shot watch on the node (data/exists) or its children. */
  watch: boolean;
}

function writePathWatch(w: JuteWriter, v: PathWatchRequest): void {
  w.ustring(v.path).bool(v.watch);
}

/** Body of `exists` (jute `ExistsRequest`). */
export type ExistsRequest = PathWatchRequest;
export const writeExistsRequest: (w: JuteWriter, v: ExistsRequest) => void = writePathWatch;

/** Reply to `exists` when the node exists (jute `ExistsResponse`); a missing node is err NONODE with no body. */
export interface ExistsResponse {
  stat: Stat;
}

export function readExistsResponse(r: JuteReader): ExistsResponse {
  return { stat: readStat(r) };
}

/** Body of `getData` (jute `GetDataRequest`). */
export type GetDataRequest = PathWatchRequest;
export const writeGetDataRequest: (w: JuteWriter, v: GetDataRequest) => void = writePathWatch;

/**
 * Reply to `getData`, `getConfig` and `reconfig` (jute `GetDataResponse`).
 * A node created with null data answers length -1 (seen from 3.8.0), which reads
 * as an empty buffer. `data` is the caller's: a copy, or a view of a frame
 * nothing else uses (a value of 64 KiB or more in an owned frame, JuteReader.buffer).
 */
export interface GetDataResponse {
  data: Buffer;
  stat: Stat;
}

export function readGetDataResponse(r: JuteReader): GetDataResponse {
  const data = r.buffer();
  const stat = readStat(r);
  return { data, stat };
}

/** Body of `getChildren` (jute `GetChildrenRequest`). */
export type GetChildrenRequest = PathWatchRequest;
export const writeGetChildrenRequest: (w: JuteWriter, v: GetChildrenRequest) => void = writePathWatch;

/** Reply to `getChildren` (jute `GetChildrenResponse`): child names, not paths, in no particular order. */
export interface GetChildrenResponse {
  children: string[];
}

export function readGetChildrenResponse(r: JuteReader): GetChildrenResponse {
  return { children: readStringVector(r) };
}

/** Body of `getChildren2` (jute `GetChildren2Request`). */
export type GetChildren2Request = PathWatchRequest;
export const writeGetChildren2Request: (w: JuteWriter, v: GetChildren2Request) => void = writePathWatch;

/** Reply to `getChildren2` (jute `GetChildren2Response`): the children and the parent's stat. */
export interface GetChildren2Response {
  children: string[];
  stat: Stat;
}

export function readGetChildren2Response(r: JuteReader): GetChildren2Response {
  const children = readStringVector(r);
  const stat = readStat(r);
  return { children, stat };
}

/** Body of `sync` (op 9) (jute `SyncRequest`). */
export interface SyncRequest {
  path: string;
}

export function writeSyncRequest(w: JuteWriter, v: SyncRequest): void {
  w.ustring(v.path);
}

/** Reply to `sync` (jute `SyncResponse`): the path synced. */
export interface SyncResponse {
  path: string;
}

export function readSyncResponse(r: JuteReader): SyncResponse {
  return { path: r.ustring() };
}

/** Body of `getAllChildrenNumber` (op 104) (jute `GetAllChildrenNumberRequest`). */
export interface GetAllChildrenNumberRequest {
  path: string;
}

export function writeGetAllChildrenNumberRequest(w: JuteWriter, v: GetAllChildrenNumberRequest): void {
  w.ustring(v.path);
}

/** Reply to `getAllChildrenNumber` (jute `GetAllChildrenNumberResponse`): all descendants, not only children. */
export interface GetAllChildrenNumberResponse {
  totalNumber: number;
}

export function readGetAllChildrenNumberResponse(r: JuteReader): GetAllChildrenNumberResponse {
  return { totalNumber: r.int() };
}

/** Body of `getEphemerals` (op 103) (jute `GetEphemeralsRequest`): a path prefix, not a parent node. */
export interface GetEphemeralsRequest {
  prefixPath: string;
}

export function writeGetEphemeralsRequest(w: JuteWriter, v: GetEphemeralsRequest): void {
  w.ustring(v.prefixPath);
}

/** Reply to `getEphemerals` (jute `GetEphemeralsResponse`): full paths of the session's ephemerals. */
export interface GetEphemeralsResponse {
  ephemerals: string[];
}

export function readGetEphemeralsResponse(r: JuteReader): GetEphemeralsResponse {
  return { ephemerals: readStringVector(r) };
}
