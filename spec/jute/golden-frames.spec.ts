// Golden frames from a real ZooKeeper 3.8.0 server (how they were captured is in
// the fixture's "about"): our readers decode every reply to what the server meant,
// and our writers re-encode every request byte for byte as the server accepted it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as jute from './codec';
import { ErrorCode, JuteReader, JuteWriter, OpCode, type Stat } from './codec';

interface Exchange {
  name: string;
  request: string;
  reply: string;
}

interface Frames {
  connect: Exchange;
  connectRefused: Exchange;
  exchanges: Exchange[];
  notifications: string[];
}

function isExchange(v: unknown): v is Exchange {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.request === 'string' && typeof e.reply === 'string';
}

function loadFrames(): Frames {
  const raw: unknown = JSON.parse(readFileSync(join(__dirname, '../fixtures/jute/zookeeper-3.8.0-frames.json'), 'utf8'));
  if (typeof raw !== 'object' || raw === null) throw new Error('fixture is not an object');
  const f = raw as Record<string, unknown>;
  const exchanges = f.exchanges;
  const notifications = f.notifications;
  if (!isExchange(f.connect) || !isExchange(f.connectRefused)) throw new Error('fixture lacks connect frames');
  if (!Array.isArray(exchanges) || !exchanges.every(isExchange)) throw new Error('fixture lacks exchanges');
  if (!Array.isArray(notifications) || !notifications.every((n) => typeof n === 'string')) {
    throw new Error('fixture lacks notifications');
  }
  return { connect: f.connect, connectRefused: f.connectRefused, exchanges, notifications };
}

const frames = loadFrames();
const hex = (h: string): Buffer => Buffer.from(h, 'hex');

function exchange(name: string): Exchange {
  const e = frames.exchanges.find((x) => x.name === name);
  if (!e) throw new Error(`no exchange ${name} in the fixture`);
  return e;
}

/** A reader over the reply body of `name`, after checking its ReplyHeader. */
function replyBody(name: string, err: number = ErrorCode.OK): JuteReader {
  const e = exchange(name);
  const request = jute.readRequestHeader(new JuteReader(hex(e.request)));
  const r = new JuteReader(hex(e.reply));
  const header = jute.readReplyHeader(r);
  expect(header.xid).toBe(request.xid);
  expect(header.err).toBe(err);
  return r;
}

/** Decodes `name`'s reply body with `read` and checks nothing is left over. */
function decodeReply<T>(name: string, read: (r: JuteReader) => T): T {
  const r = replyBody(name);
  const v = read(r);
  expect(r.remaining).toBe(0);
  return v;
}

const stat = (s: Partial<Stat>): Stat => ({
  czxid: 0n,
  mzxid: 0n,
  ctime: 0,
  mtime: 0,
  version: 0,
  cversion: 0,
  aversion: 0,
  ephemeralOwner: 0n,
  dataLength: 0,
  numChildren: 0,
  pzxid: 0n,
  ...s,
});

const T_GOLDEN = 1795326679684; // ctime of /golden, ms since the epoch
const T_MULTI = 1795326680442; // ctime of the nodes made by the successful multi
const SESSION = 0x0100002719bf0000n;

describe('golden frames from ZooKeeper 3.8.0', () => {
  describe('handshake', () => {
    it('ConnectResponse carries the negotiated session and a trailing readOnly byte', () => {
      const bytes = hex(frames.connect.reply);
      const r = new JuteReader(bytes);
      const res = jute.readConnectResponse(r);
      expect(res.protocolVersion).toBe(0);
      expect(res.timeOut).toBe(10000);
      expect(res.sessionId).toBe(SESSION); // varies per run; the create2 stat below names the same owner
      expect(res.passwd.length).toBe(16);
      expect(res.readOnly).toBe(false);
      // 4 + 4 + 8 + (4 + 16) + 1: the readOnly flag is present on the wire even though
      // zookeeper.jute's ConnectResponse does not declare it.
      expect(bytes.length).toBe(37);
      expect(r.remaining).toBe(0);
    });

    it('a refused resume answers timeOut 0, session 0 and a zeroed 16-byte password', () => {
      const r = new JuteReader(hex(frames.connectRefused.reply));
      expect(jute.readConnectResponse(r)).toEqual({
        protocolVersion: 0,
        timeOut: 0,
        sessionId: 0n,
        passwd: Buffer.alloc(16),
        readOnly: false,
      });
      expect(r.remaining).toBe(0);
    });

    it.each([
      ['connect', frames.connect.request],
      ['connectRefused', frames.connectRefused.request],
    ])('ConnectRequest (%s) re-encodes byte for byte', (_, request) => {
      const r = new JuteReader(hex(request));
      const v = jute.readConnectRequest(r);
      expect(r.remaining).toBe(0);
      const w = new JuteWriter();
      jute.writeConnectRequest(w, v);
      expect(w.take().toString('hex')).toBe(request);
    });
  });

  describe('requests the server accepted', () => {
    type Reencode = (r: JuteReader, w: JuteWriter) => void;
    const codec =
      <T>(read: (r: JuteReader) => T, write: (w: JuteWriter, v: T) => void): Reencode =>
      (r, w) =>
        write(w, read(r));
    const multi = codec(jute.readMultiRequest, (w, ops) => jute.writeMultiRequest(w, ops as jute.TransactionOp[]));
    // Each request body's codec; the bodiless ones (whoAmI, ping, closeSession) are null.
    const reencoders: Record<string, Reencode | null> = {
      create: codec(jute.readCreateRequest, jute.writeCreateRequest),
      getData: codec(jute.readGetDataRequest, jute.writeGetDataRequest),
      create2: codec(jute.readCreateRequest, jute.writeCreateRequest),
      getChildren2: codec(jute.readGetChildren2Request, jute.writeGetChildren2Request),
      getACL: codec(jute.readGetACLRequest, jute.writeGetACLRequest),
      setData: codec(jute.readSetDataRequest, jute.writeSetDataRequest),
      multiFailed: multi,
      multiOk: multi,
      multiRead: multi,
      multiFailedLate: multi,
      existsMissing: codec(jute.readExistsRequest, jute.writeExistsRequest),
      exists: codec(jute.readExistsRequest, jute.writeExistsRequest),
      getDataNull: codec(jute.readGetDataRequest, jute.writeGetDataRequest),
      delete: codec(jute.readDeleteRequest, jute.writeDeleteRequest),
      auth: codec(jute.readAuthPacket, jute.writeAuthPacket),
      whoAmI: null,
      getEphemerals: codec(jute.readGetEphemeralsRequest, jute.writeGetEphemeralsRequest),
      getAllChildrenNumber: codec(jute.readGetAllChildrenNumberRequest, jute.writeGetAllChildrenNumberRequest),
      sync: codec(jute.readSyncRequest, jute.writeSyncRequest),
      addWatch: codec(jute.readAddWatchRequest, jute.writeAddWatchRequest),
      checkWatches: codec(jute.readCheckWatchesRequest, jute.writeCheckWatchesRequest),
      removeWatches: codec(jute.readRemoveWatchesRequest, jute.writeRemoveWatchesRequest),
      reconfig: codec(jute.readReconfigRequest, jute.writeReconfigRequest),
      setACL: codec(jute.readSetACLRequest, jute.writeSetACLRequest),
      setWatches2: codec(jute.readSetWatches2, jute.writeSetWatches2),
      ping: null,
      getChildren: codec(jute.readGetChildrenRequest, jute.writeGetChildrenRequest),
      createEphemeralForEvent: codec(jute.readCreateRequest, jute.writeCreateRequest),
      closeSession: null,
    };

    it('covers every captured exchange', () => {
      expect(frames.exchanges.map((e) => e.name).sort()).toEqual(Object.keys(reencoders).sort());
    });

    it.each(frames.exchanges.map((e) => [e.name, e.request]))('%s re-encodes byte for byte', (name, request) => {
      const r = new JuteReader(hex(request));
      const w = new JuteWriter();
      jute.writeRequestHeader(w, jute.readRequestHeader(r));
      reencoders[name]?.(r, w);
      expect(r.remaining).toBe(0);
      expect(w.take().toString('hex')).toBe(request);
    });

    it('decodes the ops of a transaction', () => {
      const r = new JuteReader(hex(exchange('multiOk').request));
      expect(jute.readRequestHeader(r)).toEqual({ xid: 8, type: OpCode.multi });
      const open = [{ perms: 31, scheme: 'world', id: 'anyone' }];
      expect(jute.readMultiRequest(r)).toEqual([
        { type: OpCode.create, request: { path: '/golden/m1', data: Buffer.from('m1'), acl: open, flags: 0 } },
        { type: OpCode.create2, request: { path: '/golden/m2', data: null, acl: open, flags: 0 } },
        { type: OpCode.createContainer, request: { path: '/golden/c', data: Buffer.from('c'), acl: open, flags: 4 } },
        {
          type: OpCode.createTTL,
          request: { path: '/golden/t', data: Buffer.from('t'), acl: open, flags: 5, ttl: 60000 },
        },
        { type: OpCode.setData, request: { path: '/golden', data: Buffer.from('again'), version: 1 } },
        { type: OpCode.check, request: { path: '/golden', version: 2 } },
        { type: OpCode.delete, request: { path: '/golden/m1', version: -1 } },
      ]);
    });

    it('keeps the nulls of a reconfig request', () => {
      const r = new JuteReader(hex(exchange('reconfig').request));
      jute.readRequestHeader(r);
      expect(jute.readReconfigRequest(r)).toEqual({
        joiningServers: null,
        leavingServers: null,
        newMembers: 'server.1=127.0.0.1:2888:3888;22181',
        curConfigId: -1n,
      });
    });
  });

  describe('replies', () => {
    const goldenStat = stat({ czxid: 2n, mzxid: 2n, ctime: T_GOLDEN, mtime: T_GOLDEN, dataLength: 5, pzxid: 2n });

    it('CreateResponse', () => {
      expect(decodeReply('create', jute.readCreateResponse)).toEqual({ path: '/golden' });
    });

    it('GetDataResponse', () => {
      expect(decodeReply('getData', jute.readGetDataResponse)).toEqual({ data: Buffer.from('hello'), stat: goldenStat });
    });

    it('GetDataResponse of a node created with null data: length -1, read as empty', () => {
      const res = decodeReply('getDataNull', jute.readGetDataResponse);
      expect(res.data).toEqual(Buffer.alloc(0));
      expect(exchange('getDataNull').reply.slice(32, 40)).toBe('ffffffff');
    });

    it('Create2Response of an ephemeral names the session as owner', () => {
      expect(decodeReply('create2', jute.readCreate2Response)).toEqual({
        path: '/golden/child',
        stat: stat({ czxid: 3n, mzxid: 3n, ctime: 1795326679907, mtime: 1795326679907, ephemeralOwner: SESSION, pzxid: 3n }),
      });
    });

    it('GetChildren2Response', () => {
      expect(decodeReply('getChildren2', jute.readGetChildren2Response)).toEqual({
        children: ['golden', 'zookeeper'],
        stat: stat({ numChildren: 2, pzxid: 2n }),
      });
    });

    it('GetChildrenResponse', () => {
      expect(decodeReply('getChildren', jute.readGetChildrenResponse)).toEqual({ children: ['c', 't', 'child'] });
    });

    it('GetACLResponse', () => {
      expect(decodeReply('getACL', jute.readGetACLResponse)).toEqual({
        acl: [{ perms: 31, scheme: 'world', id: 'anyone' }],
        stat: { ...goldenStat, cversion: 1, numChildren: 1, pzxid: 3n },
      });
    });

    it('SetDataResponse and SetACLResponse', () => {
      const setData = decodeReply('setData', jute.readSetDataResponse);
      expect(setData.stat).toMatchObject({ mzxid: 4n, version: 1, mtime: 1795326680224 });
      expect(decodeReply('setACL', jute.readSetACLResponse).stat).toMatchObject({ aversion: 1, version: 2, cversion: 7 });
    });

    it('ExistsResponse, and NONODE with no body for a missing node', () => {
      expect(decodeReply('exists', jute.readExistsResponse).stat).toMatchObject({ czxid: 6n, dataLength: 0 });
      expect(replyBody('existsMissing', ErrorCode.NONODE).remaining).toBe(0);
    });

    it('a failed transaction: ReplyHeader err 0, the failed op its code, the ops after it RUNTIMEINCONSISTENCY', () => {
      expect(decodeReply('multiFailed', jute.readMultiResponse)).toEqual([
        { type: OpCode.error, err: ErrorCode.BADVERSION },
        { type: OpCode.error, err: ErrorCode.RUNTIMEINCONSISTENCY },
      ]);
    });

    it('a failed transaction: the ops before the failed one answer error with err 0', () => {
      expect(decodeReply('multiFailedLate', jute.readMultiResponse)).toEqual([
        { type: OpCode.error, err: ErrorCode.OK },
        { type: OpCode.error, err: ErrorCode.OK },
        { type: OpCode.error, err: ErrorCode.BADVERSION },
        { type: OpCode.error, err: ErrorCode.RUNTIMEINCONSISTENCY },
      ]);
    });

    it('a committed transaction: create2 answers as create; container and TTL creates as create2', () => {
      const multiStat = stat({ czxid: 6n, mzxid: 6n, ctime: T_MULTI, mtime: T_MULTI, dataLength: 1, pzxid: 6n });
      expect(decodeReply('multiOk', jute.readMultiResponse)).toEqual([
        { type: OpCode.create, path: '/golden/m1' },
        { type: OpCode.create, path: '/golden/m2' }, // sent as a create2 op
        { type: OpCode.create2, path: '/golden/c', stat: multiStat },
        { type: OpCode.create2, path: '/golden/t', stat: multiStat },
        {
          type: OpCode.setData,
          stat: { ...goldenStat, mzxid: 6n, mtime: T_MULTI, version: 2, cversion: 5, numChildren: 5, pzxid: 6n },
        },
        { type: OpCode.check },
        { type: OpCode.delete },
      ]);
    });

    it('a multiRead: reads succeed beside a failed one', () => {
      expect(decodeReply('multiRead', jute.readMultiResponse)).toEqual([
        {
          type: OpCode.getData,
          data: Buffer.from('again'),
          stat: { ...goldenStat, mzxid: 6n, mtime: T_MULTI, version: 2, cversion: 6, numChildren: 4, pzxid: 6n },
        },
        { type: OpCode.getChildren, children: ['c', 't', 'm2', 'child'] },
        { type: OpCode.error, err: ErrorCode.NONODE },
      ]);
    });

    it('WhoAmIResponse lists every identity of the session', () => {
      expect(decodeReply('whoAmI', jute.readWhoAmIResponse)).toEqual({
        clientInfo: [
          { authScheme: 'digest', user: 'alice' },
          { authScheme: 'ip', user: '127.0.0.1' },
        ],
      });
    });

    it('GetEphemeralsResponse, GetAllChildrenNumberResponse, SyncResponse', () => {
      expect(decodeReply('getEphemerals', jute.readGetEphemeralsResponse)).toEqual({ ephemerals: ['/golden/child'] });
      expect(decodeReply('getAllChildrenNumber', jute.readGetAllChildrenNumberResponse)).toEqual({ totalNumber: 3 });
      expect(decodeReply('sync', jute.readSyncResponse)).toEqual({ path: '/golden' });
    });

    it('addWatch answers an ErrorResponse body with err 0', () => {
      expect(decodeReply('addWatch', jute.readErrorResponse)).toEqual({ err: 0 });
    });

    it.each([
      ['delete', ErrorCode.OK],
      ['checkWatches', ErrorCode.OK],
      ['removeWatches', ErrorCode.OK],
      ['auth', ErrorCode.OK],
      ['setWatches2', ErrorCode.OK],
      ['ping', ErrorCode.OK],
      ['closeSession', ErrorCode.OK],
      ['reconfig', ErrorCode.RECONFIGDISABLED],
      ['createEphemeralForEvent', ErrorCode.NOAUTH],
    ])('%s answers a bare ReplyHeader (err %i)', (name, err) => {
      expect(replyBody(name, err).remaining).toBe(0);
    });

    it('special xids echo back: auth -4 with zxid 0, ping -2 and setWatches -8 with the last zxid', () => {
      const header = (name: string) => jute.readReplyHeader(new JuteReader(hex(exchange(name).reply)));
      expect(header('auth')).toEqual({ xid: -4, zxid: 0n, err: 0 });
      expect(header('ping')).toEqual({ xid: -2, zxid: 9n, err: 0 });
      expect(header('setWatches2')).toEqual({ xid: -8, zxid: 9n, err: 0 });
    });
  });

  describe('notifications', () => {
    it('are a ReplyHeader with xid -1, zxid -1, then a WatcherEvent', () => {
      const events = frames.notifications.map((n) => {
        const r = new JuteReader(hex(n));
        expect(jute.readReplyHeader(r)).toEqual({ xid: -1, zxid: -1n, err: 0 });
        const e = jute.readWatcherEvent(r);
        expect(r.remaining).toBe(0);
        return e;
      });
      const SyncConnected = 3;
      expect(events).toEqual([
        { type: 3, state: SyncConnected, path: '/golden' }, // the getData watch, fired by setData
        { type: 3, state: SyncConnected, path: '/golden' }, // setWatches2 from zxid 0: /golden changed since
        { type: 4, state: SyncConnected, path: '/' }, // setWatches2 from zxid 0: / gained children since
        { type: 2, state: SyncConnected, path: '/golden/child' }, // the persistent recursive watch, ephemeral gone at close
        { type: 4, state: SyncConnected, path: '/golden' }, // the getChildren watch, same deletion
      ]);
    });
  });
});
