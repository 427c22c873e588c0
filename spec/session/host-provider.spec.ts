// The host list and its rebalancing when it changes (issue 21 item 4): the Java client's
// HostConnectionManager.updateServerList (ZOOKEEPER-1355), simulated over many clients with a seeded random.
import { HostProvider } from '../../src/session/host-provider';
import type { Endpoint } from '../../src/transport/connect-string';

/** A small seeded generator (mulberry32): the same draws on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const server = (i: number): Endpoint => ({ host: `zk${i}`, port: 2181 });
const servers = (...ids: number[]): Endpoint[] => ids.map(server);
const name = (e: Endpoint): string => e.host;

/** `perServer` clients connected to each of `from`; each then gets `to`. Returns where every client is afterwards, and how many moved. */
function rebalance(from: Endpoint[], to: Endpoint[], perServer: number, random: () => number): { load: Map<string, number>; moved: number } {
  const load = new Map<string, number>(to.map((e) => [name(e), 0]));
  let moved = 0;
  for (const home of from) {
    for (let c = 0; c < perServer; c++) {
      const hosts = new HostProvider(from, true, random);
      // Connect it to `home`: the round-robin reaches it within one pass.
      let at: Endpoint;
      do at = hosts.next().endpoint;
      while (name(at) !== name(home));
      hosts.connected();
      const move = hosts.update(to, home);
      const now = move ? hosts.next().endpoint : home;
      if (move) moved++;
      load.set(name(now), (load.get(name(now)) ?? 0) + 1);
    }
  }
  return { load, moved };
}

describe('HostProvider.update (the Java client rebalancing rule)', () => {
  it('3 → 5 servers: each client moves with probability 1 - 3/5, to a new server, leaving every server about even', () => {
    const { load, moved } = rebalance(servers(1, 2, 3), servers(1, 2, 3, 4, 5), 2000, seeded(1));
    // 6000 clients; 2400 expected to move (sd ≈ 38); each of the five servers expects 1200 (sd < 35).
    expect(moved).toBeGreaterThan(2400 - 200);
    expect(moved).toBeLessThan(2400 + 200);
    for (const [, n] of load) expect(Math.abs(n - 1200)).toBeLessThan(200);
  });

  it('5 → 3 servers: the clients of the two that left all move at once, spread evenly over the three kept', () => {
    const { load, moved } = rebalance(servers(1, 2, 3, 4, 5), servers(1, 2, 3), 1200, seeded(2));
    expect(moved).toBe(2400); // exactly the clients of zk4 and zk5
    for (const [, n] of load) expect(Math.abs(n - 2000)).toBeLessThan(150); // 1200 stay + 800 expected to come
    expect([...load.values()].reduce((a, b) => a + b, 0)).toBe(6000);
  });

  it('a server replaced (zk3 → zk4, the same size): its clients move to the newcomer, the others stay', () => {
    const { load, moved } = rebalance(servers(1, 2, 3), servers(1, 2, 4), 1000, seeded(3));
    expect(moved).toBe(1000);
    // pOld = numOld·(oldSize − newSize) / (newSize·(oldSize − numOld)) = 0: every mover goes to the new server.
    expect(load.get('zk4')).toBe(1000);
    expect(load.get('zk1')).toBe(1000);
  });

  it('a client whose server stays and the list does not grow never moves', () => {
    const hosts = new HostProvider(servers(1, 2, 3, 4), true, seeded(4));
    const home = hosts.next().endpoint;
    hosts.connected();
    const others = servers(1, 2, 3, 4).filter((e) => name(e) !== name(home));
    expect(hosts.update([home, others[0], others[1]], home)).toBe(false);
  });

  it('while moving, every new server is tried before the kept ones, then round-robin over the new list', () => {
    const hosts = new HostProvider(servers(1, 2, 3), false, () => 0); // random 0: always move, always "new"
    hosts.next();
    hosts.connected();
    expect(hosts.update(servers(1, 2, 3, 4, 5), server(1))).toBe(true);
    const tried = [hosts.next(), hosts.next(), hosts.next(), hosts.next(), hosts.next(), hosts.next()].map((t) => t.endpoint.host);
    expect(tried.slice(0, 2).sort()).toEqual(['zk4', 'zk5']);
    expect(tried.slice(2, 5).sort()).toEqual(['zk1', 'zk2', 'zk3']);
    expect(new Set(servers(1, 2, 3, 4, 5).map(name)).has(tried[5])).toBe(true);
  });

  it('not connected: the server of the last connection counts as its own (it left: move)', () => {
    const hosts = new HostProvider(servers(1, 2), false, seeded(5));
    expect(hosts.next().endpoint.host).toBe('zk1');
    hosts.connected();
    expect(hosts.update(servers(2, 3), null)).toBe(true);
  });

  it('refuses an empty list', () => {
    expect(() => new HostProvider(servers(1), false).update([], null)).toThrow(RangeError);
  });
});
