import { Observable } from 'rxjs';
import { ConnectError, ResponseTooLargeError } from '../errors/client-errors';
import { parseConnectString } from './connect-string';
import { openSocket, type SocketOptions } from './socket-connector';

/**
 * The longest four-letter answer kept. Real ones are a few KiB (`mntr`,
 * `cons`, `wchp` of a busy server reach hundreds); a peer that never stops
 * answering must not grow a buffer without end (one reached 1.8 GB and then
 * failed to become a string inside a socket callback).
 */
export const MAX_FOUR_LETTER_ANSWER = 4 * 1024 * 1024;

/**
 * Sends a four-letter word ('ruok', 'srvr', 'mntr', 'wchp', …) on a socket of
 * its own and emits the server's whole answer once the server closes the
 * connection. `server` is 'host:port' (or a connect string: its first host).
 * Errors with a ConnectError when the server cannot be reached or does not
 * finish answering within `timeout`, and with a ResponseTooLargeError once
 * the answer passes `maxLength` bytes (default {@link MAX_FOUR_LETTER_ANSWER});
 * after either, the socket is gone and nothing more happens.
 *
 * @example
 * fourLetterWord('127.0.0.1:2181', 'ruok', { timeout: 2000 }).subscribe((answer) => console.log(answer)); // 'imok'
 */
export function fourLetterWord(server: string, word: string, options: SocketOptions & { maxLength?: number }): Observable<string> {
  return new Observable<string>((subscriber) => {
    const endpoint = parseConnectString(server).endpoints[0];
    const maxLength = options.maxLength ?? MAX_FOUR_LETTER_ANSWER;
    const chunks: Buffer[] = [];
    let length = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let destroy: (() => void) | undefined;
    const connecting = openSocket(endpoint, options).subscribe({
      next: (socket) => {
        // Once settled (answered, failed, timed out, unsubscribed) the socket is destroyed and its listeners do nothing.
        let settled = false;
        const settle = (outcome: { answer: string } | { error: Error }): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          socket.destroy();
          if ('answer' in outcome) {
            subscriber.next(outcome.answer);
            subscriber.complete();
          } else subscriber.error(outcome.error);
        };
        destroy = () => {
          settled = true;
          clearTimeout(timer);
          socket.destroy();
        };
        timer = setTimeout(
          () => settle({ error: new ConnectError(server, `no complete answer to '${word}' within ${options.timeout} ms`) }),
          options.timeout,
        );
        socket.on('data', (chunk: Buffer) => {
          if (settled) return;
          length += chunk.length;
          if (length > maxLength) {
            chunks.length = 0;
            settle({ error: new ResponseTooLargeError(`${server}: the answer to '${word}' passed ${maxLength} bytes`, length, maxLength) });
            return;
          }
          chunks.push(chunk);
        });
        socket.on('error', (err) => settle({ error: new ConnectError(server, `'${word}' failed: ${err.message}`, { cause: err }) }));
        socket.on('close', () => settle({ answer: Buffer.concat(chunks, length).toString('utf8') }));
        socket.end(word);
      },
      error: (err: unknown) => subscriber.error(err),
    });
    return () => {
      connecting.unsubscribe();
      destroy?.();
    };
  });
}
