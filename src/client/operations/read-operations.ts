import { ErrorCode } from '../../jute/error-codes';
import { OpCode } from '../../jute/op-codes';
import { readGetACLResponse, writeGetACLRequest, type GetACLRequest } from '../../jute/records/acl';
import { readWhoAmIResponse } from '../../jute/records/admin';
import { readStat, type Acl, type Stat } from '../../jute/records/data';
import {
  readGetAllChildrenNumberResponse,
  readGetChildren2Response,
  readGetChildrenResponse,
  readGetDataResponse,
  readGetEphemeralsResponse,
  readSyncResponse,
  writeExistsRequest,
  writeGetAllChildrenNumberRequest,
  writeGetChildren2Request,
  writeGetChildrenRequest,
  writeGetDataRequest,
  writeGetEphemeralsRequest,
  writeSyncRequest,
  type GetAllChildrenNumberRequest,
  type GetEphemeralsRequest,
  type PathWatchRequest,
  type SyncRequest,
} from '../../jute/records/read';
import type { Operation } from '../../session/operation';
import { stripChroot } from '../../common/path';

// One static Operation per read op. Request paths arrive chrooted from the
// client; every path the server returns is stripped of the chroot here.

export const EXISTS: Operation<PathWatchRequest, Stat | null> = {
  type: OpCode.exists,
  write: writeExistsRequest,
  read: readStat,
  // A missing node is an answer, not a failure.
  readError: (err) => (err === ErrorCode.NONODE ? { value: null } : undefined),
};

export const GET_DATA: Operation<PathWatchRequest, { data: Buffer; stat: Stat }> = {
  type: OpCode.getData,
  write: writeGetDataRequest,
  read: readGetDataResponse,
};

export const GET_CHILDREN: Operation<PathWatchRequest, string[]> = {
  type: OpCode.getChildren,
  write: writeGetChildrenRequest,
  read: (r) => readGetChildrenResponse(r).children,
};

export const GET_CHILDREN2: Operation<PathWatchRequest, { children: string[]; stat: Stat }> = {
  type: OpCode.getChildren2,
  write: writeGetChildren2Request,
  read: readGetChildren2Response,
};

export const GET_ACL: Operation<GetACLRequest, { acl: Acl[]; stat: Stat }> = {
  type: OpCode.getACL,
  write: writeGetACLRequest,
  read: readGetACLResponse,
};

export const SYNC: Operation<SyncRequest, string> = {
  type: OpCode.sync,
  write: writeSyncRequest,
  read: (r, _req, ctx) => stripChroot(ctx.chroot, readSyncResponse(r).path),
};

export const GET_ALL_CHILDREN_NUMBER: Operation<GetAllChildrenNumberRequest, number> = {
  type: OpCode.getAllChildrenNumber,
  write: writeGetAllChildrenNumberRequest,
  read: (r) => readGetAllChildrenNumberResponse(r).totalNumber,
};

export const GET_EPHEMERALS: Operation<GetEphemeralsRequest, string[]> = {
  type: OpCode.getEphemerals,
  write: writeGetEphemeralsRequest,
  read: (r, _req, ctx) => {
    const paths = readGetEphemeralsResponse(r).ephemerals;
    if (ctx.chroot === '') return paths;
    // The server matches the prefix as a string ('/app' also matches '/apple/x'): keep what lies inside the chroot.
    const inside: string[] = [];
    for (const p of paths) if (p === ctx.chroot || p.startsWith(ctx.chroot + '/')) inside.push(stripChroot(ctx.chroot, p));
    return inside;
  },
};

export const WHO_AM_I: Operation<null, { scheme: string; id: string }[]> = {
  type: OpCode.whoAmI,
  write: () => undefined,
  read: (r) => readWhoAmIResponse(r).clientInfo.map((info) => ({ scheme: info.authScheme, id: info.user })),
};
