import * as net from 'node:net';

/**
 * A loopback TCP proxy in front of a real server, for what a test needs to do
 * to the network: cut a client's connection (`cut`, `refuse`), lose the
 * server's replies (`swallowReplies`), count connection attempts
 * (`accepted`), or reach the server under another address (listen on
 * 127.0.0.2, a name a certificate may not carry). Bytes pass through
 * untouched, so TLS runs end to end; connections are half-open both ways, as a
 * direct one (a four-letter word is answered after the client's FIN).
 *
 * @example
 * const proxy = await TcpProxy.start(zkServer.connectString);
 * const zk = createClient({ hosts: proxy.address });
 * await zk.start();
 * proxy.refuse(); // the client is SUSPENDED; its session lives on the server
 * proxy.accept(); // it reconnects on the same session
 */
export class TcpProxy {
  /** Client connections accepted since the start. */
  accepted = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private refusing = false;
  private swallowing = false;

  private constructor(private target: { host: string; port: number }) {
    this.server = net.createServer({ allowHalfOpen: true }, (client) => this.onClient(client));
  }

  /**
   * Starts a proxy on a free port of `listenHost` towards `target` ('host:port').
   *
   * @param target the server to forward to, 'host:port' (the first of a connect string)
   * @param listenHost the local address to listen on (default '127.0.0.1'; any 127.x.y.z works on Linux)
   * @example
   * const proxy = await TcpProxy.start(zkServer.members[0].connectString, '127.0.0.2');
   */
  static async start(target: string, listenHost = '127.0.0.1'): Promise<TcpProxy> {
    const i = target.lastIndexOf(':');
    const proxy = new TcpProxy({ host: target.slice(0, i), port: Number(target.slice(i + 1)) });
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, listenHost, resolve);
    });
    return proxy;
  }

  /** 'host:port' for clients to connect to. */
  get address(): string {
    const { address, port } = this.server.address() as net.AddressInfo;
    return `${address}:${port}`;
  }

  private onClient(client: net.Socket): void {
    this.accepted++;
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect({ ...this.target, allowHalfOpen: true });
    for (const [socket, peer] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(socket);
      socket.on('error', () => peer.destroy());
      // An orderly end (FIN) is passed on; a reset or an error ends the peer at once.
      socket.on('close', (hadError) => {
        this.sockets.delete(socket);
        if (hadError) peer.destroy();
        else peer.end();
      });
    }
    client.pipe(upstream);
    // Server to client by hand, so that replies can be swallowed.
    upstream.on('data', (chunk: Buffer) => {
      if (!this.swallowing) client.write(chunk);
    });
    upstream.on('end', () => client.end());
  }

  /**
   * New connections go to `target` ('host:port') from now on (e.g. a fresh server behind the same address); open ones stay.
   *
   * @param target the server to forward new connections to
   * @example
   * proxy.retarget(zkServer.members[1].connectString);
   * proxy.cut(); // the client reconnects, now to member 2
   */
  retarget(target: string): void {
    const i = target.lastIndexOf(':');
    this.target = { host: target.slice(0, i), port: Number(target.slice(i + 1)) };
  }

  /**
   * From now on, bytes from the server are dropped (requests still reach it): a reply lost on the way.
   * `accept()` lets them through again.
   *
   * @example
   * proxy.swallowReplies();
   * const write = firstValueFrom(zk.create('/a', 'x')); // applied on the server, reply lost
   * proxy.cut();
   * proxy.accept();
   * await expect(write).rejects.toThrow(ConnectionLossError);
   */
  swallowReplies(): void {
    this.swallowing = true;
  }

  /**
   * Resets every open connection, both sides; new connections are accepted (the client reconnects at once).
   *
   * @example
   * proxy.cut();
   * await firstValueFrom(zk.state$.pipe(filter((s) => s === 'SUSPENDED')));
   */
  cut(): void {
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  /**
   * Cuts every connection and refuses new ones until `accept()`.
   *
   * @example
   * proxy.refuse(); // the client stays SUSPENDED until proxy.accept(), or EXPIRED once the session timeout passes
   */
  refuse(): void {
    this.refusing = true;
    this.cut();
  }

  /**
   * Accepts connections again, passing replies through (undoes `refuse()` and `swallowReplies()`).
   *
   * @example
   * proxy.accept();
   * await firstValueFrom(zk.state$.pipe(filter((s) => s === 'CONNECTED')));
   */
  accept(): void {
    this.refusing = false;
    this.swallowing = false;
  }

  /**
   * Destroys every connection and closes the listening port; resolves once it is closed.
   *
   * @example
   * afterAll(() => proxy.stop());
   */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
