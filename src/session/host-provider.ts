import type { Endpoint } from '../transport/connect-string';
import { shuffle } from '../transport/connect-string';

/**
 * The servers to try, in turn (the Java client's StaticHostProvider and HostConnectionManager): shuffled when
 * `randomize` is set, then tried round-robin, starting after the server of the last connection so that a dead
 * server is not retried first.
 *
 * A new list (`update`, the Java client's updateServerList with ZOOKEEPER-1355's probabilistic rebalancing)
 * decides whether this client must move so that the load evens out over the new list, and if so where the next
 * connection goes: to one of the servers new to the list with probability `pNew`, else to one of those it kept
 * (then round-robin again once each has been tried, or once connected).
 */
export class HostProvider {
  private list: Endpoint[];
  private index = -1;
  /** Index of the server of the last connection (-1 before the first): where a new pass starts, and who "we" are. */
  private connectedIndex = -1;
  private triedSinceConnect = 0;
  /** After an update that asks this client to move: the servers to pick from, new and kept, and the odds. */
  private move: { fresh: Endpoint[]; kept: Endpoint[]; pNew: number; freshTried: number; keptTried: number } | null = null;

  constructor(
    endpoints: readonly Endpoint[],
    private readonly randomize: boolean,
    private readonly random: () => number = Math.random,
  ) {
    this.list = this.order(endpoints);
  }

  get endpoints(): readonly Endpoint[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  /** The next endpoint to try, and whether every endpoint has been tried since the last success. */
  next(): { endpoint: Endpoint; passComplete: boolean } {
    const moving = this.move === null ? undefined : this.nextWhileMoving(this.move);
    if (moving !== undefined) {
      this.index = this.list.indexOf(moving);
      return { endpoint: moving, passComplete: false };
    }
    this.move = null;
    this.index = (this.index + 1) % this.list.length;
    this.triedSinceConnect++;
    return { endpoint: this.list[this.index], passComplete: this.triedSinceConnect > this.list.length };
  }

  /** A connection succeeded: a new pass starts with the next failure, and a move in progress is over. */
  connected(): void {
    this.triedSinceConnect = 0;
    this.connectedIndex = this.index;
    this.move = null;
  }

  /**
   * Takes a new list of servers (HostConnectionManager.updateServerList). Returns true when this client should
   * leave its server now: always when its server (`current`, or the server of its last connection) is not in the
   * new list; when the list grew, with the probability 1 - oldSize/newSize that moves the expected share of
   * clients to the new servers; never when it kept its server and the list did not grow. The next endpoints are
   * then drawn as ZOOKEEPER-1355 says: a new server with probability `pNew`, a kept one otherwise, where `pNew` is
   * 1 when the list grew and, when it shrank, what gives the kept servers their even share of the moving clients.
   *
   * @param current the server connected to now, if any
   * @param same whether two endpoints name the same server (default: same host string and port)
   */
  update(endpoints: readonly Endpoint[], current: Endpoint | null, same: (a: Endpoint, b: Endpoint) => boolean = sameEndpoint): boolean {
    if (endpoints.length === 0) throw new RangeError('the server list may not be empty');
    const oldList = this.list;
    const newList = this.order(endpoints);
    const mine = current ?? (this.connectedIndex >= 0 ? oldList[this.connectedIndex] : oldList[0]);
    const myServerStays = newList.some((e) => same(e, mine));
    const kept = newList.filter((e) => oldList.some((o) => sameEndpoint(o, e)));
    const fresh = newList.filter((e) => !oldList.some((o) => sameEndpoint(o, e)));

    let pNew: number | null = null;
    if (newList.length > oldList.length) {
      // More servers: each moves with the probability that leaves oldSize/newSize of the clients where they are.
      if (!myServerStays || this.random() <= 1 - oldList.length / newList.length) pNew = 1;
    } else if (!myServerStays) {
      // As many or fewer: only the clients of servers that left move, spread so that every server ends even.
      const denominator = newList.length * (oldList.length - kept.length);
      const pOld = denominator === 0 ? (fresh.length === 0 ? 1 : 0) : (kept.length * (oldList.length - newList.length)) / denominator;
      pNew = 1 - pOld;
    }

    const connectedTo = this.connectedIndex >= 0 ? oldList[this.connectedIndex] : undefined;
    this.list = newList;
    this.triedSinceConnect = 0;
    if (pNew === null) {
      this.move = null;
      // Round-robin goes on after our server in the new order (or from the start if it is not there).
      this.index = connectedTo === undefined ? -1 : newList.findIndex((e) => sameEndpoint(e, connectedTo));
      this.connectedIndex = this.index;
      return false;
    }
    this.move = { fresh, kept, pNew, freshTried: 0, keptTried: 0 };
    this.index = -1;
    this.connectedIndex = -1;
    return true;
  }

  /** HostConnectionManager.nextHostInReconfigMode: a new server with probability pNew (while untried ones remain), else a kept one. */
  private nextWhileMoving(move: NonNullable<HostProvider['move']>): Endpoint | undefined {
    const takeNew = this.random() <= move.pNew;
    if (move.freshTried < move.fresh.length && (takeNew || move.keptTried >= move.kept.length)) return move.fresh[move.freshTried++];
    if (move.keptTried < move.kept.length) return move.kept[move.keptTried++];
    return undefined;
  }

  private order(endpoints: readonly Endpoint[]): Endpoint[] {
    return this.randomize ? shuffle(endpoints, this.random) : [...endpoints];
  }
}

/** Two endpoints naming the same server as a connect string names it: the same host (case aside) and port. */
export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && a.host.toLowerCase() === b.host.toLowerCase();
}
