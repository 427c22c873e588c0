import { ZooKeeperClientError } from '../../errors/client-errors';

/**
 * SASL authentication failed on the client's side: the server's challenge was
 * malformed or offered nothing this client can do, or the server could not
 * prove it knows the password (a wrong `rspauth` in DIGEST-MD5).
 * A refusal by the server itself arrives as the server's `AuthFailedError`.
 */
export class SaslError extends ZooKeeperClientError {
  constructor(
    readonly mechanism: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${mechanism}: ${message}`, options);
  }
}
