// A session's socket reads into one reused buffer (net's onread): every byte must reach the reader once, in order,
// whatever comes before the reader is attached, and the frames read from it must be whole.
import * as net from 'node:net';
import { firstValueFrom } from 'rxjs';
import { FrameDecoder } from '../../src/transport/frame-decoder';
import { openSocket } from '../../src/transport/socket-connector';
import { InPlaceReads, onChunks } from '../../src/transport/socket-reads';

/** `n` bytes of a pattern that does not repeat at the read buffer's size (64 KiB), so a stale or shifted read shows. */
function pattern(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 13)) & 0xff;
  return out;
}

describe('InPlaceReads', () => {
  it('keeps copies of what was read before a reader came (the buffer is written over by the next read), then reads in place', () => {
    const reads = new InPlaceReads();
    const { buffer, callback } = reads.option;
    buffer.write('early-1');
    callback(7);
    buffer.write('early-2');
    callback(7);
    const seen: string[] = [];
    const stop = reads.attach((chunk) => seen.push(chunk.toString()));
    expect(seen).toEqual(['early-1', 'early-2']);
    buffer.write('later');
    callback(5);
    expect(seen).toEqual(['early-1', 'early-2', 'later']);
    stop();
    buffer.write('after the reader left');
    callback(21);
    expect(seen).toHaveLength(3);
  });

  it('never pauses the socket (onread pauses it when the callback returns false)', () => {
    const reads = new InPlaceReads();
    expect(reads.option.callback(0)).toBe(true);
  });
});

describe('a socket opened with readInPlace', () => {
  let server: net.Server;
  let port = 0;
  const payload = pattern(1_000_003);

  beforeAll(async () => {
    // Sends the payload at once on connection, so that part of it arrives before anyone reads.
    server = net.createServer((s) => s.end(payload));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('hands every byte to the reader once, in order, across many reads of its one buffer', async () => {
    const socket = await firstValueFrom(openSocket({ host: '127.0.0.1', port }, { timeout: 5_000, readInPlace: true }));
    const copies: Buffer[] = [];
    let reads = 0;
    const stop = onChunks(socket, (chunk) => {
      reads++;
      copies.push(Buffer.from(chunk));
    });
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    stop();
    expect(Buffer.concat(copies).equals(payload)).toBe(true);
    expect(reads).toBeGreaterThan(1);
  });

  it('gives whole frames to a FrameDecoder, frames split across reads included', async () => {
    // 300 frames of 0..9,999 bytes each: many of them span two reads of the 64 KiB buffer.
    const frames = Array.from({ length: 300 }, (_, i) => pattern((i * 7_919) % 10_000).subarray(i % 5));
    const wire = Buffer.concat(frames.flatMap((f) => [Buffer.from([f.length >>> 24, (f.length >>> 16) & 0xff, (f.length >>> 8) & 0xff, f.length & 0xff]), f]));
    const framer = net.createServer((s) => s.end(wire));
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    try {
      const socket = await firstValueFrom(
        openSocket({ host: '127.0.0.1', port: (framer.address() as net.AddressInfo).port }, { timeout: 5_000, readInPlace: true }),
      );
      const got: Buffer[] = [];
      const decoder = new FrameDecoder(1 << 20, (frame) => got.push(Buffer.from(frame.buffer.subarray(frame.start, frame.end))));
      const stop = onChunks(socket, (chunk) => decoder.push(chunk));
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
      stop();
      expect(got).toHaveLength(frames.length);
      got.forEach((frame, i) => expect(frame.equals(frames[i])).toBe(true));
    } finally {
      await new Promise<void>((resolve) => framer.close(() => resolve()));
    }
  });

  it('reads a socket opened without readInPlace through its data events, as before', async () => {
    const socket = await firstValueFrom(openSocket({ host: '127.0.0.1', port }, { timeout: 5_000 }));
    const copies: Buffer[] = [];
    const stop = onChunks(socket, (chunk) => copies.push(chunk));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    stop();
    expect(Buffer.concat(copies).equals(payload)).toBe(true);
  });
});
