import fc from 'fast-check';
import { JuteWriter } from '../../src/jute';

const hex = (w: JuteWriter): string => w.take().toString('hex');

describe('JuteWriter primitives', () => {
  it('writes ints big-endian, two’s complement', () => {
    const w = new JuteWriter();
    w.int(1).int(-1).int(0x7fffffff).int(-0x80000000);
    expect(hex(w)).toBe('00000001' + 'ffffffff' + '7fffffff' + '80000000');
  });

  it('writes longs from bigints across the whole int64 range', () => {
    const w = new JuteWriter();
    w.long(0x0102030405060708n).long(-1n).long(2n ** 63n - 1n).long(-(2n ** 63n));
    expect(hex(w)).toBe('0102030405060708' + 'ffffffffffffffff' + '7fffffffffffffff' + '8000000000000000');
  });

  it('writes longs from safe-integer numbers exactly as from bigints', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const a = new JuteWriter(8).longFromNumber(n).take();
        const b = new JuteWriter(8).long(BigInt(n)).take();
        expect(a).toEqual(b);
      }),
    );
    expect(new JuteWriter().longFromNumber(-1).take().toString('hex')).toBe('ffffffffffffffff');
    expect(new JuteWriter().longFromNumber(2 ** 32).take().toString('hex')).toBe('0000000100000000');
  });

  it('refuses an int outside 32 bits and a long from a number that is not a safe integer', () => {
    const w = new JuteWriter();
    expect(() => w.int(2 ** 31)).toThrow(RangeError);
    expect(() => w.int(-(2 ** 31) - 1)).toThrow(RangeError);
    expect(() => w.int(0.5)).toThrow(RangeError);
    expect(() => w.longFromNumber(2 ** 53)).toThrow(RangeError);
    expect(() => w.longFromNumber(1.5)).toThrow(RangeError);
    expect(() => w.longFromNumber(Number.NaN)).toThrow(RangeError);
    expect(w.length).toBe(0);
  });

  it('writes booleans as one byte', () => {
    expect(hex(new JuteWriter().bool(true).bool(false))).toBe('0100');
  });

  it('writes buffers as length then bytes, null as length -1', () => {
    const w = new JuteWriter();
    w.buffer(Buffer.from([0xca, 0xfe])).buffer(new Uint8Array([7])).buffer(Buffer.alloc(0)).buffer(null);
    expect(hex(w)).toBe('00000002cafe' + '0000000107' + '00000000' + 'ffffffff');
  });

  it('writes ustrings as UTF-8 byte length then bytes, null as length -1', () => {
    const w = new JuteWriter();
    // 'é' is 2 bytes, '€' 3, '😀' 4 (two UTF-16 units).
    w.ustring('a').ustring('é€😀').ustring('').ustring(null);
    expect(hex(w)).toBe('0000000161' + '00000009c3a9e282acf09f9880' + '00000000' + 'ffffffff');
  });

  it('encodes any well-formed string as Buffer.from(s) does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = new JuteWriter(1).ustring(s).take();
        const utf8 = Buffer.from(s, 'utf8');
        expect(out.readInt32BE(0)).toBe(utf8.length);
        expect(out.subarray(4)).toEqual(utf8);
      }),
    );
  });

  it('writes vectors as count then items, null as count -1', () => {
    const w = new JuteWriter();
    const int = (ww: JuteWriter, v: number): void => {
      ww.int(v);
    };
    w.vector([1, 2], int).vector([], int).vector(null, int);
    expect(hex(w)).toBe('00000002' + '00000001' + '00000002' + '00000000' + 'ffffffff');
  });
});

describe('JuteWriter frames and batches', () => {
  it('fills in each frame’s 4-byte length prefix', () => {
    const w = new JuteWriter();
    const a = w.beginFrame();
    w.int(7).bool(true);
    expect(w.endFrame(a)).toBe(5);
    const b = w.beginFrame();
    expect(w.endFrame(b)).toBe(0);
    expect(hex(w)).toBe('00000005' + '0000000701' + '00000000');
  });

  it('truncate drops a frame refused after encoding and keeps the ones before it', () => {
    const w = new JuteWriter();
    const a = w.beginFrame();
    w.int(1);
    w.endFrame(a);
    const b = w.beginFrame();
    w.ustring('too large');
    w.truncate(b);
    expect(w.length).toBe(8);
    w.truncate(100); // never grows
    expect(hex(w)).toBe('00000004' + '00000001');
  });

  it('take hands out a copy and starts over', () => {
    const w = new JuteWriter();
    w.int(1);
    const first = w.take();
    expect(w.length).toBe(0);
    w.int(2);
    expect(first.toString('hex')).toBe('00000001');
    expect(w.take().toString('hex')).toBe('00000002');
    expect(w.take().length).toBe(0);
  });

  it('grows from any initial size, 0 and 1 included', () => {
    for (const initial of [0, 1, 3]) {
      const big = Buffer.alloc(100_000, 0xab);
      const w = new JuteWriter(initial);
      w.int(1).buffer(big).ustring('😀'.repeat(10_000)).long(5n);
      const out = w.take();
      expect(out.length).toBe(4 + 4 + big.length + 4 + 40_000 + 8);
      expect(out.subarray(8, 8 + big.length)).toEqual(big);
      expect(out.readBigInt64BE(out.length - 8)).toBe(5n);
    }
  });

  it('keeps working after a batch larger than its shrink threshold', () => {
    const w = new JuteWriter(16);
    w.buffer(Buffer.alloc(5 * 1024 * 1024, 1));
    expect(w.take().length).toBe(4 + 5 * 1024 * 1024);
    w.int(9);
    expect(hex(w)).toBe('00000009');
  });

  it('produces the same bytes whatever the initial size', () => {
    const op = fc.oneof(
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((n) => (w: JuteWriter) => w.int(n)),
      fc.string({ unit: 'binary' }).map((s) => (w: JuteWriter) => w.ustring(s)),
      fc.uint8Array({ maxLength: 300 }).map((b) => (w: JuteWriter) => w.buffer(b)),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 20 }), fc.integer({ min: 0, max: 64 }), (ops, initial) => {
        const small = new JuteWriter(initial);
        const large = new JuteWriter(1 << 16);
        for (const f of ops) {
          f(small);
          f(large);
        }
        expect(small.take()).toEqual(large.take());
      }),
    );
  });
});
