import fc from 'fast-check';
import { JuteDecodeError, JuteReader } from '../../src/jute';

const reader = (hex: string): JuteReader => new JuteReader(Buffer.from(hex, 'hex'));

describe('JuteReader primitives', () => {
  it('reads ints, longs and booleans, tracking offset and remaining', () => {
    const r = reader('ffffffff' + '7fffffff' + '8000000000000000' + '01' + '00' + '02');
    expect(r.remaining).toBe(19);
    expect(r.int()).toBe(-1);
    expect(r.int()).toBe(0x7fffffff);
    expect(r.long()).toBe(-(2n ** 63n));
    expect(r.offset).toBe(16);
    expect(r.bool()).toBe(true);
    expect(r.bool()).toBe(false);
    expect(r.bool()).toBe(true); // any non-zero byte, as Java's DataInput.readBoolean
    expect(r.remaining).toBe(0);
  });

  it('reads a long as a number exactly when it is a safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const b = Buffer.alloc(8);
        b.writeBigInt64BE(BigInt(n));
        expect(new JuteReader(b).longAsNumber()).toBe(n);
      }),
    );
  });

  it('reads a repeated long as the earlier BigInt, and a long differing in either half as itself', () => {
    fc.assert(
      fc.property(fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n), fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n), fc.nat(2), (first, other, how) => {
        const b = Buffer.alloc(16);
        b.writeBigInt64BE(first);
        // 0: the same long; 1: the same high half; 2: the same low half.
        const second = how === 0 ? first : BigInt.asIntN(64, how === 1 ? (first & ~0xffffffffn) | (other & 0xffffffffn) : (other & ~0xffffffffn) | (first & 0xffffffffn));
        b.writeBigInt64BE(second, 8);
        const r = new JuteReader(b);
        const a = r.long();
        expect(r.longRepeating(0, a)).toBe(second);
        expect(r.remaining).toBe(0);
      }),
    );
    const truncated = reader('0000000000000001' + '000000');
    truncated.long();
    expect(() => truncated.longRepeating(0, 1n)).toThrow(JuteDecodeError);
  });

  it('reads buffers as copies, null (-1) as empty', () => {
    const src = Buffer.from('00000002cafe' + 'ffffffff' + '00000000', 'hex');
    const r = new JuteReader(src);
    const b = r.buffer();
    src[4] = 0;
    expect(b.toString('hex')).toBe('cafe');
    expect(r.buffer()).toEqual(Buffer.alloc(0));
    expect(r.buffer()).toEqual(Buffer.alloc(0));
  });

  it('tells null from empty with bufferOrNull and ustringOrNull', () => {
    const r = reader('ffffffff' + '00000000' + 'ffffffff' + '00000000' + '0000000178');
    expect(r.bufferOrNull()).toBeNull();
    expect(r.bufferOrNull()).toEqual(Buffer.alloc(0));
    expect(r.ustringOrNull()).toBeNull();
    expect(r.ustringOrNull()).toBe('');
    expect(r.ustringOrNull()).toBe('x');
  });

  it('reads UTF-8 strings, 4-byte characters included; null (-1) as ""', () => {
    const r = reader('00000009c3a9e282acf09f9880' + 'ffffffff');
    expect(r.ustring()).toBe('é€😀');
    expect(r.ustring()).toBe('');
  });

  it('reads vectors; null (-1) and empty as []', () => {
    const r = reader('00000002' + '00000005' + '00000006' + 'ffffffff' + '00000000');
    expect(r.vector((rr) => rr.int(), 4)).toEqual([5, 6]);
    expect(r.vector((rr) => rr.int(), 4)).toEqual([]);
    expect(r.vector((rr) => rr.int(), 4)).toEqual([]);
  });

  it('reads only inside its window and can be reset for the next frame', () => {
    const buf = Buffer.from('00000001' + '00000002' + '00000003', 'hex');
    const r = new JuteReader().reset(buf, 4, 8);
    expect(r.int()).toBe(2);
    expect(() => r.int()).toThrow(JuteDecodeError);
    r.reset(buf, 8);
    expect(r.int()).toBe(3);
  });

  it('refuses a window outside its buffer', () => {
    const buf = Buffer.alloc(4);
    expect(() => new JuteReader().reset(buf, 0, 5)).toThrow(RangeError);
    expect(() => new JuteReader().reset(buf, 3, 2)).toThrow(RangeError);
    expect(() => new JuteReader().reset(buf, -1)).toThrow(RangeError);
  });
});

describe('JuteReader on hostile input', () => {
  afterEach(() => jest.restoreAllMocks());

  /** Runs `read` on a reader of `hex`, made beforehand, while watching Buffer's allocators. */
  const readWatchingAllocations = (hex: string, read: (r: JuteReader) => unknown): unknown => {
    const r = reader(hex);
    const allocUnsafe = jest.spyOn(Buffer, 'allocUnsafe');
    const alloc = jest.spyOn(Buffer, 'alloc');
    let error: unknown;
    try {
      read(r);
    } catch (e) {
      error = e;
    }
    expect(allocUnsafe).not.toHaveBeenCalled();
    expect(alloc).not.toHaveBeenCalled();
    jest.restoreAllMocks();
    return error;
  };

  it.each([
    ['negative', 'fffffffe'],
    ['most negative', '80000000'],
    ['greater than the bytes left', '00000005' + 'aabbccdd'],
    ['2^31-1', '7fffffff' + 'aa'],
  ])('refuses a %s buffer or ustring length before allocating', (_, hex) => {
    expect(readWatchingAllocations(hex, (r) => r.buffer())).toBeInstanceOf(JuteDecodeError);
    expect(readWatchingAllocations(hex, (r) => r.bufferOrNull())).toBeInstanceOf(JuteDecodeError);
    expect(readWatchingAllocations(hex, (r) => r.ustring())).toBeInstanceOf(JuteDecodeError);
    expect(readWatchingAllocations(hex, (r) => r.ustringOrNull())).toBeInstanceOf(JuteDecodeError);
  });

  it.each([
    ['negative', 'fffffffe', 4],
    ['2^31-1', '7fffffff' + '00000000', 4],
    ['larger than the bytes left allow', '00000003' + '0000000000000000', 4],
    ['2^31-1 with a zero minItemSize', '7fffffff' + '00', 0],
  ])('refuses a %s vector count before reading an item', (_, hex, minItemSize) => {
    const readItem = jest.fn((r: JuteReader) => r.int());
    expect(readWatchingAllocations(hex, (r) => r.vector(readItem, minItemSize))).toBeInstanceOf(JuteDecodeError);
    expect(readItem).not.toHaveBeenCalled();
  });

  it('refuses truncated primitives', () => {
    expect(() => reader('000000').int()).toThrow(JuteDecodeError);
    expect(() => reader('00000000000000').long()).toThrow(JuteDecodeError);
    expect(() => reader('00000000000000').longAsNumber()).toThrow(JuteDecodeError);
    expect(() => reader('').bool()).toThrow(JuteDecodeError);
    expect(() => reader('0000').bufferOrNull()).toThrow(JuteDecodeError);
  });

  it('names what was truncated and where', () => {
    expect(() => reader('00000001' + '00').long()).toThrow('truncated record: long needs 8 bytes at offset 0, 5 left');
  });
});
