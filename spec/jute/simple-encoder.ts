// A deliberately simple jute encoder for fixtures (pg-protocol's tests do the same):
// bytes pushed one by one with shifts, no JuteWriter, no Buffer write helpers, so a
// bug in the real writer cannot hide behind the same bug here.
export class Bytes {
  private readonly out: number[] = [];

  byte(b: number): this {
    this.out.push(b & 0xff);
    return this;
  }

  int(n: number): this {
    return this.byte(n >>> 24).byte(n >>> 16).byte(n >>> 8).byte(n);
  }

  long(n: bigint): this {
    const u = BigInt.asUintN(64, n);
    for (let shift = 56n; shift >= 0n; shift -= 8n) this.byte(Number((u >> shift) & 0xffn));
    return this;
  }

  bool(b: boolean): this {
    return this.byte(b ? 1 : 0);
  }

  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.byte(bytes[i]);
    return this;
  }

  /** ustring: byte length then UTF-8; null is -1. */
  str(s: string | null): this {
    if (s === null) return this.int(-1);
    const utf8 = new TextEncoder().encode(s);
    return this.int(utf8.length).raw(utf8);
  }

  /** buffer: length then bytes; null is -1. */
  buf(b: ArrayLike<number> | null): this {
    if (b === null) return this.int(-1);
    return this.int(b.length).raw(b);
  }

  build(): Buffer {
    return Buffer.from(this.out);
  }
}
