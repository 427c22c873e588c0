import { Observable } from 'rxjs';
import { ClientClosedError, ClientNotStartedError } from '../errors/client-errors';
import { AuthFailedError } from '../errors/server-errors';
import { isConnected } from '../session/connection-state';
import type { SessionManager } from '../session/session-manager';

/**
 * Emits the server address once the client is connected (at once if it is),
 * then completes. Errors with ClientNotStartedError before the client's first
 * start(), ClientClosedError if the client closes first, or AuthFailedError if
 * its credentials are refused.
 */
export function waitUntilConnected(manager: SessionManager): Observable<string> {
  return new Observable<string>((subscriber) => {
    if (!manager.hasStarted) {
      subscriber.error(new ClientNotStartedError());
      return undefined;
    }
    return manager.state$.subscribe((state) => {
      if (isConnected(state) && manager.server !== null) {
        subscriber.next(manager.server);
        subscriber.complete();
      } else if (state === 'CLOSED') subscriber.error(new ClientClosedError());
      else if (state === 'AUTH_FAILED') subscriber.error(new AuthFailedError());
    });
  });
}
