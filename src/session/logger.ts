/**
 * Where the client reports what it does (README, `logger`); console fits, and so do pino and winston
 * loggers (their methods take the same arguments).
 *
 * @example
 * const zk = createClient({ hosts: '127.0.0.1:2181', logger: console });
 */
export interface Logger {
  /**
   * Detail for debugging: each connect attempt and its failure, each state change.
   *
   * @param message what happened
   * @param meta further values (the client puts everything in `message`)
   * @example
   * const logger: Logger = { ...console, debug: () => undefined }; // all but debug
   */
  debug(message: string, ...meta: unknown[]): void;
  /**
   * Milestones: a session established or resumed, a connection lost, SASL accepted, a move to a read-write server.
   *
   * @param message what happened
   * @param meta further values (the client puts everything in `message`)
   * @example
   * const logger: Logger = { ...console, info: (message, ...meta) => console.log(`[zk] ${message}`, ...meta) };
   */
  info(message: string, ...meta: unknown[]): void;
  /**
   * A session expired (its ephemeral nodes and watches are gone), as a server said or as the client declared it
   * after hearing no server for the session timeout; the client makes a new one.
   *
   * @param message what happened
   * @param meta further values (the client puts everything in `message`)
   * @example
   * const logger: Logger = { ...console, warn: (message, ...meta) => alerts.push({ message, meta }) };
   */
  warn(message: string, ...meta: unknown[]): void;
  /**
   * The client gives up, as no reconnection could mend it: credentials or SASL refused (AUTH_FAILED), TLS refused by every server.
   *
   * @param message what happened
   * @param meta further values (the client puts everything in `message`)
   * @example
   * const logger: Logger = { ...console, error: (message, err) => reportToSentry(err, message) };
   */
  error(message: string, ...meta: unknown[]): void;
}

const ignore = (): void => undefined;

/** The default: says nothing. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
