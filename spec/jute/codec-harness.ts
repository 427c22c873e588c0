// Shared checks every jute record must pass: it round-trips, it consumes exactly
// its own bytes, and no cut or corrupted encoding gets past the reader as anything
// but a JuteDecodeError (pg-protocol cuts every message at every byte the same way).
import fc from 'fast-check';
import { JuteDecodeError, JuteReader, JuteWriter } from '../../src/jute';

export type Write<T> = (w: JuteWriter, v: T) => void;
export type Read<T> = (r: JuteReader) => T;

const SENTINEL = 0x7eadbeef;

/** Encodes one value with a fresh JuteWriter. */
export function encode<T>(write: Write<T>, v: T): Buffer {
  const w = new JuteWriter(8);
  write(w, v);
  return w.take();
}

/** Runs `read` on `bytes`; returns the error it threw, or undefined. */
function readError<T>(read: Read<T>, bytes: Buffer): unknown {
  try {
    read(new JuteReader(bytes));
    return undefined;
  } catch (e) {
    return e;
  }
}

export interface CodecOptions {
  /** Trailing bytes a reader may do without (ConnectRequest/Response's readOnly flag). */
  optionalTail?: number;
}

/** Registers the standard specs for one record codec. */
export function describeCodec<T>(
  name: string,
  arb: fc.Arbitrary<T>,
  write: Write<T>,
  read: Read<T>,
  opts: CodecOptions = {},
): void {
  describe(name, () => {
    it('round-trips and consumes exactly the bytes written', () => {
      const w = new JuteWriter(8);
      fc.assert(
        fc.property(arb, (v) => {
          write(w, v);
          const length = w.length;
          w.int(SENTINEL);
          const r = new JuteReader(w.take());
          expect(read(r)).toEqual(v);
          expect(r.offset).toBe(length);
          expect(r.int()).toBe(SENTINEL);
        }),
      );
    });

    it('refuses every truncated encoding with a JuteDecodeError', () => {
      const tail = opts.optionalTail ?? 0;
      fc.assert(
        fc.property(arb, (v) => {
          const bytes = encode(write, v);
          for (let cut = 0; cut < bytes.length - tail; cut++) {
            expect(readError(read, bytes.subarray(0, cut))).toBeInstanceOf(JuteDecodeError);
          }
        }),
        { numRuns: 30 },
      );
    });

    it('reads corrupted or random bytes to a value or a JuteDecodeError, nothing else', () => {
      const corrupted = fc
        .tuple(arb, fc.nat(), fc.integer({ min: 1, max: 255 }))
        .map(([v, at, xor]) => {
          const bytes = encode(write, v);
          if (bytes.length > 0) bytes[at % bytes.length] ^= xor;
          return bytes;
        });
      const random = fc.uint8Array({ maxLength: 128 }).map((a) => Buffer.from(a));
      fc.assert(
        fc.property(fc.oneof(corrupted, random), (bytes) => {
          const e = readError(read, bytes);
          if (e !== undefined) expect(e).toBeInstanceOf(JuteDecodeError);
        }),
        { numRuns: 200 },
      );
    });
  });
}
