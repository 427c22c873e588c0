import type { Socket } from 'node:net';
import { Observable } from 'rxjs';
import { ConnectionLossError } from '../errors/server-errors';
import { JuteWriter } from '../jute/writer';
import type { FrameView } from './frame-view';
import { frames } from './frames';
import { ReceiptClock } from './receipt-clock';
import { onChunks } from './socket-reads';

/** The settled promise a flush is scheduled on (see {@link Connection.flushSoon}). */
const SETTLED = Promise.resolve();

/**
 * One established socket to a server: incoming frames as an Observable, and a
 * batching writer for outgoing frames.
 *
 * Requests are encoded straight into `writer` (one reused buffer per
 * connection); `flushSoon()` schedules a single socket write per microtask
 * checkpoint, so a burst of requests made in one tick costs one syscall
 * (nats.js batches its writes the same way).
 */
export class Connection {
  readonly writer = new JuteWriter();
  /** Frames from the server, each read at once (FrameView). Completes when the socket closes; errors on a socket or framing error. */
  readonly frames$: Observable<FrameView>;
  /** When bytes last came, as a stalled process can vouch for it (see ReceiptClock); the keepalive tells it its timer. */
  readonly receipts = new ReceiptClock();
  /** `performance.now()` (monotonic: a wall-clock step cannot fake a silence) when bytes were last written: read by the keepalive. */
  lastSent = performance.now();
  private flushScheduled = false;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    /** 'host:port' of the server. */
    readonly server: string,
    /** Largest reply frame accepted. */
    maxReplySize: number,
  ) {
    const chunks$ = new Observable<Buffer>((subscriber) => {
      const onData = (chunk: Buffer) => {
        this.receipts.received(performance.now());
        subscriber.next(chunk);
      };
      const onError = (err: Error) => subscriber.error(new ConnectionLossError(undefined, `${server}: ${err.message}`, { cause: err }));
      const onClose = () => subscriber.complete();
      // Each chunk is done with when onData returns (FrameDecoder's rule), as in-place reads require.
      const stopReading = onChunks(socket, onData);
      socket.on('error', onError);
      socket.on('close', onClose);
      return () => {
        stopReading();
        socket.off('error', onError);
        socket.off('close', onClose);
      };
    });
    // Meant for one subscriber (the session): each subscription has its own decoder.
    this.frames$ = chunks$.pipe(frames(maxReplySize));
  }

  /** `performance.now()` when bytes last came from the server (after a stall of this process, the last sighting before it). */
  get lastReceived(): number {
    return this.receipts.lastReceived;
  }

  /** The address connected to (the socket's remote address), e.g. for SASL GSSAPI's service principal; undefined once closed. */
  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  /** Schedules the bytes in `writer` to go out at the end of this tick. */
  flushSoon(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    // A reaction on a settled promise, not queueMicrotask: the same microtask, without the AsyncResource, the bound
    // function and the argument check Node's queueMicrotask makes on every call (two a lock cycle; issue 20).
    SETTLED.then(this.flush);
  }

  /** Writes whatever `writer` holds now. */
  readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.closed || this.writer.length === 0) return;
    this.lastSent = performance.now();
    this.socket.write(this.writer.take());
  };

  /** Flushes what is pending, then closes the socket; the server sees an orderly end. */
  end(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    // end() alone would wait for the server's FIN: destroySoon() also frees the socket once our bytes are out.
    this.socket.destroySoon();
  }

  /** Drops the socket at once. */
  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }
}
