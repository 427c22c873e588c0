/**
 * Failures detected by the client itself. They are never disguised as server
 * codes: none of them is a `ZooKeeperError`.
 */
export class ZooKeeperClientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A path ZooKeeper would refuse (PathUtils.validatePath); nothing was sent. */
export class InvalidPathError extends ZooKeeperClientError {
  constructor(
    readonly path: unknown,
    reason: string,
  ) {
    super(`invalid path ${typeof path === 'string' ? JSON.stringify(path) : String(path)}: ${reason}`);
  }
}

/** A bad argument (data, version, ACL, option) from the caller; nothing was sent. */
export class InvalidArgumentError extends ZooKeeperClientError {}

/** The client was closed (or never started and then closed) before the operation could run. */
export class ClientClosedError extends ZooKeeperClientError {
  constructor(message = 'the client is closed', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * An operation was subscribed before the client's first `start()`: it fails at
 * once instead of waiting for a connection nobody asked for. (The long-lived
 * observables — `state$`, `watchData$`, … — may be subscribed before `start()`.)
 *
 * @example
 * const zk = createClient({ hosts: '127.0.0.1:2181' });
 * zk.get('/a').subscribe({ error: (e) => console.log(e instanceof ClientNotStartedError) }); // true
 */
export class ClientNotStartedError extends ZooKeeperClientError {
  constructor(message = 'the client has not been started: call start() first', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The server sent bytes that do not form a valid reply; the connection is dropped and re-established. */
export class ProtocolError extends ZooKeeperClientError {}

/** A request would make a frame larger than the limit (the server's jute.maxbuffer, 1 MiB by default); nothing was sent. */
export class RequestTooLargeError extends ZooKeeperClientError {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`request of ${size} bytes exceeds the frame limit of ${limit} bytes`);
  }
}

/** A server's answer passed the size the client accepts (a four-letter word's answer; the frame limit has ProtocolError). */
export class ResponseTooLargeError extends ZooKeeperClientError {
  constructor(
    message: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(message);
  }
}

/** `connectTimeout` (kind 'connect'), `requestTimeout` (kind 'request') or a `withRetry` deadline (kind 'deadline') ran out. */
export class TimeoutError extends ZooKeeperClientError {
  constructor(
    readonly kind: 'connect' | 'request' | 'deadline',
    readonly timeout: number,
    message?: string,
    options?: { cause?: unknown },
  ) {
    super(message ?? `${kind} timed out after ${timeout} ms`, options);
  }
}

/** A TCP or TLS connection could not be established; `cause` holds the socket's error. */
export class ConnectError extends ZooKeeperClientError {
  constructor(
    readonly server: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${server}: ${message}`, options);
  }
}

/** `withRetry` ran out of tries or time; `cause` and `lastError` hold the last failure. */
export class RetryFailedError extends ZooKeeperClientError {
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
  ) {
    super(`gave up after ${attempts} attempt(s): ${lastError instanceof Error ? lastError.message : String(lastError)}`, {
      cause: lastError,
    });
  }
}
