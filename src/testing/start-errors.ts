/** A server did not come up; the message ends with the tail of its log. */
export class ZooKeeperStartError extends Error {
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
