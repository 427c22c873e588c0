import { errorCodeName } from '../jute/error-codes';

/**
 * Options of the {@link ZooKeeperError} constructor.
 *
 * @example
 * new ZooKeeperError(-101, '/a', undefined, { cause: socketError });
 */
export interface ZooKeeperErrorOptions {
  /** The error that led to this one (the standard `Error.cause`). */
  cause?: unknown;
  /** Overrides the name derived from `code` (RolledBackError's code 0 is not "OK"). */
  codeName?: string;
}

/**
 * An error the ZooKeeper server reported (or, for connection loss and session
 * expiry, the condition the Java client reports under the same codes).
 * `code` is the server's numeric code, `codeName` its name in KeeperException.Code.
 *
 * @example
 * zk.get('/missing').subscribe({
 *   error: (e) => { if (e instanceof ZooKeeperError) console.log(e.code, e.codeName, e.path); }, // -101 NONODE /missing
 * });
 */
export class ZooKeeperError extends Error {
  /** The server's numeric error code (the `err` field of the reply header, KeeperException.Code), e.g. -101 for NONODE. */
  readonly code: number;
  /** The code's name in KeeperException.Code, e.g. `'NONODE'`. */
  readonly codeName: string;
  /** The node the failed request named, when it named one (absent for session-level errors). */
  readonly path?: string;

  /**
   * Most code catches these rather than constructs them; the client creates the subclass of each known code.
   *
   * @param code the server's numeric code
   * @param path the node the request named, when there is one
   * @param message replaces the default message (`'<codeName> for <path>'`)
   * @param options `cause`, and a `codeName` overriding the name derived from `code`
   */
  constructor(code: number, path?: string, message?: string, options?: ZooKeeperErrorOptions) {
    const codeName = options?.codeName ?? errorCodeName(code);
    super(message ?? (path === undefined ? codeName : `${codeName} for ${path}`), options);
    this.code = code;
    this.codeName = codeName;
    if (path !== undefined) this.path = path;
    this.name = new.target.name;
  }
}
