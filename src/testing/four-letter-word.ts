import type * as tls from 'node:tls';
import { firstValueFrom } from 'rxjs';
import { fourLetterWord as askServer } from '../transport/four-letter-word';

/**
 * Options of `fourLetterWord`.
 *
 * @example
 * await fourLetterWord(zkServer.secureConnectString!, 'srvr', { timeout: 5000, tls: { ca: zkServer.tls!.ca } });
 */
export interface FourLetterWordOptions {
  /** Give up after this many ms without the server closing the connection (default 2000). */
  timeout?: number;
  /** Speak TLS (for a secure client port). */
  tls?: tls.ConnectionOptions;
}

/**
 * Sends a four-letter word ('srvr', 'ruok', 'mntr', 'wchp', 'isro', …) to a
 * server and resolves with its whole answer as text. The server answers and
 * closes the connection; a paused or dead server makes this reject, and so
 * does an answer longer than 4 MiB (the client's own bound).
 *
 * `address` is 'host:port' or a connect string, whose first server is used.
 * The server must allow the word (`4lw.commands.whitelist`; servers started by
 * `startZooKeeper` allow all of them).
 *
 * @example
 * const text = await fourLetterWord(zkServer.connectString, 'srvr');
 * const mode = /^Mode: (.*)$/m.exec(text)?.[1]; // 'standalone'
 */
export function fourLetterWord(address: string, word: string, options: FourLetterWordOptions = {}): Promise<string> {
  if (!/^[a-z]{4}$/.test(word)) return Promise.reject(new Error(`not a four-letter word: ${JSON.stringify(word)}`));
  return firstValueFrom(askServer(address, word, { timeout: options.timeout ?? 2000, tls: options.tls }));
}

/**
 * The mode a server reports in its `srvr` answer (observers are never started by this module).
 *
 * @example
 * const mode: ServerMode = await zkServer.members[0].mode(); // 'standalone' for one server
 */
export type ServerMode = 'leader' | 'follower' | 'standalone' | 'read-only';

/**
 * The `Mode:` line of a `srvr` answer, or `null` when there is none (a server
 * that is up but not serving yet answers "This ZooKeeper instance is not
 * currently serving requests").
 */
export function parseMode(srvr: string): ServerMode | null {
  const m = /^Mode: (\S+)/m.exec(srvr);
  if (!m) return null;
  switch (m[1]) {
    case 'leader':
    case 'follower':
    case 'standalone':
    case 'read-only':
      return m[1];
    default:
      return null;
  }
}

/** The mode of the server at `connectString` (from `srvr`); rejects when it is not serving. */
export async function serverMode(name: string, connectString: string): Promise<ServerMode> {
  const srvr = await fourLetterWord(connectString, 'srvr');
  const mode = parseMode(srvr);
  if (mode === null) throw new Error(`${name} (${connectString}) is not serving: ${srvr.trim()}`);
  return mode;
}
