// The counters' node formats without a server (issue 19): kazoo's text Counter, Curator's SharedCount / kazoo's
// support_curator (int32) and Curator's DistributedAtomicLong (int64), read and written as those libraries do.
import { InvalidArgumentError } from '../../../src';
import { CounterDataError } from '../../../src/recipes';
import { addValues, checkFormat, decodeValue, encodeValue, toCounterValue } from '../../../src/recipes/counters/format';

describe('counter formats', () => {
  it("'text' is kazoo's repr(value) in ASCII, floats included; 'int32' and 'int64' big-endian as Java's ByteBuffer", () => {
    expect(encodeValue('text', 42).toString('latin1')).toBe('42');
    expect(encodeValue('text', -3).toString('latin1')).toBe('-3');
    expect(encodeValue('text', 1.5).toString('latin1')).toBe('1.5');
    expect([...encodeValue('int32', -2)]).toEqual([0xff, 0xff, 0xff, 0xfe]);
    expect([...encodeValue('int64', 258n)]).toEqual([0, 0, 0, 0, 0, 0, 1, 2]);
  });

  it('decodes what it encodes; an empty node holds the initial value in every format', () => {
    for (const [format, value] of [['text', 7], ['text', -0.25], ['int32', -2147483648], ['int64', -(2n ** 63n)]] as const) {
      expect(decodeValue(format, encodeValue(format, value), 0, '/c')).toBe(value);
      expect(decodeValue(format, Buffer.alloc(0), value, '/c')).toBe(value);
    }
    expect(decodeValue('text', Buffer.from('1e3'), 0, '/c')).toBe(1000);
  });

  it('refuses data of another format with CounterDataError naming the path (nothing is written)', () => {
    expect(() => decodeValue('int32', Buffer.from('42'), 0, '/c')).toThrow(CounterDataError);
    expect(() => decodeValue('int64', Buffer.alloc(4), 0n, '/c')).toThrow('/c: an int64 counter holds 8 bytes, not 4');
    expect(() => decodeValue('text', Buffer.from([0, 0, 0, 1]), 0, '/c')).toThrow(CounterDataError);
    expect(() => decodeValue('text', Buffer.from('inf'), 0, '/c')).toThrow(CounterDataError);
  });

  it('values and deltas in the format: integers in range for the binary ones (bigint for int64), finite numbers for text', () => {
    expect(toCounterValue('int64', 5, 'delta')).toBe(5n);
    expect(toCounterValue('int32', 5n, 'delta')).toBe(5);
    expect(() => toCounterValue('int32', 1.5, 'delta')).toThrow(InvalidArgumentError);
    expect(() => toCounterValue('int32', 2 ** 31, 'delta')).toThrow('delta must be a signed 32-bit integer');
    expect(() => toCounterValue('int64', 2 ** 60, 'initial')).toThrow(InvalidArgumentError); // not a safe integer
    expect(() => toCounterValue('text', Number.POSITIVE_INFINITY, 'delta')).toThrow(InvalidArgumentError);
    expect(toCounterValue('text', 0.5, 'delta')).toBe(0.5);
  });

  it('a sum outside the range is refused, never wrapped around as Java would', () => {
    expect(addValues('int32', 2147483646, 1)).toBe(2147483647);
    expect(() => addValues('int32', 2147483647, 1)).toThrow('adding 1 to 2147483647 leaves the range of a int32 counter');
    expect(() => addValues('int64', 2n ** 63n - 1n, 1n)).toThrow(InvalidArgumentError);
    expect(addValues('text', 1.5, 2)).toBe(3.5);
  });

  it("checks the format option: 'text' by default", () => {
    expect(checkFormat(undefined)).toBe('text');
    expect(checkFormat('int64')).toBe('int64');
    expect(() => checkFormat('long')).toThrow("format must be 'text', 'int32' or 'int64', not long");
  });
});
