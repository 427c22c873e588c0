// A proxy for the lost-reply specs of issue 17, in front of rxzk/testing's TcpProxy (which cuts and refuses): it
// reads the frames both ways, so that a spec can HOLD the server's replies and let them go later, lose exactly the
// reply to the client's next write (every read before it answered), and wait for "the client's write reached the
// server" or "the reply to that request is here" rather than for a timer.
import * as net from 'node:net';
import type { ZooKeeperClient } from '../../../src';
import type { StartedZooKeeper } from '../../../src/testing';
import { until } from '../../support/fixtures';
import { TcpProxy } from '../../support/tcp-proxy';

/** ZooKeeper op codes of the requests a spec looks for (RequestHeader.type). */
export const Op = { create: 1, delete: 2, exists: 3, getData: 4, setData: 5, sync: 9, getChildren2: 12, multi: 14, create2: 15 } as const;

/** The requests that change something. */
export const isWrite = (type: number): boolean =>
  type === Op.create || type === Op.create2 || type === Op.delete || type === Op.setData || type === Op.multi;

/** A request seen going to the server: its xid, op code, and place among all requests seen. */
export interface SeenRequest {
  readonly xid: number;
  readonly type: number;
  readonly index: number;
}

/** Length-prefixed frames of one direction of one connection; the first (ConnectRequest / ConnectResponse) has no header. */
class Frames {
  private pending = Buffer.alloc(0);
  private first = true;

  constructor(private readonly onFrame: (frame: Buffer, whole: Buffer, first: boolean) => void) {}

  push(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 4) {
      const length = this.pending.readInt32BE(0);
      if (this.pending.length < 4 + length) return;
      const whole = this.pending.subarray(0, 4 + length);
      this.pending = this.pending.subarray(4 + length);
      const first = this.first;
      this.first = false;
      this.onFrame(whole.subarray(4), whole, first);
    }
  }
}

type Mode = { kind: 'pass' } | { kind: 'hold' } | { kind: 'swallow' } | { kind: 'lose'; after: number; match: (type: number) => boolean };

export class ReplyGate {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private mode: Mode = { kind: 'pass' };
  private held: { client: net.Socket; frame: Buffer }[] = [];
  /** Every request that went through to the server, and the xids of the replies that came back (whatever became of them). */
  private readonly requests: SeenRequest[] = [];
  private readonly replies = new Set<number>();
  private waiters: (() => void)[] = [];

  private constructor(
    /** Between the gate and the server: it cuts and refuses the connections. */
    private readonly proxy: TcpProxy,
  ) {
    this.server = net.createServer((client) => this.onClient(client));
  }

  static async start(target: string): Promise<ReplyGate> {
    const gate = new ReplyGate(await TcpProxy.start(target));
    await new Promise<void>((resolve) => gate.server.listen(0, '127.0.0.1', resolve));
    return gate;
  }

  get address(): string {
    const { address, port } = this.server.address() as net.AddressInfo;
    return `${address}:${port}`;
  }

  private onClient(client: net.Socket): void {
    const i = this.proxy.address.lastIndexOf(':');
    const upstream = net.connect({ host: this.proxy.address.slice(0, i), port: Number(this.proxy.address.slice(i + 1)) });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    const toServer = new Frames((frame, _whole, first) => {
      if (!first) this.seen(() => this.requests.push({ xid: frame.readInt32BE(0), type: frame.readInt32BE(4), index: this.requests.length }));
    });
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      toServer.push(chunk);
    });
    const toClient = new Frames((frame, whole, first) => {
      const xid = first ? null : frame.readInt32BE(0);
      if (xid !== null) this.seen(() => this.replies.add(xid));
      this.forward(client, whole, xid);
    });
    upstream.on('data', (chunk: Buffer) => toClient.push(chunk));
  }

  private forward(client: net.Socket, frame: Buffer, xid: number | null): void {
    const mode = this.mode;
    if (mode.kind === 'hold') this.held.push({ client, frame });
    else if (mode.kind === 'lose' && xid !== null && this.requests.some((r) => r.index >= mode.after && r.xid === xid && mode.match(r.type))) {
      // That reply is lost, and the connection goes silent after it, as a dead one does.
      this.mode = { kind: 'swallow' };
    } else if (mode.kind !== 'swallow') client.write(frame);
  }

  private seen(record: () => void): void {
    record();
    for (const w of this.waiters.splice(0)) w();
  }

  /** How many requests went through so far (for `request(…, after)`). */
  get requestCount(): number {
    return this.requests.length;
  }

  /** The first request (from the `after`th on) whose op code passes `match`, once it has gone to the server; bounded. */
  request(match: (type: number) => boolean, after = 0, ms = 15_000): Promise<SeenRequest> {
    return this.until(() => this.requests.find((r) => r.index >= after && match(r.type)) ?? null, ms);
  }

  /** Resolves once the reply to request `xid` has come from the server (passed, held or dropped); bounded. */
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

  /** The server's replies are kept back from now on, in order, until `pass()`, `swallow()` or `loseNextWrite()`. */
  hold(): void {
    this.mode = { kind: 'hold' };
  }

  /** The server's replies go through (what was held first). */
  pass(): void {
    this.flushHeld();
    this.mode = { kind: 'pass' };
  }

  /**
   * What was held goes through; then every reply passes until the one to the next request (from now on) whose op
   * code passes `match` — by default the next write: that one is dropped, and so is everything after it, until
   * `cut()`. Resolves with that request once it has been answered (and its answer dropped).
   */
  async loseNextReply(match: (type: number) => boolean = isWrite): Promise<SeenRequest> {
    const after = this.requests.length;
    this.flushHeld();
    this.mode = { kind: 'lose', after, match };
    const request = await this.request(match, after);
    await this.reply(request.xid);
    return request;
  }

  /** {@link loseNextReply} of the next write. */
  loseNextWrite(): Promise<SeenRequest> {
    return this.loseNextReply(isWrite);
  }

  private flushHeld(): void {
    for (const { client, frame } of this.held.splice(0)) if (!client.destroyed) client.write(frame);
  }

  /** Resets every connection (the client reconnects at once); replies pass again on the new ones. */
  cut(): void {
    this.held = [];
    this.mode = { kind: 'pass' };
    this.proxy.cut();
  }

  /** Cuts every connection and refuses new ones until `accept()` (the client stays SUSPENDED; its session lives on). */
  refuse(): void {
    this.held = [];
    this.mode = { kind: 'pass' };
    this.proxy.refuse();
  }

  /** Accepts connections again. */
  accept(): void {
    this.proxy.accept();
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.proxy.stop();
  }
}

/** Starts `start()` with the reply to its next write lost (its reads answered); resolves once that reply was dropped. */
export async function loseWriteReply<T>(gate: ReplyGate, start: () => T): Promise<{ started: T }> {
  const lost = gate.loseNextWrite();
  const started = start();
  await lost;
  return { started };
}

/**
 * Cuts the gated client off, expires its session on the server meanwhile, and lets it reconnect (on a new session).
 * `whileCutOff()` is started once the client is SUSPENDED, before the expiry: what it returns is given back.
 */
export async function expireCutOff<T>(server: StartedZooKeeper, zk: ZooKeeperClient, gate: ReplyGate, whileCutOff?: () => T): Promise<{ started: T | undefined }> {
  gate.refuse();
  await until(zk, 'SUSPENDED');
  const started = whileCutOff?.();
  await server.expireSession(zk);
  gate.accept();
  return { started };
}
