import { formatEndpoint } from '../transport/connect-string';
import { parseAddress, sameAddress } from './address';
import { expireSession, type SessionHolder } from './expire-session';
import type { ClientTlsMaterial } from './tls-material';
import type { Credentials } from './super-user';
import type { StartedZooKeeper, ZooKeeperKerberos, ZooKeeperMember, ZooKeeperSource } from './types';
import { waitFor } from './wait-for';

/** What each source provides; the behaviour common to all sources lives in `Started`. */
export interface StartedInit {
  source: ZooKeeperSource;
  members: readonly ZooKeeperMember[];
  tls?: ClientTlsMaterial;
  sasl?: { users: Readonly<Record<string, string>> };
  kerberos?: ZooKeeperKerberos;
  superUser?: Readonly<Credentials>;
  /** Starts a joiner (`reconfig`); absent where the source cannot. */
  addMember?: () => Promise<ZooKeeperMember>;
  /** Stops the processes and removes the files. Called once. */
  shutdown: () => Promise<void>;
}

/** The object `startZooKeeper` resolves with, whatever the source. */
export class Started implements StartedZooKeeper {
  readonly source: ZooKeeperSource;
  readonly members: readonly ZooKeeperMember[];
  readonly tls: ClientTlsMaterial | undefined;
  readonly sasl: { readonly users: Readonly<Record<string, string>> } | undefined;
  readonly kerberos: ZooKeeperKerberos | undefined;
  readonly superUser: Readonly<Credentials> | undefined;
  private readonly shutdown: () => Promise<void>;
  private readonly joiner: (() => Promise<ZooKeeperMember>) | undefined;
  private stopping: Promise<void> | undefined;

  constructor(init: StartedInit) {
    this.source = init.source;
    this.members = init.members;
    this.tls = init.tls;
    this.sasl = init.sasl;
    this.kerberos = init.kerberos;
    this.superUser = init.superUser;
    this.shutdown = init.shutdown;
    this.joiner = init.addMember;
  }

  addMember(): Promise<ZooKeeperMember> {
    if (this.joiner === undefined) return Promise.reject(new Error(`addMember needs startZooKeeper({ reconfig: true }) on a local installation (this is ${this.source})`));
    if (this.stopping !== undefined) return Promise.reject(new Error('addMember: the servers are stopped'));
    return this.joiner();
  }

  get connectString(): string {
    return this.members.map((m) => m.connectString).join(',');
  }

  get secureConnectString(): string | undefined {
    const secure = this.members.map((m) => m.secureConnectString);
    return secure.every((s): s is string => s !== undefined) ? secure.join(',') : undefined;
  }

  memberOf(serverAddress: string | null): ZooKeeperMember {
    if (serverAddress === null) throw new Error('memberOf: no server address (is the client connected?)');
    const wanted = parseAddress(serverAddress);
    const found = this.members.find((m) =>
      [m.connectString, m.secureConnectString].some((a) => a !== undefined && sameAddress(parseAddress(a), wanted)),
    );
    if (!found) {
      throw new Error(`memberOf: no member serves ${formatEndpoint(wanted)} (members: ${this.connectString})`);
    }
    return found;
  }

  leader(timeout = 15000): Promise<ZooKeeperMember> {
    return waitFor(
      async () => {
        for (const m of this.members) {
          if (!m.running) continue;
          const mode = await m.mode().catch(() => null);
          if (mode === 'leader' || mode === 'standalone') return m;
        }
        return undefined;
      },
      { timeout, interval: 200, description: 'a leader' },
    );
  }

  async expireSession(holder: SessionHolder): Promise<void> {
    // The holder's own server first (local sessions live only there), then the others.
    const addresses = this.members.filter((m) => m.running).map((m) => m.connectString);
    if (holder.server) {
      let own: ZooKeeperMember | undefined;
      try {
        own = this.memberOf(holder.server);
      } catch {
        own = undefined;
      }
      if (own) addresses.sort((a, b) => Number(b === own.connectString) - Number(a === own.connectString));
    }
    await expireSession(addresses, holder);
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }
}
