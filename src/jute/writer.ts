const TWO_POW_32 = 4294967296;

/**
 * Writes a 32-bit int (two's complement) big-endian at `at`, which the caller has made room for. Written out rather
 * than Buffer's writeInt32BE: in a new process, whose first thousands of requests run in V8's interpreter, Buffer's
 * method is a call with range and bounds checks for every int of every request (issue 20).
 */
function int32At(buf: Buffer, at: number, value: number): void {
  buf[at] = value >>> 24;
  buf[at + 1] = value >>> 16;
  buf[at + 2] = value >>> 8;
  buf[at + 3] = value;
}

/** From this size, take() hands the written bytes over instead of copying them. */
const HAND_OVER_MIN = 64 * 1024;

/**
 * A growable big-endian writer for ZooKeeper's jute encoding.
 *
 * One instance is reused for every outgoing frame of a connection (pg-protocol's
 * serializer does the same): requests are encoded straight into it, and the
 * batched bytes are taken out once per tick.
 */
export class JuteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(private readonly initialSize = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written since the last `take()`. */
  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const needed = this.pos + extra;
    if (needed <= this.buf.length) return;
    // Math.max: a writer built with initialSize 0 would otherwise double 0 forever.
    let size = Math.max(this.buf.length * 2, 64);
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  int(value: number): this {
    // As Buffer's writeInt32BE, whose range check this keeps, written out (see int32At).
    if ((value | 0) !== value) throw new RangeError(`${value} is not a 32-bit integer for a jute int`);
    this.ensure(4);
    int32At(this.buf, this.pos, value);
    this.pos += 4;
    return this;
  }

  long(value: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(value, this.pos);
    this.pos += 8;
    return this;
  }

  /**
   * A jute long from a safe integer (timestamps in ms, TTLs), without a BigInt:
   * the high word is floor(v / 2^32), the low word the unsigned rest, which is
   * two's complement for negative values too.
   */
  longFromNumber(value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not a safe integer for a jute long`);
    const hi = Math.floor(value / TWO_POW_32);
    this.ensure(8);
    this.buf.writeInt32BE(hi, this.pos);
    this.buf.writeUInt32BE(value - hi * TWO_POW_32, this.pos + 4);
    this.pos += 8;
    return this;
  }

  bool(value: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
    return this;
  }

  /** A jute `buffer`: int32 length then bytes; `null` is length -1. */
  buffer(value: Uint8Array | null): this {
    if (value === null) return this.int(-1);
    const n = value.length;
    this.ensure(4 + n);
    int32At(this.buf, this.pos, n);
    this.buf.set(value, this.pos + 4);
    this.pos += 4 + n;
    return this;
  }

  /** A jute `ustring`: int32 byte length then UTF-8; `null` is length -1. */
  ustring(value: string | null): this {
    if (value === null) return this.int(-1);
    // Reserve the worst case (3 bytes per UTF-16 unit) and encode in one pass.
    this.ensure(4 + value.length * 3);
    const n = this.buf.write(value, this.pos + 4, 'utf8');
    int32At(this.buf, this.pos, n);
    this.pos += 4 + n;
    return this;
  }

  /** A jute `vector`: int32 count then each item; `null` is count -1. */
  vector<T>(items: readonly T[] | null, writeItem: (w: JuteWriter, item: T) => void): this {
    if (items === null) return this.int(-1);
    this.int(items.length);
    for (let i = 0; i < items.length; i++) writeItem(this, items[i]);
    return this;
  }

  /** Reserves a 4-byte length prefix; returns the offset to hand to `endFrame`. */
  beginFrame(): number {
    const start = this.pos;
    this.ensure(4);
    this.pos += 4;
    return start;
  }

  /** Fills in the prefix reserved at `start`; returns the frame's length without the prefix. */
  endFrame(start: number): number {
    const length = this.pos - start - 4;
    int32At(this.buf, start, length);
    return length;
  }

  /** Drops everything written after `pos` (a request refused after encoding, e.g. too large). */
  truncate(pos: number): void {
    if (pos < this.pos) this.pos = pos;
  }

  /**
   * Returns the bytes written so far as a buffer the caller owns, and starts over.
   * A small batch is copied out and the internal buffer kept; a large one (a big
   * value) is handed over as it is, and a fresh buffer started: no second copy.
   */
  take(): Buffer {
    if (this.pos >= HAND_OVER_MIN) {
      const out = this.buf.subarray(0, this.pos);
      this.buf = Buffer.allocUnsafe(this.initialSize);
      this.pos = 0;
      return out;
    }
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }
}
