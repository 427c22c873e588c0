import { formatEndpoint, parseConnectString } from '../transport/connect-string';
import { fourLetterWord, parseMode, type ServerMode } from './four-letter-word';
import { Started } from './started-zookeeper';
import type { ZooKeeperMember } from './types';

/** The environment variable naming an existing ensemble. */
export const ZOOKEEPER_CONNECT = 'ZOOKEEPER_CONNECT';

/** A server of an ensemble someone else runs: it can be asked, not controlled. */
class ExternalMember implements ZooKeeperMember {
  readonly secureConnectString = undefined;
  readonly serverSpec = undefined;
  readonly logFile = undefined;
  readonly pid = undefined;
  readonly running = true;

  constructor(
    readonly id: number,
    readonly connectString: string,
  ) {}

  private noControl(what: string): Promise<never> {
    return Promise.reject(
      new Error(
        `cannot ${what} ${this.connectString}: it belongs to the ensemble named by ${ZOOKEEPER_CONNECT}, which rxzk/testing does not control. ` +
          `Unset ${ZOOKEEPER_CONNECT} to let tests start their own servers.`,
      ),
    );
  }

  start(): Promise<void> {
    return this.noControl('start');
  }
  stop(): Promise<void> {
    return this.noControl('stop');
  }
  kill(): Promise<void> {
    return this.noControl('kill');
  }
  pause(): Promise<void> {
    return this.noControl('pause');
  }
  resume(): Promise<void> {
    return this.noControl('resume');
  }

  async mode(): Promise<ServerMode> {
    const srvr = await this.fourLetterWord('srvr');
    const mode = parseMode(srvr);
    if (mode === null) throw new Error(`${this.connectString} is not serving: ${srvr.trim()}`);
    return mode;
  }

  fourLetterWord(word: string): Promise<string> {
    return fourLetterWord(this.connectString, word);
  }

  async readLog(): Promise<string> {
    return '';
  }
}

/**
 * Wraps the ensemble named by `ZOOKEEPER_CONNECT` ('host:port,host:port'; a
 * chroot suffix is ignored). Members answer four-letter words and
 * `expireSession` works; lifecycle methods reject; `stop()` does nothing.
 *
 * @example
 * const zk = useExternal('zk1:2181,zk2:2181');
 */
export function useExternal(connectString: string): Started {
  const members = parseConnectString(connectString).endpoints.map((endpoint, i) => new ExternalMember(i + 1, formatEndpoint(endpoint)));
  return new Started({ source: 'external', members, shutdown: async () => undefined });
}
