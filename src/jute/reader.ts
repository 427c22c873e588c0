import { JuteDecodeError } from './decode-error';

const ZERO = BigInt(0);
const TWO_POW_32 = 4294967296;

/**
 * The 32-bit reads, signed and unsigned, big-endian at `p`, whose bounds the caller has checked (`need`). Written out
 * rather than Buffer's readInt32BE/readUInt32BE: in a new process, whose first thousands of replies run in V8's
 * interpreter, Buffer's methods are calls with checks of their own for every int of every reply (issue 20).
 */
function int32At(b: Buffer, p: number): number {
  return (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
}

function uint32At(b: Buffer, p: number): number {
  return b[p] * 0x1000000 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
}

/** From this size, a byte array in an owned frame is handed out as a view, not copied. */
const OWNED_VIEW_MIN = 64 * 1024;
/** Until the first reset: shared, since a reader may be made per frame. */
const NO_BYTES = Buffer.alloc(0);

/**
 * A bounds-checked big-endian reader for jute records.
 *
 * One instance is reused for every incoming frame (`reset`). Every length read
 * from the wire is checked against the bytes actually left before anything is
 * allocated, so a hostile length is a `JuteDecodeError`, never a huge allocation.
 * Byte arrays handed out are copies (the frame may be a view into a socket
 * chunk that outlives the reply), except large ones in an owned frame, handed
 * out as views of it (`buffer()`).
 */
export class JuteReader {
  private buf: Buffer = NO_BYTES;
  private pos = 0;
  private end = 0;
  private owned = false;

  constructor(buf?: Buffer) {
    if (buf) this.reset(buf);
  }

  /**
   * Reads `buf[offset, end)`. `owned`: nothing else uses `buf` (a frame
   * assembled into a buffer of its own), so large byte arrays may be handed
   * out as views of it instead of copies.
   */
  reset(buf: Buffer, offset = 0, end = buf.length, owned = false): this {
    // A window outside the buffer is the caller's bug; left unchecked it would surface
    // later as Node's ERR_OUT_OF_RANGE instead of a JuteDecodeError.
    if (!(offset >= 0 && offset <= end && end <= buf.length)) {
      throw new RangeError(`reader window [${offset}, ${end}) is outside a buffer of ${buf.length} bytes`);
    }
    this.buf = buf;
    this.pos = offset;
    this.end = end;
    this.owned = owned;
    return this;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      throw new JuteDecodeError(`truncated record: ${what} needs ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`);
    }
  }

  int(): number {
    this.need(4, 'int');
    const p = this.pos;
    this.pos = p + 4;
    return int32At(this.buf, p);
  }

  /** An unsigned 32-bit int (the low half of a long read in halves). */
  uint(): number {
    this.need(4, 'int');
    const p = this.pos;
    this.pos = p + 4;
    return uint32At(this.buf, p);
  }

  long(): bigint {
    this.need(8, 'long');
    const hi = int32At(this.buf, this.pos);
    const lo = uint32At(this.buf, this.pos + 4);
    // Zxids and times fit 53 bits: one exact double, one BigInt. readBigInt64BE makes
    // several intermediate BigInts per call, and every reply carries a few longs.
    // Zero (a persistent node's ephemeralOwner) is one shared BigInt: they are immutable.
    const v = hi === 0 && lo === 0 ? ZERO : hi >= -0x200000 && hi < 0x200000 ? BigInt(hi * TWO_POW_32 + lo) : this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /**
   * The next long; `repeat` itself, not a new BigInt, when its 8 bytes equal
   * those at offset `at`, where `repeat` was read. A Stat's zxids often repeat
   * (mzxid and pzxid equal czxid until the node changes), and followers keep
   * thousands of Stats.
   */
  longRepeating(at: number, repeat: bigint): bigint {
    this.need(8, 'long');
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < 8; i++) if (b[p + i] !== b[at + i]) return this.long();
    this.pos = p + 8;
    return repeat;
  }

  /** A jute long known to fit a double exactly (timestamps in ms); avoids a BigInt. */
  longAsNumber(): number {
    this.need(8, 'long');
    const hi = int32At(this.buf, this.pos);
    const lo = uint32At(this.buf, this.pos + 4);
    this.pos += 8;
    return hi * TWO_POW_32 + lo;
  }

  bool(): boolean {
    this.need(1, 'boolean');
    return this.buf[this.pos++] !== 0;
  }

  private length(what: string): number {
    const n = this.int();
    if (n < -1) throw new JuteDecodeError(`negative ${what} length ${n}`);
    if (n > this.end - this.pos) {
      throw new JuteDecodeError(`${what} length ${n} exceeds the ${this.end - this.pos} bytes left in the frame`);
    }
    return n;
  }

  /**
   * A jute `buffer` the caller owns; length -1 (null) reads as an empty buffer.
   * A copy, except a large one in an owned frame: a view of it then, since
   * nothing else will use that memory (a 1 MB value is not copied twice).
   */
  buffer(): Buffer {
    const n = this.length('buffer');
    if (n <= 0) return Buffer.alloc(0);
    if (this.owned && n >= OWNED_VIEW_MIN) {
      const view = this.buf.subarray(this.pos, this.pos + n);
      this.pos += n;
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    this.buf.copy(out, 0, this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A jute `buffer` that may be null (length -1). */
  bufferOrNull(): Buffer | null {
    const save = this.pos;
    if (this.int() === -1) return null;
    this.pos = save;
    return this.buffer();
  }

  /** A jute `ustring`; length -1 (null) reads as ''. */
  ustring(): string {
    const n = this.length('ustring');
    if (n <= 0) return '';
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** A jute `ustring` that may be null (length -1). */
  ustringOrNull(): string | null {
    const save = this.pos;
    if (this.int() === -1) return null;
    this.pos = save;
    return this.ustring();
  }

  /**
   * A jute `vector`; count -1 (null) reads as []. `minItemSize` bounds the count
   * by the bytes left, so a hostile count cannot make us loop or allocate.
   */
  vector<T>(readItem: (r: JuteReader) => T, minItemSize: number): T[] {
    const n = this.int();
    if (n === -1) return [];
    if (n < 0) throw new JuteDecodeError(`negative vector count ${n}`);
    // Every jute item takes at least one byte: a minItemSize of 0 must not let a
    // count of 2^31-1 through to the allocation below.
    if (n * Math.max(1, minItemSize) > this.end - this.pos) {
      throw new JuteDecodeError(`vector count ${n} cannot fit in the ${this.end - this.pos} bytes left in the frame`);
    }
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = readItem(this);
    return out;
  }
}
