import * as net from 'node:net';

/**
 * Which way bytes stop in a silent partition (`TcpProxy.partition`): `'both'`,
 * only `'to-server'` (the client's requests), or only `'to-client'` (the server's replies).
 *
 * @example
 * proxy.partition('to-client'); // requests reach the server; its replies are held
 */
export type PartitionDirection = 'both' | 'to-server' | 'to-client';

/**
 * A loopback TCP proxy in front of a real server, for what a test needs to do
 * to the network: cut a client's connection (`cut`, `refuse`), partition it
 * silently (`partition`), lose the server's replies (`swallowReplies`), count
 * connection attempts (`accepted`), or reach the server under another address
 * (listen on 127.0.0.2, a name a certificate may not carry). Bytes pass through
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
  /** Silent partition: bytes of that direction are held (not read from their socket) until `accept()`. */
  private holdToServer = false;
  private holdToClient = false;
  /** Each open socket, with the socket its bytes go to and which way that is: what a partition pauses and `accept()` resumes. */
  private readonly flows = new Map<net.Socket, { to: net.Socket; toServer: boolean }>();

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
        this.flows.delete(socket);
        if (hadError) peer.destroy();
        else peer.end();
      });
    }
    this.flows.set(client, { to: upstream, toServer: true });
    this.flows.set(upstream, { to: client, toServer: false });
    this.forward(client, upstream, () => this.holdToServer, () => false);
    // Server to client: replies can be swallowed (dropped) as well as held.
    this.forward(upstream, client, () => this.holdToClient, () => this.swallowing);
    // A connection made during a partition is partitioned too (its bytes wait like everyone's).
    if (this.holdToServer) client.pause();
    if (this.holdToClient) upstream.pause();
  }

  /**
   * Passes `from`'s bytes to `to` by hand (not `pipe`, which would resume a
   * socket a partition paused once `to` drains): held bytes stay in the kernel's
   * buffers, as a real partition leaves them to TCP's retransmission, and flow
   * in order once the partition heals — delayed, never lost or reordered.
   */
  private forward(from: net.Socket, to: net.Socket, held: () => boolean, dropped: () => boolean): void {
    from.on('data', (chunk: Buffer) => {
      if (dropped()) return;
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (!held()) from.resume();
    });
    from.on('end', () => to.end());
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
   * A silent partition, as a firewall dropping packets makes it: the bytes of
   * `direction` (default `'both'`) stop flowing, on open connections and on new
   * ones, but no socket is closed or reset, so each side notices only by its
   * own timers (the client's read timeout, the server's session timeout).
   * `'to-server'` and `'to-client'` are one-way partitions. The bytes held meanwhile
   * are delivered, in order, once `accept()` heals it (TCP would retransmit them),
   * unless a side has closed its connection by then.
   *
   * @example
   * proxy.partition(); // a blackhole: the client suspends after its read timeout, the server expires the session after its timeout
   * proxy.accept();    // bytes flow again
   */
  partition(direction: PartitionDirection = 'both'): void {
    this.holdToServer = direction !== 'to-client';
    this.holdToClient = direction !== 'to-server';
    this.flow();
  }

  /** Pauses or resumes every socket as the partition says (a paused socket's bytes stay in the kernel). */
  private flow(): void {
    for (const [socket, { to, toServer }] of this.flows) {
      if (toServer ? this.holdToServer : this.holdToClient) socket.pause();
      // Resumed unless its peer still has to drain (the drain handler resumes it then).
      else if (!to.writableNeedDrain) socket.resume();
    }
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
   * Accepts connections again and lets bytes through both ways (undoes `refuse()`, `swallowReplies()` and
   * `partition()`; bytes a partition held are delivered now).
   *
   * @example
   * proxy.accept();
   * await firstValueFrom(zk.state$.pipe(filter((s) => s === 'CONNECTED')));
   */
  accept(): void {
    this.refusing = false;
    this.swallowing = false;
    this.holdToServer = false;
    this.holdToClient = false;
    this.flow();
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
    this.flows.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
