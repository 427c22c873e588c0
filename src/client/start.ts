import type { Subscription } from 'rxjs';
import { ClientClosedError, TimeoutError } from '../errors/client-errors';
import { AuthFailedError } from '../errors/server-errors';
import { isConnected } from '../session/connection-state';
import type { SessionManager } from '../session/session-manager';

/**
 * `start()`: starts the session (after a close in progress has finished) and
 * resolves once connected. The start that started the client gives up after
 * `connectTimeout` (a TimeoutError naming the last connection failure) and
 * leaves nothing running; on a client already running only the returned
 * promise rejects. `started` runs when this call started the client.
 */
export function startClient(manager: SessionManager, connectTimeout: number, started: () => void): Promise<void> {
  const closing = manager.closeInProgress;
  return closing === null ? connect(manager, connectTimeout, started) : closing.then(() => connect(manager, connectTimeout, started));
}

function connect(manager: SessionManager, timeout: number, started: () => void): Promise<void> {
  const startedHere = manager.start();
  if (startedHere) started();
  return new Promise<void>((resolve, reject) => {
    let subscription: Subscription | undefined;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      subscription?.unsubscribe();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => {
      const cause = manager.lastConnectError;
      const reason = cause instanceof Error ? `: ${cause.message}` : '';
      const error = new TimeoutError('connect', timeout, `no connection within ${timeout} ms${reason}`, { cause });
      finish(error);
      // Only the start() that started the client gives up on it; a running client goes on reconnecting.
      if (startedHere) manager.shutdown(error);
    }, timeout);
    subscription = manager.state$.subscribe((state) => {
      if (isConnected(state)) finish();
      else if (state === 'AUTH_FAILED') {
        const cause = manager.lastConnectError;
        finish(cause instanceof Error ? cause : new AuthFailedError());
      } else if (state === 'CLOSED') {
        // close() was called, or connecting gave up for good (e.g. TLS refused by every server): say which.
        const reason = manager.closeReason;
        finish(reason === null ? new ClientClosedError('the client was closed before it connected') : reason);
      }
    });
  });
}
