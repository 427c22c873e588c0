// Records checked against fixtures from the separate, deliberately simple encoder
// in simple-encoder.ts: JuteWriter must produce the same bytes, and JuteReader must
// decode the fixture back to the value.
import * as jute from './codec';
import { JuteReader, JuteWriter, OpCode, type Stat } from './codec';
import { Bytes } from './simple-encoder';

const statValue: Stat = {
  czxid: 0x100000001n,
  mzxid: -2n,
  ctime: 1700000000123,
  mtime: -1,
  version: 3,
  cversion: -4,
  aversion: 5,
  ephemeralOwner: 0x0100002719bf0000n,
  dataLength: 11,
  numChildren: 2,
  pzxid: 2n ** 63n - 1n,
};

const statBytes = (b: Bytes): Bytes =>
  b
    .long(statValue.czxid)
    .long(statValue.mzxid)
    .long(BigInt(statValue.ctime))
    .long(BigInt(statValue.mtime))
    .int(statValue.version)
    .int(statValue.cversion)
    .int(statValue.aversion)
    .long(statValue.ephemeralOwner)
    .int(statValue.dataLength)
    .int(statValue.numChildren)
    .long(statValue.pzxid);

const open = { perms: 31, scheme: 'world', id: 'anyone' };

function expectFixture<T>(
  value: T,
  fixture: Buffer,
  write: (w: JuteWriter, v: T) => void,
  read: (r: JuteReader) => T,
): void {
  const w = new JuteWriter(4);
  write(w, value);
  expect(w.take().toString('hex')).toBe(fixture.toString('hex'));
  const r = new JuteReader(fixture);
  expect(read(r)).toEqual(value);
  expect(r.remaining).toBe(0);
}

describe('records against a simple encoder', () => {
  it('Stat', () => {
    expectFixture(statValue, statBytes(new Bytes()).build(), jute.writeStat, jute.readStat);
  });

  it('CreateRequest with a unicode path and two ACLs', () => {
    const value: jute.CreateRequest = {
      path: '/app/naïve/😀',
      data: Buffer.from([0, 1, 2, 255]),
      acl: [open, { perms: 1, scheme: 'digest', id: 'bob:hash=' }],
      flags: 3,
    };
    const fixture = new Bytes()
      .str('/app/naïve/😀')
      .buf([0, 1, 2, 255])
      .int(2)
      .int(31)
      .str('world')
      .str('anyone')
      .int(1)
      .str('digest')
      .str('bob:hash=')
      .int(3)
      .build();
    expectFixture(value, fixture, jute.writeCreateRequest, jute.readCreateRequest);
  });

  it('CreateTTLRequest with null data', () => {
    const value: jute.CreateTTLRequest = { path: '/t', data: null, acl: [], flags: 5, ttl: 2 ** 40 };
    const fixture = new Bytes().str('/t').int(-1).int(0).int(5).long(2n ** 40n).build();
    expectFixture(value, fixture, jute.writeCreateTTLRequest, jute.readCreateTTLRequest);
  });

  it('GetChildren2Response', () => {
    const value = { children: ['a', 'ü', ''], stat: statValue };
    const fixture = statBytes(new Bytes().int(3).str('a').str('ü').str('')).build();
    expectFixture(value, fixture, jute.writeGetChildren2Response, jute.readGetChildren2Response);
  });

  it('SetWatches2', () => {
    const value: jute.SetWatches2 = {
      relativeZxid: 0x1234n,
      dataWatches: ['/d'],
      existWatches: [],
      childWatches: ['/c1', '/c2'],
      persistentWatches: [],
      persistentRecursiveWatches: ['/'],
    };
    const fixture = new Bytes()
      .long(0x1234n)
      .int(1).str('/d')
      .int(0)
      .int(2).str('/c1').str('/c2')
      .int(0)
      .int(1).str('/')
      .build();
    expectFixture(value, fixture, jute.writeSetWatches2, jute.readSetWatches2);
  });

  it('ReconfigRequest keeps null apart from empty', () => {
    const value: jute.ReconfigRequest = { joiningServers: '', leavingServers: null, newMembers: null, curConfigId: -1n };
    const fixture = new Bytes().str('').int(-1).int(-1).long(-1n).build();
    expectFixture(value, fixture, jute.writeReconfigRequest, jute.readReconfigRequest);
  });

  it('ConnectRequest with its trailing readOnly flag', () => {
    const value: jute.ConnectRequest = {
      protocolVersion: 0,
      lastZxidSeen: 77n,
      timeOut: 30000,
      sessionId: 0x0100002719bf0000n,
      passwd: Buffer.alloc(16, 9),
      readOnly: true,
    };
    const fixture = new Bytes()
      .int(0)
      .long(77n)
      .int(30000)
      .long(0x0100002719bf0000n)
      .buf(Buffer.alloc(16, 9))
      .bool(true)
      .build();
    expectFixture(value, fixture, jute.writeConnectRequest, jute.readConnectRequest);
  });

  it('a multi request: MultiHeader {type, false, -1} per op, then {-1, true, -1}', () => {
    const ops: jute.TransactionOp[] = [
      { type: OpCode.createContainer, request: { path: '/c', data: Buffer.from('x'), acl: [open], flags: 4 } },
      { type: OpCode.check, request: { path: '/c', version: 0 } },
      { type: OpCode.setData, request: { path: '/c', data: null, version: -1 } },
      { type: OpCode.delete, request: { path: '/c', version: 7 } },
    ];
    const fixture = new Bytes()
      .int(19).bool(false).int(-1)
      .str('/c').buf([0x78]).int(1).int(31).str('world').str('anyone').int(4)
      .int(13).bool(false).int(-1)
      .str('/c').int(0)
      .int(5).bool(false).int(-1)
      .str('/c').int(-1).int(-1)
      .int(2).bool(false).int(-1)
      .str('/c').int(7)
      .int(-1).bool(true).int(-1)
      .build();
    expectFixture(ops, fixture, jute.writeMultiRequest, (r) => jute.readMultiRequest(r) as jute.TransactionOp[]);
  });

  it('a multi response: header err 0 for results, the code for errors', () => {
    const results: jute.MultiResult[] = [
      { type: OpCode.create, path: '/a0000000001' },
      { type: OpCode.create2, path: '/c', stat: statValue },
      { type: OpCode.setData, stat: statValue },
      { type: OpCode.check },
      { type: OpCode.error, err: -101 },
    ];
    const fixture = statBytes(
      statBytes(
        new Bytes()
          .int(1).bool(false).int(0).str('/a0000000001')
          .int(15).bool(false).int(0).str('/c'),
      ).int(5).bool(false).int(0),
    )
      .int(13).bool(false).int(0)
      .int(-1).bool(false).int(-101).int(-101)
      .int(-1).bool(true).int(-1)
      .build();
    expectFixture(results, fixture, jute.writeMultiResponse, jute.readMultiResponse);
  });
});
