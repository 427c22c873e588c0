import { Observable } from 'rxjs';
import { ClientClosedError } from '../errors/client-errors';
import { AuthFailedError } from '../errors/server-errors';
import { isConnected } from '../session/connection-state';
import type { SessionManager } from '../session/session-manager';

/**
 * Emits the server address once the client is connected (at once if it is),
 * then completes. Errors with ClientClosedError if the client closes first, or
 * AuthFailedError if its credentials are refused.
 */
export function waitUntilConnected(manager: SessionManager): Observable<string> {
  return new Observable<string>((subscriber) =>
    manager.state$.subscribe((state) => {
      if (isConnected(state) && manager.server !== null) {
        subscriber.next(manager.server);
        subscriber.complete();
      } else if (state === 'CLOSED') subscriber.error(new ClientClosedError());
      else if (state === 'AUTH_FAILED') subscriber.error(new AuthFailedError());
    }),
  );
}
