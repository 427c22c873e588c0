import type { Socket } from 'node:net';

/** A connection's read buffer: what one read may fill (Node's own reads are 64 KiB too); a longer burst is several reads. */
const READ_BUFFER_SIZE = 64 * 1024;

/**
 * A plain TCP socket's reads into one buffer of its own, reused for every read (net's `onread` option), in place of
 * a new Buffer per read and the stream machinery of `'data'` events (Readable's push and addChunk, and a
 * `process.nextTick` per read). Issue 20: in a new process, whose first thousands of replies run in V8's interpreter,
 * that machinery cost ~40 µs of a lock cycle's ~330 µs of CPU (a profile under `--no-opt`).
 *
 * The rule it brings: whoever reads is done with a chunk when its callback returns, because the next read writes
 * over it. The session's reader is (FrameDecoder copies a frame split across reads, and every frame is decoded at
 * once, its byte arrays copied). Bytes that come before anyone reads are copied and kept for the reader.
 *
 * TLS sockets have no `onread` (tls.connect takes none): they are read through `'data'` (see {@link onChunks}).
 */
export class InPlaceReads {
  private readonly buffer = Buffer.allocUnsafe(READ_BUFFER_SIZE);
  private reader: ((chunk: Buffer) => void) | null = null;
  /** Copies of what came before a reader was attached. */
  private early: Buffer[] = [];

  /** What `net.connect` takes as its `onread` option. */
  readonly option = {
    buffer: this.buffer,
    callback: (bytesRead: number): boolean => {
      const chunk = this.buffer.subarray(0, bytesRead);
      if (this.reader !== null) this.reader(chunk);
      else this.early.push(Buffer.from(chunk));
      // Anything but false: false would pause the socket.
      return true;
    },
  };

  /** Hands every chunk to `reader` from now on, those that came before first; returns how to stop. */
  attach(reader: (chunk: Buffer) => void): () => void {
    this.reader = reader;
    const early = this.early;
    this.early = [];
    for (const chunk of early) reader(chunk);
    return () => {
      if (this.reader === reader) this.reader = null;
    };
  }
}

/** The in-place reads of the sockets opened with them (see `openSocket`'s `readInPlace`). */
const inPlaceReads = new WeakMap<Socket, InPlaceReads>();

/** Records that `socket` reads into `reads` (the socket was made with `reads.option` as its `onread`). */
export function registerInPlaceReads(socket: Socket, reads: InPlaceReads): void {
  inPlaceReads.set(socket, reads);
}

/**
 * Hands every chunk read from `socket` to `reader`: from its in-place reads when it has them (`reader` must be done
 * with a chunk when it returns), else from its `'data'` events. Returns how to stop.
 */
export function onChunks(socket: Socket, reader: (chunk: Buffer) => void): () => void {
  const reads = inPlaceReads.get(socket);
  if (reads !== undefined) return reads.attach(reader);
  socket.on('data', reader);
  return () => socket.off('data', reader);
}
