import * as net from 'node:net';
import { FrameDecoder } from '../../src/transport/frame-decoder';
import { JuteReader, JuteWriter, OpCode, readConnectRequest, writeConnectResponse, writeReplyHeader, type ConnectRequest } from '../jute/codec';

/** A request as the fake server received it: its header and the reader positioned on its body. */
export interface ReceivedRequest {
  xid: number;
  type: number;
  body: Buffer;
}

/**
 * One client connection to the fake server. The test scripts what the server
 * says: nothing is answered unless the test answers it.
 */
export class FakeConnection {
  connectRequest: ConnectRequest | null = null;
  readonly requests: ReceivedRequest[] = [];
  private readonly waiters: (() => void)[] = [];

  constructor(readonly socket: net.Socket) {}

  /** Resolves once `count` requests (after the handshake) have arrived. */
  async waitForRequests(count: number, timeout = 5000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeout;
    while (this.requests.length < count) {
      if (Date.now() > deadline) throw new Error(`fake server: ${this.requests.length} of ${count} requests arrived`);
      // No more can arrive: stop polling (a poll loop left running keeps jest from exiting).
      if (this.socket.destroyed) throw new Error(`fake server: connection closed after ${this.requests.length} of ${count} requests`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }
    return this.requests.slice(0, count);
  }

  /** @internal */
  received(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(build: (w: JuteWriter) => void): void {
    const w = new JuteWriter();
    const start = w.beginFrame();
    build(w);
    w.endFrame(start);
    this.socket.write(w.take());
  }

  /** Answers the handshake (a timeOut of 0 tells the client its session expired). */
  acceptSession(res: { timeOut?: number; sessionId?: bigint; readOnly?: boolean } = {}): void {
    this.send((w) =>
      writeConnectResponse(w, {
        protocolVersion: 0,
        timeOut: res.timeOut ?? 10_000,
        sessionId: res.sessionId ?? 0x1234n,
        passwd: Buffer.alloc(16, 7),
        readOnly: res.readOnly ?? false,
      }),
    );
  }

  /** A reply header, then whatever `body` writes. */
  reply(xid: number, err = 0, body?: (w: JuteWriter) => void, zxid = 1n): void {
    this.send((w) => {
      writeReplyHeader(w, { xid, zxid, err });
      body?.(w);
    });
  }

  /** Raw bytes, e.g. a malformed frame. */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** What else the fake server scripts. */
export interface FakeOptions {
  /** Answers a four-letter word (a connection opening with four lowercase letters) instead of a session. */
  onFourLetterWord?: (word: string, socket: net.Socket) => void;
}

/**
 * A scripted stand-in for a ZooKeeper server, for what a real one cannot be
 * made to do: malformed frames, out-of-order replies, silence. Never a
 * stand-in for ZooKeeper's behaviour: tests of that use a real server.
 */
export class FakeZooKeeper {
  readonly connections: FakeConnection[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private pending: ((c: FakeConnection) => void)[] = [];

  private constructor(onConnection: (c: FakeConnection) => void, options: FakeOptions) {
    // A four-letter word's client half-closes its side (it sends the word with end()): the scripted
    // answer decides when the server's side ends, as a real server's does.
    this.server = net.createServer({ allowHalfOpen: options.onFourLetterWord !== undefined }, (socket) => {
      this.sockets.add(socket);
      if (options.onFourLetterWord) {
        // A connection that opens with four lowercase letters is a four-letter word, not a session.
        const onWord = options.onFourLetterWord;
        let sniffed = false;
        socket.on('data', (chunk: Buffer) => {
          if (sniffed) return;
          sniffed = true;
          const word = chunk.subarray(0, 4).toString('latin1');
          if (/^[a-z]{4}$/.test(word)) {
            this.fourLetterWords++;
            onWord(word, socket);
          }
        });
      }
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      const conn = new FakeConnection(socket);
      this.connections.push(conn);
      const reader = new JuteReader();
      const decoder = new FrameDecoder(1 << 21, (frame) => {
        reader.reset(frame.buffer, frame.start, frame.end);
        if (conn.connectRequest === null) {
          conn.connectRequest = readConnectRequest(reader);
          onConnection(conn);
          for (const p of this.pending.splice(0)) p(conn);
          return;
        }
        const xid = reader.int();
        const type = reader.int();
        if (type === OpCode.closeSession) {
          // Answered as a real server does, so that client.close() is prompt in every test.
          conn.reply(xid);
          socket.end();
          return;
        }
        conn.requests.push({ xid, type, body: Buffer.from(frame.buffer.subarray(frame.start + 8, frame.end)) });
        conn.received();
      });
      socket.on('data', (chunk: Buffer) => {
        if (options.onFourLetterWord && conn.connectRequest === null && /^[a-z]{4}/.test(chunk.subarray(0, 4).toString('latin1'))) return;
        decoder.push(chunk);
      });
    });
  }

  /** Four-letter words received (with `onFourLetterWord`). */
  fourLetterWords = 0;

  /** `onConnection` runs when a client's ConnectRequest arrives (default: accept the session). */
  static async start(onConnection: (c: FakeConnection) => void = (c) => c.acceptSession(), options: FakeOptions = {}): Promise<FakeZooKeeper> {
    const fake = new FakeZooKeeper(onConnection, options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get address(): string {
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** The next connection whose handshake arrives (or the n-th, counting from 1). */
  async connection(n: number, timeout = 5000): Promise<FakeConnection> {
    const deadline = Date.now() + timeout;
    while (this.connections.length < n || this.connections[n - 1].connectRequest === null) {
      if (Date.now() > deadline) throw new Error(`fake server: connection ${n} did not arrive`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.connections[n - 1];
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
