import type { Subscriber } from 'rxjs';

/**
 * Credentials for `addAuth` (AuthPacket), kept for replay: ZooKeeper forgets a
 * connection's identities when it closes, so every credential is sent again,
 * first thing, on each new connection (as the Java client's authInfo list).
 */
export interface Credential {
  scheme: string;
  auth: Buffer;
  /** True once a server has accepted it; an option's credentials are trusted from the start. */
  confirmed: boolean;
  /** addAuth() callers waiting for the server's answer. */
  waiters: Subscriber<void>[];
}

/** The credentials of a session and the auth packets awaiting an answer (answered in the order sent). */
export class CredentialStore {
  readonly all: Credential[] = [];
  private readonly unanswered: Credential[] = [];

  /** Starts over with the configured credentials only (trusted from the start, as the `auth` option's are). */
  reset(configured: readonly { scheme: string; auth: Buffer }[]): void {
    this.all.length = 0;
    this.unanswered.length = 0;
    for (const { scheme, auth } of configured) this.add(scheme, auth, true);
  }

  add(scheme: string, auth: Buffer, confirmed: boolean): Credential {
    const existing = this.all.find((c) => c.scheme === scheme && c.auth.equals(auth));
    if (existing) return existing;
    const credential: Credential = { scheme, auth, confirmed, waiters: [] };
    this.all.push(credential);
    return credential;
  }

  /** Records that an auth packet for `credential` went out. */
  sent(credential: Credential): void {
    this.unanswered.push(credential);
  }

  /** The credential the next auth reply answers. */
  answered(): Credential | undefined {
    return this.unanswered.shift();
  }

  /** A connection ended: its unanswered packets will be answered on the next one, after replay. */
  connectionLost(): void {
    this.unanswered.length = 0;
  }

  forget(credential: Credential): void {
    const i = this.all.indexOf(credential);
    if (i >= 0) this.all.splice(i, 1);
  }
}
