// Every jute record round-trips through JuteWriter and JuteReader (fast-check),
// and its reader survives cut and corrupted input.
import fc from 'fast-check';
import * as jute from './codec';
import * as a from './arbitraries';
import { describeCodec } from './codec-harness';

describe('data records', () => {
  describeCodec('Acl', a.acl, jute.writeAcl, jute.readAcl);
  describeCodec('Stat', a.stat, jute.writeStat, jute.readStat);
  describeCodec('ClientInfo', a.clientInfo, jute.writeClientInfo, jute.readClientInfo);
});

describe('session records', () => {
  describeCodec(
    'ConnectRequest',
    fc.record({
      protocolVersion: a.int32,
      lastZxidSeen: a.int64,
      timeOut: a.int32,
      sessionId: a.int64,
      passwd: a.bytes,
      readOnly: fc.boolean(),
    }),
    jute.writeConnectRequest,
    jute.readConnectRequest,
    { optionalTail: 1 },
  );
  describeCodec(
    'ConnectResponse',
    fc.record({ protocolVersion: a.int32, timeOut: a.int32, sessionId: a.int64, passwd: a.bytes, readOnly: fc.boolean() }),
    jute.writeConnectResponse,
    jute.readConnectResponse,
    { optionalTail: 1 },
  );
  describeCodec('RequestHeader', fc.record({ xid: a.int32, type: a.int32 }), jute.writeRequestHeader, jute.readRequestHeader);
  describeCodec(
    'ReplyHeader',
    fc.record({ xid: a.int32, zxid: a.int64, err: a.int32 }),
    jute.writeReplyHeader,
    jute.readReplyHeader,
  );
  describeCodec(
    'WatcherEvent',
    fc.record({ type: a.int32, state: a.int32, path: a.path }),
    jute.writeWatcherEvent,
    jute.readWatcherEvent,
  );
  describeCodec(
    'AuthPacket',
    fc.record({ type: a.int32, scheme: a.text, auth: a.bytes }),
    jute.writeAuthPacket,
    jute.readAuthPacket,
  );
});

describe('create records', () => {
  describeCodec('CreateRequest', a.createRequest, jute.writeCreateRequest, jute.readCreateRequest);
  describeCodec('CreateTTLRequest', a.createTTLRequest, jute.writeCreateTTLRequest, jute.readCreateTTLRequest);
  describeCodec('CreateResponse', fc.record({ path: a.path }), jute.writeCreateResponse, jute.readCreateResponse);
  describeCodec(
    'Create2Response',
    fc.record({ path: a.path, stat: a.stat }),
    jute.writeCreate2Response,
    jute.readCreate2Response,
  );
});

describe('read records', () => {
  describeCodec('ExistsRequest', a.pathWatch, jute.writeExistsRequest, jute.readExistsRequest);
  describeCodec('ExistsResponse', fc.record({ stat: a.stat }), jute.writeExistsResponse, jute.readExistsResponse);
  describeCodec('GetDataRequest', a.pathWatch, jute.writeGetDataRequest, jute.readGetDataRequest);
  describeCodec(
    'GetDataResponse',
    fc.record({ data: a.bytes, stat: a.stat }),
    jute.writeGetDataResponse,
    jute.readGetDataResponse,
  );
  describeCodec('GetChildrenRequest', a.pathWatch, jute.writeGetChildrenRequest, jute.readGetChildrenRequest);
  describeCodec(
    'GetChildrenResponse',
    fc.record({ children: a.strings }),
    jute.writeGetChildrenResponse,
    jute.readGetChildrenResponse,
  );
  describeCodec('GetChildren2Request', a.pathWatch, jute.writeGetChildren2Request, jute.readGetChildren2Request);
  describeCodec(
    'GetChildren2Response',
    fc.record({ children: a.strings, stat: a.stat }),
    jute.writeGetChildren2Response,
    jute.readGetChildren2Response,
  );
  describeCodec('SyncRequest', fc.record({ path: a.path }), jute.writeSyncRequest, jute.readSyncRequest);
  describeCodec('SyncResponse', fc.record({ path: a.path }), jute.writeSyncResponse, jute.readSyncResponse);
  describeCodec(
    'GetAllChildrenNumberRequest',
    fc.record({ path: a.path }),
    jute.writeGetAllChildrenNumberRequest,
    jute.readGetAllChildrenNumberRequest,
  );
  describeCodec(
    'GetAllChildrenNumberResponse',
    fc.record({ totalNumber: a.int32 }),
    jute.writeGetAllChildrenNumberResponse,
    jute.readGetAllChildrenNumberResponse,
  );
  describeCodec(
    'GetEphemeralsRequest',
    fc.record({ prefixPath: a.path }),
    jute.writeGetEphemeralsRequest,
    jute.readGetEphemeralsRequest,
  );
  describeCodec(
    'GetEphemeralsResponse',
    fc.record({ ephemerals: a.strings }),
    jute.writeGetEphemeralsResponse,
    jute.readGetEphemeralsResponse,
  );
});

describe('write records', () => {
  describeCodec('DeleteRequest', a.pathVersion, jute.writeDeleteRequest, jute.readDeleteRequest);
  describeCodec(
    'SetDataRequest',
    fc.record({ path: a.path, data: a.bytesOrNull, version: a.int32 }),
    jute.writeSetDataRequest,
    jute.readSetDataRequest,
  );
  describeCodec('SetDataResponse', fc.record({ stat: a.stat }), jute.writeSetDataResponse, jute.readSetDataResponse);
  describeCodec('CheckVersionRequest', a.pathVersion, jute.writeCheckVersionRequest, jute.readCheckVersionRequest);
});

describe('acl records', () => {
  describeCodec('GetACLRequest', fc.record({ path: a.path }), jute.writeGetACLRequest, jute.readGetACLRequest);
  describeCodec(
    'GetACLResponse',
    fc.record({ acl: a.acls, stat: a.stat }),
    jute.writeGetACLResponse,
    jute.readGetACLResponse,
  );
  describeCodec(
    'SetACLRequest',
    fc.record({ path: a.path, acl: a.acls, version: a.int32 }),
    jute.writeSetACLRequest,
    jute.readSetACLRequest,
  );
  describeCodec('SetACLResponse', fc.record({ stat: a.stat }), jute.writeSetACLResponse, jute.readSetACLResponse);
});

describe('watch records', () => {
  const setWatches = {
    relativeZxid: a.int64,
    dataWatches: a.strings,
    existWatches: a.strings,
    childWatches: a.strings,
  };
  describeCodec('SetWatches', fc.record(setWatches), jute.writeSetWatches, jute.readSetWatches);
  describeCodec(
    'SetWatches2',
    fc.record({ ...setWatches, persistentWatches: a.strings, persistentRecursiveWatches: a.strings }),
    jute.writeSetWatches2,
    jute.readSetWatches2,
  );
  describeCodec(
    'AddWatchRequest',
    fc.record({ path: a.path, mode: a.int32 }),
    jute.writeAddWatchRequest,
    jute.readAddWatchRequest,
  );
  describeCodec('RemoveWatchesRequest', a.pathType, jute.writeRemoveWatchesRequest, jute.readRemoveWatchesRequest);
  describeCodec('CheckWatchesRequest', a.pathType, jute.writeCheckWatchesRequest, jute.readCheckWatchesRequest);
});

describe('sasl records', () => {
  const token = fc.record({ token: a.bytes });
  describeCodec('GetSASLRequest', token, jute.writeGetSASLRequest, jute.readGetSASLRequest);
  describeCodec('SetSASLRequest', token, jute.writeSetSASLRequest, jute.readSetSASLRequest);
  describeCodec('SetSASLResponse', token, jute.writeSetSASLResponse, jute.readSetSASLResponse);
});

describe('admin records', () => {
  const maybe = fc.option(a.text, { nil: null });
  describeCodec(
    'ReconfigRequest',
    fc.record({ joiningServers: maybe, leavingServers: maybe, newMembers: maybe, curConfigId: a.int64 }),
    jute.writeReconfigRequest,
    jute.readReconfigRequest,
  );
  describeCodec(
    'WhoAmIResponse',
    fc.record({ clientInfo: fc.array(a.clientInfo, { maxLength: 4 }) }),
    jute.writeWhoAmIResponse,
    jute.readWhoAmIResponse,
  );
});

describe('multi records', () => {
  describeCodec(
    'MultiHeader',
    fc.record({ type: a.int32, done: fc.boolean(), err: a.int32 }),
    jute.writeMultiHeader,
    jute.readMultiHeader,
  );
  describeCodec('ErrorResponse', fc.record({ err: a.int32 }), jute.writeErrorResponse, jute.readErrorResponse);
  // readMultiRequest answers MultiOp[]: the casts only restate what the arbitrary generated.
  describeCodec(
    'multi request (transaction)',
    fc.array(a.transactionOp, { maxLength: 6 }),
    jute.writeMultiRequest,
    (r) => jute.readMultiRequest(r) as jute.TransactionOp[],
  );
  describeCodec(
    'multiRead request',
    fc.array(a.multiReadOp, { maxLength: 6 }),
    jute.writeMultiRequest,
    (r) => jute.readMultiRequest(r) as jute.MultiReadOp[],
  );
  describeCodec(
    'multi response',
    fc.array(a.multiResult, { maxLength: 6 }),
    jute.writeMultiResponse,
    jute.readMultiResponse,
  );
});
