/**
 * Failures detected by the client itself. They are never disguised as server
 * codes: none of them is a `ZooKeeperError`.
 *
 * @example
 * zk.get('/a').subscribe({ error: (e) => console.log(e instanceof ZooKeeperClientError ? 'client-side' : 'server said') });
 */
export class ZooKeeperClientError extends Error {
  /**
   * Creates the error; the client does, user code usually only catches it.
   *
   * @param message what went wrong
   * @param options `cause`: the error that led to this one (the standard `Error.cause`)
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A path ZooKeeper would refuse (PathUtils.validatePath); nothing was sent.
 *
 * @example
 * zk.get('no/slash').subscribe({ error: (e) => console.log(e instanceof InvalidPathError, e.path) }); // true 'no/slash'
 */
export class InvalidPathError extends ZooKeeperClientError {
  /**
   * Thrown by `validatePath` and by every operation given a bad path.
   *
   * @param path the refused path, as the caller passed it (it may not be a string)
   * @param reason why ZooKeeper would refuse it, e.g. `'must start with /'`
   */
  constructor(
    /** The refused path, as the caller passed it (it may not be a string). */
    readonly path: unknown,
    reason: string,
  ) {
    super(`invalid path ${typeof path === 'string' ? JSON.stringify(path) : String(path)}: ${reason}`);
  }
}

/**
 * A bad argument (data, version, ACL, option) from the caller; nothing was sent.
 *
 * @example
 * zk.set('/a', 'x', 1.5).subscribe({ error: (e) => console.log(e instanceof InvalidArgumentError) }); // true: a version is an integer
 */
export class InvalidArgumentError extends ZooKeeperClientError {}

/**
 * The client was closed (or never started and then closed) before the operation could run.
 *
 * @example
 * await zk.close();
 * zk.get('/a').subscribe({ error: (e) => console.log(e instanceof ClientClosedError) }); // true
 */
export class ClientClosedError extends ZooKeeperClientError {
  /**
   * Creates the error operations fail with once the client is closed.
   *
   * @param message defaults to `'the client is closed'`
   * @param options `cause`: the error that led to this one
   */
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
  /**
   * Creates the error operations fail with before the first `start()`.
   *
   * @param message defaults to `'the client has not been started: call start() first'`
   * @param options `cause`: the error that led to this one
   */
  constructor(message = 'the client has not been started: call start() first', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The server sent bytes that do not form a valid reply; the connection is dropped and re-established.
 *
 * @example
 * zk.get('/a').subscribe({ error: (e) => e instanceof ProtocolError && console.warn('garbled reply, reconnecting', e.message) });
 */
export class ProtocolError extends ZooKeeperClientError {}

/**
 * A request would make a frame larger than the limit (the server's jute.maxbuffer, 1 MiB by default); nothing was sent.
 *
 * @example
 * zk.set('/big', Buffer.alloc(2 * 1024 * 1024)).subscribe({ error: (e) => e instanceof RequestTooLargeError && console.log(e.size, e.limit) });
 */
export class RequestTooLargeError extends ZooKeeperClientError {
  /**
   * Creates the error a request fails with, before it is sent, when its frame would be too large.
   *
   * @param size the frame's size in bytes
   * @param limit the largest frame allowed, in bytes
   */
  constructor(
    /** The size the request's frame would have had, in bytes. */
    readonly size: number,
    /** The largest frame allowed, in bytes (the server's jute.maxbuffer, 1 MiB by default). */
    readonly limit: number,
  ) {
    super(`request of ${size} bytes exceeds the frame limit of ${limit} bytes`);
  }
}

/**
 * A server's answer passed the size the client accepts (a four-letter word's answer; the frame limit has ProtocolError).
 *
 * @example
 * if (err instanceof ResponseTooLargeError) console.log(`answer cut at ${err.size} of ${err.limit} bytes`);
 */
export class ResponseTooLargeError extends ZooKeeperClientError {
  /**
   * Creates the error an answer fails with once it passes the limit (the client stops reading it).
   *
   * @param message what was too large
   * @param size the answer's size so far, in bytes
   * @param limit the largest answer accepted, in bytes
   */
  constructor(
    message: string,
    /** The answer's size when the client stopped reading, in bytes. */
    readonly size: number,
    /** The largest answer the client accepts, in bytes. */
    readonly limit: number,
  ) {
    super(message);
  }
}

/**
 * `connectTimeout` (kind 'connect'), `requestTimeout` (kind 'request') or a `withRetry` deadline (kind 'deadline') ran out.
 *
 * @example
 * await zk.start().catch((e) => { if (e instanceof TimeoutError && e.kind === 'connect') console.log(`no server within ${e.timeout} ms`); });
 */
export class TimeoutError extends ZooKeeperClientError {
  /**
   * Creates the error a timed-out wait fails with.
   *
   * @param kind which timeout ran out
   * @param timeout its length in milliseconds
   * @param message defaults to `'<kind> timed out after <timeout> ms'`
   * @param options `cause`: the error that led to this one
   */
  constructor(
    /** Which timeout ran out: `connectTimeout` ('connect'), `requestTimeout` ('request') or a `withRetry` deadline ('deadline'). */
    readonly kind: 'connect' | 'request' | 'deadline',
    /** The length of the timeout that ran out, in milliseconds. */
    readonly timeout: number,
    message?: string,
    options?: { cause?: unknown },
  ) {
    super(message ?? `${kind} timed out after ${timeout} ms`, options);
  }
}

/**
 * A TCP or TLS connection could not be established; `cause` holds the socket's error.
 *
 * @example
 * if (err instanceof ConnectError) console.log(err.server, err.cause); // '127.0.0.1:2181' Error: connect ECONNREFUSED
 */
export class ConnectError extends ZooKeeperClientError {
  /**
   * Creates the error a failed connection attempt ends with (`start()` rejects with it as the `cause` of its TimeoutError, or with it alone for TLS refusals).
   *
   * @param server the `host:port` the client tried
   * @param message the socket's complaint
   * @param options `cause`: the socket's error
   */
  constructor(
    /** The server the client tried, as `host:port`. */
    readonly server: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${server}: ${message}`, options);
  }
}

/**
 * `withRetry` ran out of tries or time; `cause` and `lastError` hold the last failure.
 *
 * @example
 * zk.get('/a').pipe(withRetry({ maxTries: 3 })).subscribe({
 *   error: (e) => e instanceof RetryFailedError && console.log(e.attempts, e.lastError),
 * });
 */
export class RetryFailedError extends ZooKeeperClientError {
  /**
   * Creates the error `withRetry` fails with once it gives up.
   *
   * @param lastError the last attempt's failure (also the `cause`)
   * @param attempts how many attempts were made, the first included
   */
  constructor(
    /** The last attempt's failure (also `cause`). */
    readonly lastError: unknown,
    /** How many attempts were made, the first one included. */
    readonly attempts: number,
  ) {
    super(`gave up after ${attempts} attempt(s): ${lastError instanceof Error ? lastError.message : String(lastError)}`, {
      cause: lastError,
    });
  }
}
