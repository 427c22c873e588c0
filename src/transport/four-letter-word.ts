import { Observable, type Subscription } from 'rxjs';
import { ConnectError } from '../errors/client-errors';
import { parseConnectString } from './connect-string';
import { openSocket, type SocketOptions } from './socket-connector';

/**
 * Sends a four-letter word ('ruok', 'srvr', 'mntr', 'wchp', …) on a socket of
 * its own and emits the server's whole answer once the server closes the
 * connection. `server` is 'host:port' (or a connect string: its first host).
 * Errors with a ConnectError when the server cannot be reached or does not
 * finish answering within `timeout`.
 *
 * @example
 * fourLetterWord('127.0.0.1:2181', 'ruok', { timeout: 2000 }).subscribe((answer) => console.log(answer)); // 'imok'
 */
export function fourLetterWord(server: string, word: string, options: SocketOptions): Observable<string> {
  return new Observable<string>((subscriber) => {
    const endpoint = parseConnectString(server).endpoints[0];
    const chunks: Buffer[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let socketSubscription: Subscription | undefined;
    let destroy: (() => void) | undefined;
    socketSubscription = openSocket(endpoint, options).subscribe({
      next: (socket) => {
        destroy = () => socket.destroy();
        timer = setTimeout(() => {
          socket.destroy();
          subscriber.error(new ConnectError(server, `no complete answer to '${word}' within ${options.timeout} ms`));
        }, options.timeout);
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', (err) => subscriber.error(new ConnectError(server, `'${word}' failed: ${err.message}`, { cause: err })));
        socket.on('close', () => {
          subscriber.next(Buffer.concat(chunks).toString('utf8'));
          subscriber.complete();
        });
        socket.end(word);
      },
      error: (err: unknown) => subscriber.error(err),
    });
    return () => {
      clearTimeout(timer);
      socketSubscription?.unsubscribe();
      destroy?.();
    };
  });
}
