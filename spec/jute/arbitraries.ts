// fast-check arbitraries for every jute record, shared by the round-trip specs.
import fc from 'fast-check';
import {
  OpCode,
  type Acl,
  type ClientInfo,
  type CreateRequest,
  type CreateTTLRequest,
  type MultiReadOp,
  type MultiResult,
  type Stat,
  type TransactionOp,
} from '../../src/jute';

export const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
export const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
/** Times and TTLs: jute longs read back as numbers, so safe integers only. */
export const safeLong = fc.maxSafeInteger();

/** Any well-formed string, 4-byte (astral) code points included; lone surrogates cannot survive UTF-8. */
export const text = fc.string({ unit: 'binary', maxLength: 20 });
export const path = fc.oneof(text, fc.constantFrom('/', '/a/b', '/zk/é/😀/n0000000001'));
export const strings = fc.array(text, { maxLength: 6 });
export const bytes = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a));
export const bytesOrNull = fc.option(bytes, { nil: null });

export const acl: fc.Arbitrary<Acl> = fc.record({ perms: int32, scheme: text, id: text });
export const acls = fc.array(acl, { maxLength: 4 });

// mzxid and pzxid often repeat czxid on a real server (the reader shares the BigInt then): both cases drawn.
export const stat: fc.Arbitrary<Stat> = fc
  .record({
    czxid: int64,
    mzxid: fc.option(int64),
    ctime: safeLong,
    mtime: safeLong,
    version: int32,
    cversion: int32,
    aversion: int32,
    ephemeralOwner: fc.oneof(fc.constant(0n), int64),
    dataLength: int32,
    numChildren: int32,
    pzxid: fc.option(int64),
  })
  .map((s) => ({ ...s, mzxid: s.mzxid ?? s.czxid, pzxid: s.pzxid ?? s.czxid }));

export const createRequest: fc.Arbitrary<CreateRequest> = fc.record({
  path,
  data: bytesOrNull,
  acl: acls,
  flags: int32,
});
export const createTTLRequest: fc.Arbitrary<CreateTTLRequest> = fc.record({
  path,
  data: bytesOrNull,
  acl: acls,
  flags: int32,
  ttl: safeLong,
});
export const pathWatch = fc.record({ path, watch: fc.boolean() });
export const pathVersion = fc.record({ path, version: int32 });
export const pathType = fc.record({ path, type: int32 });
export const clientInfo: fc.Arbitrary<ClientInfo> = fc.record({ authScheme: text, user: text });

export const transactionOp: fc.Arbitrary<TransactionOp> = fc.oneof(
  createRequest.map((request) => ({ type: OpCode.create, request })),
  createRequest.map((request) => ({ type: OpCode.create2, request })),
  createRequest.map((request) => ({ type: OpCode.createContainer, request })),
  createTTLRequest.map((request) => ({ type: OpCode.createTTL, request })),
  pathVersion.map((request) => ({ type: OpCode.delete, request })),
  fc.record({ path, data: bytesOrNull, version: int32 }).map((request) => ({ type: OpCode.setData, request })),
  pathVersion.map((request) => ({ type: OpCode.check, request })),
);

export const multiReadOp: fc.Arbitrary<MultiReadOp> = fc.oneof(
  pathWatch.map((request) => ({ type: OpCode.getData, request })),
  pathWatch.map((request) => ({ type: OpCode.getChildren, request })),
);

export const multiResult: fc.Arbitrary<MultiResult> = fc.oneof(
  path.map((p) => ({ type: OpCode.create, path: p })),
  fc.record({ path, stat }).map((v) => ({ type: OpCode.create2, ...v })),
  fc.constant({ type: OpCode.delete }),
  stat.map((s) => ({ type: OpCode.setData, stat: s })),
  fc.constant({ type: OpCode.check }),
  fc.record({ data: bytes, stat }).map((v) => ({ type: OpCode.getData, ...v })),
  strings.map((children) => ({ type: OpCode.getChildren, children })),
  int32.map((err) => ({ type: OpCode.error, err })),
);
