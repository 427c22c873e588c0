import fc from 'fast-check';
import { ProtocolError } from '../../src/errors';
import { FrameDecoder } from '../../src/transport/frame-decoder';
import { frameBytes } from './frame-bytes';

/** A deliberately simple encoder, separate from JuteWriter: 4-byte big-endian length, then the body. */
function frame(body: Buffer): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

function decodeAll(chunks: Buffer[], max = 1 << 20): Buffer[] {
  const out: Buffer[] = [];
  const decoder = new FrameDecoder(max, (f) => out.push(frameBytes(f)));
  for (const c of chunks) decoder.push(c);
  return out;
}

describe('FrameDecoder', () => {
  it('decodes every frame of one chunk holding 10,000 frames, in order', () => {
    const bodies = Array.from({ length: 10_000 }, (_, i) => Buffer.from(`frame-${i}`));
    const decoded = decodeAll([Buffer.concat(bodies.map(frame))]);
    expect(decoded).toHaveLength(10_000);
    expect(decoded.every((f, i) => f.equals(bodies[i]))).toBe(true);
  });

  it('decodes in linear time: never copies a byte twice, never concatenates', () => {
    // Counted, not timed: a quadratic reassembly (Buffer.concat per frame, or
    // re-copying leftovers) shows up as copied bytes growing faster than the input.
    const copy = jest.spyOn(Buffer.prototype, 'copy');
    const concat = jest.spyOn(Buffer, 'concat');
    try {
      const bodies = Array.from({ length: 10_000 }, (_, i) => Buffer.alloc(20 + (i % 50), i % 256));
      const stream = Buffer.concat(bodies.map(frame));
      concat.mockClear();
      copy.mockClear();
      // One chunk with 10,000 whole frames: nothing copied at all.
      let count = 0;
      new FrameDecoder(1 << 20, () => count++).push(stream);
      expect(count).toBe(10_000);
      expect(copy).not.toHaveBeenCalled();
      // The same stream in 7-byte chunks: every byte copied at most once.
      const decoder = new FrameDecoder(1 << 20, () => count++);
      for (let pos = 0; pos < stream.length; pos += 7) decoder.push(stream.subarray(pos, pos + 7));
      expect(count).toBe(20_000);
      const copied = copy.mock.calls.reduce((sum, [, , start = 0, end = 0]) => sum + (Number(end) - Number(start)), 0);
      expect(copied).toBeLessThanOrEqual(stream.length);
      expect(concat).not.toHaveBeenCalled();
    } finally {
      copy.mockRestore();
      concat.mockRestore();
    }
  });

  it('decodes a frame the same whatever byte position it is split at', () => {
    const bodies = [Buffer.from('a'), Buffer.alloc(0), Buffer.from('hello world'), Buffer.alloc(300, 1)];
    const stream = Buffer.concat(bodies.map(frame));
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoded = decodeAll([stream.subarray(0, cut), stream.subarray(cut)]);
      expect(decoded.map((b) => b.toString('hex'))).toEqual(bodies.map((b) => b.toString('hex')));
    }
  });

  it('decodes a stream cut into any chunks, including one byte at a time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
        (bodyArrays, sizes) => {
          const bodies = bodyArrays.map((b) => Buffer.from(b));
          const stream = Buffer.concat(bodies.map(frame));
          const chunks: Buffer[] = [];
          for (let pos = 0, i = 0; pos < stream.length; i++) {
            const size = sizes[i % sizes.length];
            chunks.push(stream.subarray(pos, pos + size));
            pos += size;
          }
          const decoded = decodeAll(chunks);
          expect(decoded.map((b) => b.toString('hex'))).toEqual(bodies.map((b) => b.toString('hex')));
        },
      ),
    );
  });

  it('hands out whole frames where they lie in the chunk, and split ones assembled into a buffer of their own', () => {
    const chunk = Buffer.concat([frame(Buffer.from('abc')), frame(Buffer.from('de'))]);
    const seen: { buffer: Buffer; start: number; end: number; owned: boolean }[] = [];
    const decoder = new FrameDecoder(100, (f) => seen.push({ ...f }));
    decoder.push(chunk);
    expect(seen.map((f) => [f.buffer === chunk, f.start, f.end, f.owned])).toEqual([
      [true, 4, 7, false],
      [true, 11, 13, false],
    ]);
    const split = frame(Buffer.from('split'));
    decoder.push(split.subarray(0, 6));
    decoder.push(split.subarray(6));
    const last = seen[2];
    expect([last.buffer.toString(), last.start, last.end, last.owned]).toEqual(['split', 0, 5, true]);
  });

  it('refuses a negative length with a ProtocolError', () => {
    const bad = Buffer.alloc(8);
    bad.writeInt32BE(-5, 0);
    expect(() => decodeAll([bad])).toThrow(ProtocolError);
  });

  it('refuses a length over the limit without allocating it', () => {
    const bad = Buffer.alloc(4);
    bad.writeInt32BE(0x7fffffff, 0);
    const allocSpy = jest.spyOn(Buffer, 'allocUnsafe');
    try {
      expect(() => decodeAll([bad], 1024)).toThrow(/outside 0..1024/);
      expect(allocSpy.mock.calls.some(([size]) => size > 1024)).toBe(false);
    } finally {
      allocSpy.mockRestore();
    }
  });

  it('refuses an oversized length even when its prefix arrives split', () => {
    const bad = Buffer.alloc(4);
    bad.writeInt32BE(1 << 30, 0);
    expect(() => decodeAll([bad.subarray(0, 1), bad.subarray(1, 3), bad.subarray(3)], 1 << 20)).toThrow(ProtocolError);
  });

  it('accepts a frame of exactly the limit, holding it back until its last byte', () => {
    const body = Buffer.alloc(64, 9);
    const stream = frame(body);
    const out: Buffer[] = [];
    const decoder = new FrameDecoder(64, (f) => out.push(frameBytes(f)));
    decoder.push(stream.subarray(0, 10));
    expect(out).toHaveLength(0);
    decoder.push(stream.subarray(10));
    expect(out).toHaveLength(1);
    expect(out[0].equals(body)).toBe(true);
  });
});
