import { ProtocolError } from '../errors/client-errors';
import type { FrameView } from './frame-view';

/**
 * Reassembles ZooKeeper's length-prefixed frames (a 4-byte big-endian length,
 * then that many bytes) from socket chunks.
 *
 * Every byte is copied at most once, so decoding is linear in the input
 * whatever the chunking (pg-protocol's parser has the same property):
 * - a frame wholly inside a chunk is handed out where it lies in that chunk (no
 *   copy), to be read before `push` returns: the chunk may be the connection's
 *   read buffer, which the next read writes over (InPlaceReads), so nothing of
 *   a chunk is kept past `push`;
 * - a frame split across chunks is assembled into a buffer of exactly its size,
 *   allocated once its length is known and checked (an `owned` frame).
 * Frames are handed out as one reused FrameView: no allocation per frame.
 * A negative length, or one over `maxFrameSize`, is a `ProtocolError` thrown
 * before anything of the claimed size is allocated.
 */
export class FrameDecoder {
  /** Bytes of a length prefix split across chunks. */
  private readonly header = Buffer.alloc(4);
  private headerFilled = 0;
  /** The frame being assembled across chunks, and how much of it has arrived. */
  private partial: Buffer | null = null;
  private partialFilled = 0;
  private readonly view: FrameView = { buffer: Buffer.alloc(0), start: 0, end: 0, owned: false };

  constructor(
    private readonly maxFrameSize: number,
    private readonly onFrame: (frame: FrameView) => void,
  ) {}

  push(chunk: Buffer): void {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (this.partial !== null) {
        pos = this.fillPartial(chunk, pos);
        continue;
      }
      if (this.headerFilled > 0 || end - pos < 4) {
        pos = this.fillHeader(chunk, pos);
        continue;
      }
      const length = this.checkedLength(chunk.readInt32BE(pos));
      const start = pos + 4;
      if (end - start >= length) {
        pos = start + length;
        this.emit(chunk, start, pos, false);
      } else {
        this.startPartial(length);
        pos = this.fillPartial(chunk, start);
      }
    }
  }

  private fillHeader(chunk: Buffer, pos: number): number {
    const take = Math.min(4 - this.headerFilled, chunk.length - pos);
    chunk.copy(this.header, this.headerFilled, pos, pos + take);
    this.headerFilled += take;
    if (this.headerFilled === 4) {
      this.headerFilled = 0;
      this.startPartial(this.checkedLength(this.header.readInt32BE(0)));
    }
    return pos + take;
  }

  private startPartial(length: number): void {
    this.partial = Buffer.allocUnsafe(length);
    this.partialFilled = 0;
    if (length === 0) this.finishPartial();
  }

  private fillPartial(chunk: Buffer, pos: number): number {
    const partial = this.partial as Buffer;
    const take = Math.min(partial.length - this.partialFilled, chunk.length - pos);
    chunk.copy(partial, this.partialFilled, pos, pos + take);
    this.partialFilled += take;
    if (this.partialFilled === partial.length) this.finishPartial();
    return pos + take;
  }

  private finishPartial(): void {
    const frame = this.partial as Buffer;
    this.partial = null;
    this.partialFilled = 0;
    this.emit(frame, 0, frame.length, true);
  }

  private emit(buffer: Buffer, start: number, end: number, owned: boolean): void {
    const view = this.view;
    view.buffer = buffer;
    view.start = start;
    view.end = end;
    view.owned = owned;
    this.onFrame(view);
  }

  private checkedLength(length: number): number {
    if (length < 0 || length > this.maxFrameSize) {
      throw new ProtocolError(`frame length ${length} is outside 0..${this.maxFrameSize}`);
    }
    return length;
  }
}
