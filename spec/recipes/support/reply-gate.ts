// A proxy for the lost-reply specs of issue 17: unlike rxzk/testing's TcpProxy it can HOLD the server's replies (and
// let them go later), and it reads the frames on both sides, so that a spec can wait for "the client's write reached
// the server" or "the reply to that read is here" rather than for a timer.
import * as net from 'node:net';

/** ZooKeeper op codes of the requests a spec waits for (RequestHeader.type). */
export const Op = { create: 1, delete: 2, setData: 5, getData: 4, create2: 15, multi: 14, sync: 9, exists: 3, getChildren2: 12 } as const;

/** A request seen going to the server: its xid and op code. */
interface Request {
  readonly xid: number;
  readonly type: number;
}

/**
 * Length-prefixed frames of one direction of one connection; the first frame (ConnectRequest / ConnectResponse) has
 * no header and is skipped.
 */
class Frames {
  private pending = Buffer.alloc(0);
  private first = true;

  constructor(private readonly onFrame: (frame: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 4) {
      const length = this.pending.readInt32BE(0);
      if (this.pending.length < 4 + length) return;
      const frame = this.pending.subarray(4, 4 + length);
      this.pending = this.pending.subarray(4 + length);
      if (this.first) this.first = false;
      else this.onFrame(frame);
    }
  }
}

export class ReplyGate {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private mode: 'pass' | 'hold' | 'swallow' = 'pass';
  private refusing = false;
  private held: { client: net.Socket; chunk: Buffer }[] = [];
  /** Every request that went through to the server, and the xids of the replies that came back (held or not). */
  private readonly requests: Request[] = [];
  private readonly replies = new Set<number>();
  private waiters: (() => void)[] = [];

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.onClient(client));
  }

  static async start(target: string): Promise<ReplyGate> {
    const i = target.lastIndexOf(':');
    const gate = new ReplyGate({ host: target.slice(0, i), port: Number(target.slice(i + 1)) });
    await new Promise<void>((resolve) => gate.server.listen(0, '127.0.0.1', resolve));
    return gate;
  }

  get address(): string {
    const { address, port } = this.server.address() as net.AddressInfo;
    return `${address}:${port}`;
  }

  private onClient(client: net.Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    const toServer = new Frames((frame) => this.seen(() => this.requests.push({ xid: frame.readInt32BE(0), type: frame.readInt32BE(4) })));
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      toServer.push(chunk);
    });
    const toClient = new Frames((frame) => this.seen(() => this.replies.add(frame.readInt32BE(0))));
    upstream.on('data', (chunk: Buffer) => {
      toClient.push(chunk);
      if (this.mode === 'pass') client.write(chunk);
      else if (this.mode === 'hold') this.held.push({ client, chunk });
    });
  }

  private seen(record: () => void): void {
    record();
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the first request (after `after` of them) whose op code passes `match`; bounded. */
  async request(match: (type: number) => boolean, after = 0, ms = 15_000): Promise<Request & { index: number }> {
    return this.until(() => {
      const index = this.requests.findIndex((r, i) => i >= after && match(r.type));
      return index < 0 ? null : { ...this.requests[index], index };
    }, ms);
  }

  /** How many requests went through so far (for `request(…, after)`). */
  get requestCount(): number {
    return this.requests.length;
  }

  /** Resolves once the reply to request `xid` has come from the server (passed, held or swallowed); bounded. */
  async reply(xid: number, ms = 15_000): Promise<void> {
    await this.until(() => (this.replies.has(xid) ? true : null), ms);
  }

  private async until<T>(probe: () => T | null, ms: number): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = probe();
      if (value !== null) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('the proxy did not see it in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The server's bytes are kept back from now on, in order, until `pass()` or `swallow()`. */
  hold(): void {
    this.mode = 'hold';
  }

  /** What was held goes to the client now; from now on the server's bytes are dropped (a reply lost on the way). */
  swallowAfterHeld(): void {
    this.flushHeld();
    this.mode = 'swallow';
  }

  /** The server's bytes go through again (what was held first). */
  pass(): void {
    this.flushHeld();
    this.mode = 'pass';
  }

  private flushHeld(): void {
    for (const { client, chunk } of this.held.splice(0)) if (!client.destroyed) client.write(chunk);
  }

  /** Resets every connection (the client reconnects at once); the server's bytes go through on the new ones. */
  cut(): void {
    this.held = [];
    this.mode = 'pass';
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  /** Cuts every connection and refuses new ones until `accept()` (the client stays SUSPENDED, its session alive). */
  refuse(): void {
    this.refusing = true;
    this.cut();
  }

  /** Accepts connections again. */
  accept(): void {
    this.refusing = false;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
