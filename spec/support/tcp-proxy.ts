import * as net from 'node:net';

/**
 * A loopback TCP proxy in front of a real server, so a test can cut a client's
 * connection (as a network failure would) without touching the server.
 * `cut()` resets every open connection; `refuse()` also stops accepting new
 * ones until `accept()`.
 */
export class TcpProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private refusing = false;
  private swallowing = false;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.onClient(client));
  }

  /** Starts a proxy on a free loopback port towards `target` ('host:port'). */
  static async start(target: string): Promise<TcpProxy> {
    const i = target.lastIndexOf(':');
    const proxy = new TcpProxy({ host: target.slice(0, i), port: Number(target.slice(i + 1)) });
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** 'host:port' for clients to connect to. */
  get address(): string {
    const { port } = this.server.address() as net.AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** How many client connections are open now. */
  get connections(): number {
    let n = 0;
    for (const s of this.sockets) if (s.remotePort !== this.target.port) n++;
    return n;
  }

  private onClient(client: net.Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target);
    this.track(client, upstream);
    this.track(upstream, client);
    client.pipe(upstream);
    // Server to client by hand, so that replies can be swallowed.
    upstream.on('data', (chunk: Buffer) => {
      if (!this.swallowing) client.write(chunk);
    });
  }

  /** From now on, bytes from the server are dropped (requests still reach it): a reply lost on the way. */
  swallowReplies(): void {
    this.swallowing = true;
  }

  private track(socket: net.Socket, peer: net.Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => peer.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      peer.destroy();
    });
  }

  /** Resets every open connection, both sides. */
  cut(): void {
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  /** Cuts every connection and refuses new ones until `accept()`. */
  refuse(): void {
    this.refusing = true;
    this.cut();
  }

  accept(): void {
    this.refusing = false;
    this.swallowing = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
