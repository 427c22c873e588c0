import { Observable, throwError, type Subscription } from 'rxjs';
import { describe } from '../common/arguments';
import { InvalidArgumentError, ProtocolError } from '../errors/client-errors';
import type { SessionConfig } from '../session/session-config';
import type { SessionManager } from '../session/session-manager';
import { fourLetterWord } from '../transport/four-letter-word';
import { waitUntilConnected } from './wait-until-connected';

/**
 * A four-letter word ('ruok', 'srvr', 'mntr', …) to the server the client is
 * connected to, once connected, over a socket of its own (with the client's
 * TLS settings, bounded by the session timeout); emits the answer.
 */
export function command(session: SessionManager, config: SessionConfig, cmd: string): Observable<string> {
  if (typeof cmd !== 'string' || !/^[a-z]{4}$/.test(cmd)) {
    return throwError(() => new InvalidArgumentError(`a four-letter word is four lowercase letters, not ${describe(cmd)}`));
  }
  return waitUntilConnected(session).pipe((source) =>
    new Observable<string>((subscriber) => {
      let inner: Subscription | undefined;
      const outer = source.subscribe({
        next: (server) => {
          inner = fourLetterWord(server, cmd, { tls: config.tls, timeout: config.sessionTimeout }).subscribe(subscriber);
        },
        error: (err: unknown) => subscriber.error(err),
      });
      return () => {
        outer.unsubscribe();
        inner?.unsubscribe();
      };
    }),
  );
}

/** The connected server's version, e.g. '3.8.0', from its answer to `srvr`. */
export function serverVersion(session: SessionManager, config: SessionConfig): Observable<string> {
  return command(session, config, 'srvr').pipe((source) =>
    new Observable<string>((subscriber) =>
      source.subscribe({
        next: (text) => {
          const match = /version:\s*(\d+\.\d+\.\d+)/i.exec(text);
          if (match) subscriber.next(match[1]);
          else subscriber.error(new ProtocolError(`no version in the server's answer to srvr: ${JSON.stringify(text.slice(0, 200))}`));
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    ),
  );
}
