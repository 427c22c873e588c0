import * as net from 'node:net';
import * as tls from 'node:tls';
import { Observable } from 'rxjs';
import { ConnectError } from '../errors/client-errors';
import type { Endpoint } from './endpoint';
import { formatEndpoint } from './connect-string';

export interface SocketOptions {
  /** TLS to the server's secure client port: `true` for Node's defaults, or options for `tls.connect`. */
  tls?: boolean | tls.ConnectionOptions;
  /** Give up on this endpoint after this many ms without a connected (and, with TLS, handshaken) socket. */
  timeout: number;
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
    const socket: net.Socket = useTls
      ? tls.connect({
          ...(options.tls === true ? {} : (options.tls as tls.ConnectionOptions)),
          host: endpoint.host,
          port: endpoint.port,
          // SNI must not be an IP address (RFC 6066).
          servername: net.isIP(endpoint.host) ? undefined : endpoint.host,
        })
      : net.connect({ host: endpoint.host, port: endpoint.port });

    const fail = (message: string, cause?: unknown) => {
      cleanup();
      socket.destroy();
      subscriber.error(new ConnectError(server, message, { cause }));
    };
    const onError = (err: Error) => fail(err.message, err);
    const onClose = () => fail('connection closed during connect');
    const onConnected = () => {
      cleanup();
      socket.setNoDelay(true);
      handedOver = true;
      subscriber.next(socket);
      subscriber.complete();
    };
    const timer = setTimeout(() => fail(`no connection within ${options.timeout} ms`), options.timeout);
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off(useTls ? 'secureConnect' : 'connect', onConnected);
    };
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.once(useTls ? 'secureConnect' : 'connect', onConnected);

    return () => {
      if (!handedOver) {
        cleanup();
        socket.destroy();
      }
    };
  });
}
