import { Observable, type Subscriber, type Subscription } from 'rxjs';
import { AuthFailedError, ConnectionLossError } from '../errors/server-errors';
import { ErrorCode } from '../jute/error-codes';
import type { Connection } from '../transport/connection';
import { CredentialStore, type Credential } from './credentials';
import type { Outbox } from './outbox';
import { SubscriberRequest } from './pending-request';
import { createSaslMechanism } from './sasl/mechanism-factory';
import type { SessionConfig } from './session-config';
import { SASL, saslExchange } from './sasl/sasl-exchange';

/** What authentication needs of the session's configuration: the `auth` credentials (trusted from the start), SASL. */
export type AuthenticationConfig = Pick<SessionConfig, 'auth' | 'sasl' | 'logger'>;

/** How authentication talks back to the session. */
export interface AuthenticationEvents {
  /** Whether `conn` is still the session's connection. */
  isCurrent(conn: Connection): boolean;
  /**
   * Authentication the session cannot do without was refused (SASL, or credentials it had been given or had
   * had accepted): AUTH_FAILED, and no reconnection, since no retry changes the credentials.
   */
  onRefused(error: AuthFailedError): void;
}

/**
 * Who the session is, on every connection: the SASL exchange first, alone on
 * the connection (the Java client holds every other request back meanwhile),
 * then the credentials of `auth` and `addAuth` replayed (ZooKeeper forgets a
 * connection's identities when it closes), their answers matched in the order
 * sent.
 */
export class Authentication {
  private readonly credentials = new CredentialStore();
  private saslSubscription: Subscription | null = null;

  constructor(
    private readonly config: AuthenticationConfig,
    private readonly outbox: Outbox,
    private readonly events: AuthenticationEvents,
  ) {
    this.credentials.reset(config.auth);
  }

  /** Back to the configured credentials only (a client started again after close()). */
  reset(): void {
    this.credentials.reset(this.config.auth);
  }

  /**
   * addAuth: the credential is kept for replay at once, and answered when the
   * server answers its auth packet (now, or on the next connection). Returns the teardown.
   */
  add(scheme: string, auth: Buffer, subscriber: Subscriber<void>): () => void {
    const credential = this.credentials.add(scheme, auth, false);
    if (credential.confirmed) {
      subscriber.next();
      subscriber.complete();
      return () => undefined;
    }
    credential.waiters.push(subscriber);
    const alreadySent = credential.waiters.length > 1;
    const conn = this.outbox.connection;
    if (conn !== null && !alreadySent) this.send(conn, credential);
    return () => {
      const i = credential.waiters.indexOf(subscriber);
      if (i >= 0) credential.waiters.splice(i, 1);
    };
  }

  /** Handshake done: runs SASL when configured, then `done`; a SASL refusal goes to `onRefused` instead. */
  authenticate(conn: Connection, done: () => void): void {
    const sasl = this.config.sasl;
    if (sasl === undefined) done();
    else this.saslExchange(conn, sasl, done);
  }

  /** The SASL exchange on `conn` (op 102 requests, sent before the connection is ready). */
  private saslExchange(conn: Connection, sasl: NonNullable<SessionConfig['sasl']>, done: () => void): void {
    const mechanism = createSaslMechanism(sasl, conn);
    this.saslSubscription = saslExchange(mechanism, (token) =>
      new Observable<Buffer>((subscriber) => {
        const request = new SubscriberRequest(SASL, { token }, subscriber, undefined, null);
        this.outbox.send(conn, request);
        return request;
      }),
    ).subscribe({
      complete: () => {
        this.saslSubscription = null;
        this.config.logger.info(`rxzk: SASL ${mechanism.mechanism} authentication of '${mechanism.identity}' succeeded`);
        done();
      },
      error: (err: unknown) => {
        this.saslSubscription = null;
        if (!this.events.isCurrent(conn)) return;
        if (err instanceof ConnectionLossError) return; // the connection ended; the session reconnects
        const error = err instanceof AuthFailedError ? err : new AuthFailedError(undefined, `SASL authentication failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        this.config.logger.error(`rxzk: ${error.message}; giving up`);
        this.events.onRefused(error);
      },
    });
  }

  /** Every credential, sent again on a new connection before anything else. */
  replay(conn: Connection): void {
    for (const credential of this.credentials.all) this.send(conn, credential);
  }

  private send(conn: Connection, credential: Credential): void {
    this.outbox.sendAuth(conn, credential.scheme, credential.auth);
    this.credentials.sent(credential);
  }

  /** The server answered the oldest auth packet in flight (xid -4). */
  onReply(err: number): void {
    const credential = this.credentials.answered();
    if (credential === undefined) return;
    const waiters = credential.waiters.splice(0);
    if (err === ErrorCode.OK) {
      credential.confirmed = true;
      for (const s of waiters) {
        s.next();
        s.complete();
      }
      return;
    }
    const error = new AuthFailedError(undefined, `authentication failed for scheme '${credential.scheme}'`);
    for (const s of waiters) s.error(error);
    if (credential.confirmed) {
      // Credentials the session was given (or had accepted) are refused now: no reconnection can mend that.
      this.config.logger.error(`rxzk: ${error.message}; giving up`);
      this.events.onRefused(error);
    } else {
      // A new credential from addAuth: the caller hears of it; the server drops this connection and we reconnect without it.
      this.credentials.forget(credential);
    }
  }

  /** The connection ended: the SASL exchange stops, unanswered packets are answered on the next one (after replay). */
  connectionLost(): void {
    this.saslSubscription?.unsubscribe();
    this.saslSubscription = null;
    this.credentials.connectionLost();
  }
}
