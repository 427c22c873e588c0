import { ProtocolError } from '../errors/client-errors';

const TWO_POW_32 = 4294967296;
/** Until the first reset: shared, since a reader may be made per frame. */
const NO_BYTES = Buffer.alloc(0);

/**
 * A bounds-checked big-endian reader for jute records.
 *
 * One instance is reused for every incoming frame (`reset`). Every length read
 * from the wire is checked against the bytes actually left before anything is
 * allocated, so a hostile length is a `ProtocolError`, never a huge allocation.
 * Byte arrays handed out are copies: the frame may be a view into a buffer
 * that outlives the reply.
 */
export class JuteReader {
  private buf: Buffer = NO_BYTES;
  private pos = 0;
  private end = 0;

  constructor(buf?: Buffer) {
    if (buf) this.reset(buf);
  }

  /** Reads `buf[offset, end)` from now on. */
  reset(buf: Buffer, offset = 0, end = buf.length): this {
    // A window outside the buffer is the caller's bug; left unchecked it would surface
    // later as Node's ERR_OUT_OF_RANGE instead of a ProtocolError.
    if (!(offset >= 0 && offset <= end && end <= buf.length)) {
      throw new RangeError(`reader window [${offset}, ${end}) is outside a buffer of ${buf.length} bytes`);
    }
    this.buf = buf;
    this.pos = offset;
    this.end = end;
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
      throw new ProtocolError(`truncated record: ${what} needs ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`);
    }
  }

  int(): number {
    this.need(4, 'int');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  long(): bigint {
    this.need(8, 'long');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A jute long known to fit a double exactly (timestamps in ms); avoids a BigInt. */
  longAsNumber(): number {
    this.need(8, 'long');
    const hi = this.buf.readInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return hi * TWO_POW_32 + lo;
  }

  bool(): boolean {
    this.need(1, 'boolean');
    return this.buf[this.pos++] !== 0;
  }

  private length(what: string): number {
    const n = this.int();
    if (n < -1) throw new ProtocolError(`negative ${what} length ${n}`);
    if (n > this.end - this.pos) {
      throw new ProtocolError(`${what} length ${n} exceeds the ${this.end - this.pos} bytes left in the frame`);
    }
    return n;
  }

  /** A jute `buffer` as a copy the caller owns; length -1 (null) reads as an empty buffer. */
  buffer(): Buffer {
    const n = this.length('buffer');
    if (n <= 0) return Buffer.alloc(0);
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
    if (n < 0) throw new ProtocolError(`negative vector count ${n}`);
    // Every jute item takes at least one byte: a minItemSize of 0 must not let a
    // count of 2^31-1 through to the allocation below.
    if (n * Math.max(1, minItemSize) > this.end - this.pos) {
      throw new ProtocolError(`vector count ${n} cannot fit in the ${this.end - this.pos} bytes left in the frame`);
    }
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = readItem(this);
    return out;
  }
}
