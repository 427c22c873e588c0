import * as net from 'node:net';
import { OpCode } from '../../src/jute';
import { FrameDecoder } from '../../src/transport/frame-decoder';

/** A request the client sent, as the proxy saw it on the wire. */
export interface SeenRequest {
  xid: number;
  type: number;
}

/**
 * A loopback proxy in front of a real server that reads what clients send:
 * every request frame after the handshake (xid and op code) and every
 * four-letter word. Bytes pass through untouched. For specs that count what
 * an operation really sent, on the wire rather than by the client's word.
 */
export class RequestCounter {
  /** Requests sent after the handshakes, in order, pings excluded. */
  readonly requests: SeenRequest[] = [];
  /** Four-letter words sent (each on a connection of its own). */
  readonly words: string[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer({ allowHalfOpen: true }, (client) => this.onClient(client));
  }

  static async start(target: string): Promise<RequestCounter> {
    const i = target.lastIndexOf(':');
    const counter = new RequestCounter({ host: target.slice(0, i), port: Number(target.slice(i + 1)) });
    await new Promise<void>((resolve) => counter.server.listen(0, '127.0.0.1', resolve));
    return counter;
  }

  get address(): string {
    const { port } = this.server.address() as net.AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** How many requests of op code `type` were sent (all but pings when no type is given). */
  count(type?: number): number {
    return type === undefined ? this.requests.length : this.requests.filter((r) => r.type === type).length;
  }

  /** Forgets what was seen so far. */
  reset(): void {
    this.requests.length = 0;
    this.words.length = 0;
  }

  private onClient(client: net.Socket): void {
    const upstream = net.connect({ ...this.target, allowHalfOpen: true });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => (socket === client ? upstream : client).destroy());
    }
    let first = true;
    let word = false;
    let handshaken = false;
    const decoder = new FrameDecoder(1 << 22, (frame) => {
      if (!handshaken) {
        handshaken = true; // the ConnectRequest
        return;
      }
      const xid = frame.buffer.readInt32BE(frame.start);
      const type = frame.buffer.readInt32BE(frame.start + 4);
      if (type !== OpCode.ping) this.requests.push({ xid, type });
    });
    client.on('data', (chunk: Buffer) => {
      if (first) {
        first = false;
        // A connection that opens with four lowercase letters is a four-letter word, not a session.
        const text = chunk.subarray(0, 4).toString('latin1');
        word = /^[a-z]{4}$/.test(text);
        if (word) this.words.push(text);
      }
      if (!word) decoder.push(chunk);
      upstream.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    upstream.on('end', () => client.end());
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
