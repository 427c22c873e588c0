import { errorCodeName } from '../jute/error-codes';

export interface ZooKeeperErrorOptions {
  cause?: unknown;
  /** Overrides the name derived from `code` (RolledBackError's code 0 is not "OK"). */
  codeName?: string;
}

/**
 * An error the ZooKeeper server reported (or, for connection loss and session
 * expiry, the condition the Java client reports under the same codes).
 * `code` is the server's numeric code, `codeName` its name in KeeperException.Code.
 */
export class ZooKeeperError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly path?: string;

  constructor(code: number, path?: string, message?: string, options?: ZooKeeperErrorOptions) {
    const codeName = options?.codeName ?? errorCodeName(code);
    super(message ?? (path === undefined ? codeName : `${codeName} for ${path}`), options);
    this.code = code;
    this.codeName = codeName;
    if (path !== undefined) this.path = path;
    this.name = new.target.name;
  }
}
