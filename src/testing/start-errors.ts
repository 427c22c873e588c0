/**
 * A server did not come up; the message ends with the tail of its log.
 *
 * @example
 * await startZooKeeper().catch((e) => { if (e instanceof ZooKeeperStartError) console.error(e.logTail); throw e; });
 */
export class ZooKeeperStartError extends Error {
  /**
   * Created by `startZooKeeper` when a server fails to start.
   *
   * @param message what failed
   * @param logTail the last lines of the server's log, appended to the message
   * @param options `cause`: the error that led to this one
   */
  constructor(
    message: string,
    /** The last lines of the server's log, when there is one. */
    readonly logTail = '',
    options?: { cause?: unknown },
  ) {
    super(logTail === '' ? message : `${message}\n--- last lines of the server log ---\n${logTail}`, options);
    this.name = new.target.name;
  }
}

/** A port picked as free was taken before the server bound it; starting again on new ports fixes it. */
export class PortCollisionError extends ZooKeeperStartError {}

/** Log lines that mean a port was taken under us. */
export function showsBindFailure(log: string): boolean {
  return /Address already in use|java\.net\.BindException/.test(log);
}

/** The last `lines` lines of a text. */
export function tail(text: string, lines = 40): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}
