import { OpCode } from '../../jute/op-codes';
import { readSetACLResponse, writeSetACLRequest, type SetACLRequest } from '../../jute/records/acl';
import { writeReconfigRequest, type ReconfigRequest } from '../../jute/records/admin';
import {
  readCreate2Response,
  readCreateResponse,
  writeCreateRequest,
  writeCreateTTLRequest,
  type CreateRequest,
  type CreateTTLRequest,
} from '../../jute/records/create';
import type { Stat } from '../../jute/records/data';
import { readGetDataResponse } from '../../jute/records/read';
import { readSetDataResponse, writeDeleteRequest, writeSetDataRequest, type DeleteRequest, type SetDataRequest } from '../../jute/records/write';
import type { Operation, OperationContext } from '../../session/operation';
import { stripChroot } from '../../common/path';

// One static Operation per write op. Created paths come back chrooted (with
// the sequence suffix): they are stripped here.

export const CREATE: Operation<CreateRequest, string> = {
  type: OpCode.create,
  write: writeCreateRequest,
  read: (r, _req, ctx) => stripChroot(ctx.chroot, readCreateResponse(r).path),
};

function readCreated(r: Parameters<typeof readCreate2Response>[0], _req: unknown, ctx: OperationContext): { path: string; stat: Stat } {
  const { path, stat } = readCreate2Response(r);
  return { path: stripChroot(ctx.chroot, path), stat };
}

export const CREATE2: Operation<CreateRequest, { path: string; stat: Stat }> = {
  type: OpCode.create2,
  write: writeCreateRequest,
  read: readCreated,
};

export const CREATE_CONTAINER: Operation<CreateRequest, { path: string; stat: Stat }> = {
  type: OpCode.createContainer,
  write: writeCreateRequest,
  read: readCreated,
};

export const CREATE_TTL: Operation<CreateTTLRequest, { path: string; stat: Stat }> = {
  type: OpCode.createTTL,
  write: writeCreateTTLRequest,
  read: readCreated,
};

export const DELETE: Operation<DeleteRequest, void> = {
  type: OpCode.delete,
  write: writeDeleteRequest,
  read: () => undefined,
};

export const SET_DATA: Operation<SetDataRequest, Stat> = {
  type: OpCode.setData,
  write: writeSetDataRequest,
  read: (r) => readSetDataResponse(r).stat,
};

export const SET_ACL: Operation<SetACLRequest, Stat> = {
  type: OpCode.setACL,
  write: writeSetACLRequest,
  read: (r) => readSetACLResponse(r).stat,
};

export const RECONFIG: Operation<ReconfigRequest, { data: Buffer; stat: Stat }> = {
  type: OpCode.reconfig,
  write: writeReconfigRequest,
  read: readGetDataResponse,
};
