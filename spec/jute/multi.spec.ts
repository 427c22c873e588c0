// The multi body codec beyond round-trips: how a client builds ops and reads results,
// and how the readers end on hostile bodies (no done marker, unknown types).
import {
  CreateFlag,
  JuteDecodeError,
  ErrorCode,
  JuteReader,
  JuteWriter,
  OpCode,
  readMultiResponse,
  readMultiRequest,
  writeMultiHeader,
  writeMultiRequest,
  writeMultiResponse,
  type MultiReadOp,
  type MultiResult,
  type TransactionOp,
} from './codec';
import { Bytes } from './simple-encoder';

const open = [{ perms: 31, scheme: 'world', id: 'anyone' }];

function errorOf(read: (r: JuteReader) => unknown, bytes: Buffer): unknown {
  try {
    read(new JuteReader(bytes));
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('multi bodies', () => {
  it('builds a transaction from plain objects and reads its results by type', () => {
    const ops: TransactionOp[] = [
      { type: OpCode.create, request: { path: '/lock-', data: null, acl: open, flags: CreateFlag.EPHEMERAL_SEQUENTIAL } },
      { type: OpCode.check, request: { path: '/config', version: 3 } },
      { type: OpCode.setData, request: { path: '/config', data: Buffer.from('v4'), version: 3 } },
    ];
    const w = new JuteWriter();
    writeMultiRequest(w, ops);
    expect(readMultiRequest(new JuteReader(w.take()))).toEqual(ops);

    const results: MultiResult[] = [
      { type: OpCode.error, err: ErrorCode.OK },
      { type: OpCode.error, err: ErrorCode.BADVERSION },
      { type: OpCode.error, err: ErrorCode.RUNTIMEINCONSISTENCY },
    ];
    writeMultiResponse(w, results);
    const read = readMultiResponse(new JuteReader(w.take()));
    const rolledBack: number[] = [ErrorCode.OK, ErrorCode.RUNTIMEINCONSISTENCY];
    const failedIndex = read.findIndex((res) => res.type === OpCode.error && !rolledBack.includes(res.err));
    expect(failedIndex).toBe(1);
  });

  it('an empty multi is the done marker alone', () => {
    const w = new JuteWriter();
    writeMultiRequest(w, [] as MultiReadOp[]);
    writeMultiResponse(w, []);
    expect(w.take().toString('hex')).toBe('ffffffff01ffffffff'.repeat(2));
  });

  it('stops at the first header marked done, whatever its type (as MultiResponse.deserialize)', () => {
    const bytes = new Bytes().int(2).bool(false).int(0).int(13).bool(true).int(0).int(2).bool(false).int(0).build();
    const r = new JuteReader(bytes);
    expect(readMultiResponse(r)).toEqual([{ type: OpCode.delete }]);
    expect(r.remaining).toBe(9);
  });

  it('ends a response without its done marker with a JuteDecodeError once the bytes run out', () => {
    // 100 000 bodiless delete results: every one costs its 9-byte header, so the loop is bounded by the bytes.
    const b = new Bytes();
    for (let i = 0; i < 100_000; i++) b.int(OpCode.delete).bool(false).int(0);
    expect(errorOf(readMultiResponse, b.build())).toBeInstanceOf(JuteDecodeError);
    const checkWithoutEnd = new Bytes().int(OpCode.check).bool(false).int(-1).str('/a').int(1).build();
    expect(errorOf(readMultiRequest, checkWithoutEnd)).toBeInstanceOf(JuteDecodeError);
  });

  it.each([
    ['exists', OpCode.exists],
    ['createContainer (never a result type)', OpCode.createContainer],
    ['multi', OpCode.multi],
    ['0', 0],
  ])('refuses a %s result type with a JuteDecodeError', (_, type) => {
    const bytes = new Bytes().int(type).bool(false).int(0).int(0).int(-1).bool(true).int(-1).build();
    expect(errorOf(readMultiResponse, bytes)).toBeInstanceOf(JuteDecodeError);
  });

  it.each([
    ['exists', OpCode.exists],
    ['error', OpCode.error],
    ['multi', OpCode.multi],
  ])('refuses a %s op type in a request with a JuteDecodeError', (_, type) => {
    const bytes = new Bytes().int(type).bool(false).int(-1).str('/a').bool(false).int(-1).bool(true).int(-1).build();
    expect(errorOf(readMultiRequest, bytes)).toBeInstanceOf(JuteDecodeError);
  });

  it('refuses a hostile children count inside a result', () => {
    const bytes = new Bytes().int(OpCode.getChildren).bool(false).int(0).int(0x7fffffff).str('a').build();
    expect(errorOf(readMultiResponse, bytes)).toBeInstanceOf(JuteDecodeError);
  });

  it('refuses to encode an op a multi cannot carry, even past the types', () => {
    const bogus = [{ type: OpCode.exists, request: { path: '/a', watch: false } }] as unknown as MultiReadOp[];
    expect(() => writeMultiRequest(new JuteWriter(), bogus)).toThrow(TypeError);
  });

  it('takes an error result’s code from its ErrorResponse, not its header', () => {
    const w = new JuteWriter();
    writeMultiHeader(w, { type: OpCode.error, done: false, err: 0 });
    w.int(ErrorCode.NONODE);
    writeMultiHeader(w, { type: -1, done: true, err: -1 });
    expect(readMultiResponse(new JuteReader(w.take()))).toEqual([{ type: OpCode.error, err: ErrorCode.NONODE }]);
  });
});
