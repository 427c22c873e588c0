import { Observable, Subscription } from 'rxjs';
import { AuthFailedError } from '../../errors/server-errors';
import { OpCode } from '../../jute/op-codes';
import { readSetSASLResponse, writeGetSASLRequest, type GetSASLRequest } from '../../jute/records/sasl';
import type { Operation } from '../operation';

/**
 * The client side of a SASL mechanism, as the exchange drives it. A step
 * answers at once (DIGEST-MD5 only computes) or with a promise (GSSAPI calls
 * into the Kerberos library, off the main thread).
 */
export interface SaslMechanism {
  readonly mechanism: string;
  /** True once the server's last token has been checked: nothing more is sent. */
  readonly complete: boolean;
  /** Who authenticates, for logs: the user or principal. */
  readonly identity: string;
  /** What to send first (empty for mechanisms without an initial response, such as DIGEST-MD5). */
  initialResponse(): Buffer | PromiseLike<Buffer>;
  /** The answer to a server token. */
  evaluateChallenge(challenge: Uint8Array): Buffer | PromiseLike<Buffer>;
}

/** One step of ZooKeeper's SASL exchange (op 102): GetSASLRequest out, SetSASLResponse back. */
export const SASL: Operation<GetSASLRequest, Buffer> = {
  type: OpCode.sasl,
  write: writeGetSASLRequest,
  read: (r) => readSetSASLResponse(r).token,
};

/**
 * Runs a SASL exchange over `send` (ZooKeeperSaslClient's loop): the initial
 * response, then one answer per server token until the mechanism is complete.
 * Completes on success; errors with what the server answered (an
 * AuthFailedError saying so for refused credentials, the server's error as its
 * `cause`) or what the mechanism threw or rejected with (SaslError). An
 * asynchronous step that settles after unsubscription is ignored: nothing is
 * sent on a connection the exchange no longer owns.
 */
export function saslExchange(mechanism: SaslMechanism, send: (token: Buffer) => Observable<Buffer>): Observable<void> {
  return new Observable<void>((subscriber) => {
    const onError = (err: unknown): void => {
      // The server's bare AUTHFAILED reply names nothing; say what was refused.
      const refused = err instanceof AuthFailedError && err.cause === undefined;
      subscriber.error(
        refused
          ? new AuthFailedError(undefined, `the server refused SASL ${mechanism.mechanism} authentication (unknown user or wrong credentials?)`, { cause: err })
          : err,
      );
    };
    // Every step's subscription, so that teardown reaches the one in progress even when `send`
    // answers synchronously (a step then starts inside the previous one's subscribe call).
    const steps = new Subscription();
    const step = (token: Buffer): void => {
      steps.add(send(token).subscribe({ next: onToken, error: onError }));
    };
    // A mechanism's answer, now or once its promise settles (then only while still subscribed).
    const answer = (produce: () => Buffer | PromiseLike<Buffer>, then: (token: Buffer) => void): void => {
      let result: Buffer | PromiseLike<Buffer>;
      try {
        result = produce();
      } catch (err) {
        subscriber.error(err);
        return;
      }
      if (!isPromiseLike(result)) {
        then(result);
        return;
      }
      result.then(
        (token) => {
          if (!subscriber.closed) then(token);
        },
        (err: unknown) => subscriber.error(err),
      );
    };
    const onAnswer = (token: Buffer): void => {
      if (mechanism.complete) {
        subscriber.next();
        subscriber.complete();
        return;
      }
      step(token);
    };
    function onToken(token: Buffer): void {
      answer(() => mechanism.evaluateChallenge(token), onAnswer);
    }
    answer(() => mechanism.initialResponse(), step);
    return steps;
  });
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
