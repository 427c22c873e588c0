import * as net from 'node:net';
import * as tls from 'node:tls';
import { Observable } from 'rxjs';
import { ConnectError } from '../errors/client-errors';
import type { Endpoint } from './connect-string';
import { formatEndpoint } from './connect-string';
import { InPlaceReads, registerInPlaceReads } from './socket-reads';
import { tlsHint, tlsMessage } from './tls-errors';

/**
 * The `tls` option: Node's `tls.ConnectionOptions` (passed through to
 * `tls.connect`), plus `verifyHostname`.
 *
 * @example
 * const zk = createClient({ hosts: 'zk1:2281', tls: { ca: readFileSync('ca.pem'), cert, key, verifyHostname: false } });
 */
export interface TlsOptions extends tls.ConnectionOptions {
  /**
   * Whether the server's certificate must name the host connected to (its
   * subjectAltName, as Node checks by default). `false` skips only that check:
   * the certificate chain is still verified against `ca`. That is kazoo's
   * default, and what an ensemble needs whose servers share one certificate
   * that does not name each of them. Default `true`.
   */
  verifyHostname?: boolean;
}

export interface SocketOptions {
  /** TLS to the server's secure client port: `true` for Node's defaults, or options for `tls.connect` (see {@link prepareTls}). */
  tls?: boolean | tls.ConnectionOptions;
  /** Give up on this endpoint after this many ms without a connected (and, with TLS, handshaken) socket. */
  timeout: number;
  /** The local port to connect from (Node's `localPort`); the kernel picks one when absent, as it should. */
  localPort?: number;
  /**
   * Plain TCP: read into one reused buffer ({@link InPlaceReads}), to be read with {@link onChunks} by a reader done
   * with each chunk when it returns. A TLS socket is read through `'data'` whatever this says.
   */
  readInPlace?: boolean;
}

/** Node's checkServerIdentity, minus the hostname: `undefined` is "this certificate names the host". */
const skipHostnameCheck = (): undefined => undefined;

/**
 * Turns the `tls` option into what every connection passes to `tls.connect`:
 * `undefined` for plain TCP; otherwise the options with `verifyHostname`
 * applied (as `checkServerIdentity`) and one secure context built now, so
 * that an unreadable certificate, key or CA fails here, once, rather than on
 * every connection attempt, and reconnecting does not parse the PEMs again.
 *
 * @throws TypeError for a `verifyHostname` that is not a boolean, or one set
 *   to false beside a `checkServerIdentity` of the caller's (which would win is unclear)
 * @throws Error from `tls.createSecureContext` (with OpenSSL's `code`, e.g.
 *   `ERR_OSSL_PEM_NO_START_LINE`) for an unusable certificate, key or CA
 * @example
 * prepareTls({ ca, cert, key, verifyHostname: false });  // { ca, cert, key, checkServerIdentity, secureContext }
 * prepareTls(false);                                     // undefined
 */
export function prepareTls(option: boolean | TlsOptions | undefined): tls.ConnectionOptions | undefined {
  if (option === undefined || option === false) return undefined;
  const { verifyHostname, ...connection }: TlsOptions = option === true ? {} : option;
  if (verifyHostname !== undefined && typeof verifyHostname !== 'boolean') {
    throw new TypeError(`tls.verifyHostname must be a boolean, not ${typeof verifyHostname}`);
  }
  if (verifyHostname === false && connection.checkServerIdentity !== undefined) {
    throw new TypeError('tls.verifyHostname: false and tls.checkServerIdentity both decide the hostname check: give only one');
  }
  return {
    ...connection,
    ...(verifyHostname === false ? { checkServerIdentity: skipHostnameCheck } : {}),
    secureContext: connection.secureContext ?? tls.createSecureContext(connection),
  };
}

/**
 * Opens a TCP (or TLS) socket to one endpoint: emits the socket once it is
 * connected, then completes. Errors with a `ConnectError` whose `cause` is the
 * socket's error (a TLS handshake failure keeps its `code`, e.g.
 * `UNABLE_TO_VERIFY_LEAF_SIGNATURE`). Unsubscribing before it connects
 * destroys the socket; after it has emitted, the socket is the subscriber's.
 *
 * This is the only file that touches `net` and `tls`.
 *
 * @example
 * openSocket({ host: '127.0.0.1', port: 2181 }, { timeout: 5000 }).subscribe((socket) => ...);
 */
export function openSocket(endpoint: Endpoint, options: SocketOptions): Observable<net.Socket> {
  return new Observable<net.Socket>((subscriber) => {
    const server = formatEndpoint(endpoint);
    let handedOver = false;
    const useTls = options.tls !== undefined && options.tls !== false;
    let socket: net.Socket;
    try {
      const local = options.localPort === undefined ? {} : { localPort: options.localPort };
      const reads = options.readInPlace === true && !useTls ? new InPlaceReads() : null;
      socket = useTls
        ? connectTls(endpoint, { ...(options.tls === true ? {} : (options.tls as tls.ConnectionOptions)), ...local })
        : net.connect({ host: endpoint.address ?? endpoint.host, port: endpoint.port, ...local, ...(reads === null ? {} : { onread: reads.option }) });
      if (reads !== null) registerInPlaceReads(socket, reads);
    } catch (err) {
      // tls.connect throws at once for options OpenSSL refuses (an unreadable PEM): same typed error as any other failure.
      subscriber.error(new ConnectError(server, describeFailure(err, useTls), { cause: err }));
      return undefined;
    }

    const fail = (message: string, cause?: unknown) => {
      cleanup();
      socket.destroy();
      subscriber.error(new ConnectError(server, message, { cause }));
    };
    const onError = (err: Error) => fail(describeFailure(err, useTls), err);
    const onClose = () => fail('connection closed during connect');
    const onConnected = () => {
      cleanup();
      socket.setNoDelay(true);
      handedOver = true;
      subscriber.next(socket);
      subscriber.complete();
    };
    // The TCP connection, checked before anything else (with TLS, before a
    // handshake that, paired with itself, could only time out).
    const onTcpConnected = () => {
      if (connectedToItself(socket)) fail(SELF_CONNECTED);
      else if (!useTls) onConnected();
    };
    const timer = setTimeout(() => fail(`no connection within ${options.timeout} ms`), options.timeout);
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off('connect', onTcpConnected);
      socket.off('secureConnect', onConnected);
    };
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.once('connect', onTcpConnected);
    if (useTls) socket.once('secureConnect', onConnected);

    return () => {
      if (!handedOver) {
        cleanup();
        socket.destroy();
      }
    };
  });
}

const SELF_CONNECTED = 'connected to itself: no server listens on this port (the kernel paired the socket with its own port)';

/**
 * Whether a socket is connected to itself. Connecting to a local port on which
 * nothing listens, from that same port, succeeds (TCP simultaneous open): the
 * kernel may pick it as the local port when it lies in the ephemeral range
 * (Docker-mapped ports often do). The socket then reads back what it writes,
 * and a ConnectRequest read as a ConnectResponse says "session expired".
 */
function connectedToItself(socket: net.Socket): boolean {
  return socket.localPort !== undefined && socket.localPort === socket.remotePort && socket.localAddress === socket.remoteAddress;
}

function connectTls(endpoint: Endpoint, options: tls.ConnectionOptions): tls.TLSSocket {
  return tls.connect({
    ...options,
    host: endpoint.address ?? endpoint.host,
    port: endpoint.port,
    // The name to ask for (SNI) and to check the certificate against: the caller's
    // `servername` if given (e.g. to connect by IP to a server whose certificate
    // names only its DNS name), else the host; never an IP address (RFC 6066).
    servername: options.servername ?? (net.isIP(endpoint.host) ? undefined : endpoint.host),
  });
}

/** The socket's message, tidied, with what it most likely means for the `tls` options. */
function describeFailure(err: unknown, useTls: boolean): string {
  // Not `instanceof Error`: Node's own errors come from another realm under a vm context (jest).
  const raw = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  const message = typeof raw === 'string' ? raw : String(err);
  if (!useTls) return message;
  const hint =
    tlsHint(err) ??
    // Node's words when the server closes the socket before the handshake completes: a
    // port that does not speak TLS does that, as does a server at its connection limit.
    (/before secure TLS connection was established/.test(message) ? 'the server closed the connection during the TLS handshake: is this its secure client port?' : undefined);
  const tidy = tlsMessage(message);
  return hint === undefined ? tidy : `${tidy}: ${hint}`;
}
