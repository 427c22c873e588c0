/**
 * The nemesis: one fault every 2–4 s (by default), each on a target that has no fault running: a
 * client process (cut, partition, pause, expiry) or a server (kill -9, then restart; one server at a
 * time, so the ensemble keeps its quorum). Each fault writes its start and end on the shared clock.
 * Kinds come from a shuffled deck, refilled when empty, so that every kind comes up in turn.
 */
import type { StartedZooKeeper, ZooKeeperMember } from '../src/testing';
import type { ClientProcess } from './clients';
import type { FaultKind, HistoryWriter } from './history';
import type { Rng } from './rng';

/** How long each kind of fault lasts, in session timeouts (S) or ms. */
export function plannedDuration(kind: FaultKind, sessionTimeout: number, rng: Rng): number {
  const S = sessionTimeout;
  switch (kind) {
    case 'cut-short':
      return rng.between(0.25 * S, 0.6 * S); // back before the client's read timeout ends the session's hope
    case 'cut-long':
      return rng.between(1.5 * S, 2.5 * S); // the session expires on the server meanwhile
    case 'blackhole':
    case 'one-way-to-server':
    case 'one-way-to-client':
      return rng.between(0.5 * S, 2 * S); // some shorter than the session timeout, some longer
    case 'pause':
      return rng.between(1.5 * S, 2.5 * S); // past the session timeout: the case fencing tokens exist for
    case 'kill-leader':
    case 'kill-follower':
      return rng.between(1_000, 3_000); // down for that long, then restarted (a restart takes its own time)
    case 'expire':
      return 0;
  }
}

export interface NemesisOptions {
  kinds: readonly FaultKind[];
  /** How many cards of a kind the deck holds (default 1). */
  weights?: Partial<Record<FaultKind, number>>;
  /** Pause between two faults' starts, ms. */
  interval: [number, number];
  sessionTimeout: number;
  rng: Rng;
  history: HistoryWriter;
  log: (line: string) => void;
}

const CLIENT_FAULTS: ReadonlySet<FaultKind> = new Set(['cut-short', 'cut-long', 'blackhole', 'one-way-to-server', 'one-way-to-client', 'pause', 'expire']);

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Nemesis {
  private deck: FaultKind[] = [];
  private readonly busyClients = new Set<string>();
  private serverFault = false;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly ensemble: StartedZooKeeper,
    private readonly clients: readonly ClientProcess[],
    private readonly opts: NemesisOptions,
  ) {}

  /** Injects faults for `durationMs`, then waits until every fault has ended (healed). */
  async run(durationMs: number): Promise<void> {
    const end = Date.now() + durationMs;
    while (Date.now() < end) {
      this.startOne();
      await delay(this.opts.rng.between(...this.opts.interval));
    }
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Undoes whatever may still be in effect after an error: proxies accept, processes continue, servers run. */
  async healAll(): Promise<void> {
    for (const c of this.clients) {
      c.proxies.forEach((p) => p.accept());
      if (c.paused) c.resume();
    }
    await Promise.all(this.ensemble.members.filter((m) => !m.running).map((m) => m.start().catch(() => undefined)));
  }

  private shuffledDeck(): FaultKind[] {
    const cards = this.opts.kinds.flatMap((k) => Array<FaultKind>(this.opts.weights?.[k] ?? 1).fill(k));
    return this.opts.rng.shuffle(cards);
  }

  /**
   * Starts the first kind in the deck that has a free target. When none has (only server faults left
   * while one runs), a fresh deck goes behind it, so that a long restart does not stop the client faults.
   */
  private startOne(): void {
    if (this.deck.length === 0) this.deck = this.shuffledDeck();
    for (const attempt of [0, 1]) {
      if (attempt === 1) this.deck.push(...this.shuffledDeck());
      for (let i = 0; i < this.deck.length; i++) {
        const kind = this.deck[i];
        const fault = CLIENT_FAULTS.has(kind) ? this.clientFault(kind) : this.serverFaultOf(kind);
        if (fault === undefined) continue;
        this.deck.splice(i, 1);
        const p = fault.finally(() => this.running.delete(p));
        this.running.add(p);
        return;
      }
    }
  }

  private clientFault(kind: FaultKind): Promise<void> | undefined {
    const free = this.clients.filter((c) => !this.busyClients.has(c.name) && (kind !== 'expire' || c.session !== null));
    if (free.length === 0) return undefined;
    const c = this.opts.rng.pick(free);
    this.busyClients.add(c.name);
    const planned = plannedDuration(kind, this.opts.sessionTimeout, this.opts.rng);
    return this.clientFaultOn(kind, c, planned).finally(() => this.busyClients.delete(c.name));
  }

  private async clientFaultOn(kind: FaultKind, c: ClientProcess, planned: number): Promise<void> {
    const { history } = this.opts;
    const record = (what: 'start' | 'end' | 'error', detail?: string) =>
      history.record({ kind: 'fault', fault: kind, target: c.name, what, plannedMs: Math.round(planned), ...(detail ? { detail } : {}) });
    if (kind === 'expire') {
      const session = c.session;
      if (session === null) return;
      record('start', `session 0x${session.id.toString(16)}`);
      this.opts.log(`fault expire on ${c.name} (session 0x${session.id.toString(16)})`);
      try {
        await this.ensemble.expireSession({ session });
        record('end');
      } catch (err) {
        record('error', err instanceof Error ? err.message : String(err));
      }
      return;
    }
    const [apply, undo] = this.clientActions(kind, c);
    record('start');
    this.opts.log(`fault ${kind} on ${c.name} for ${Math.round(planned)} ms`);
    apply();
    try {
      await delay(planned);
    } finally {
      undo();
      record('end');
    }
  }

  private clientActions(kind: FaultKind, c: ClientProcess): [() => void, () => void] {
    const heal = () => c.proxies.forEach((p) => p.accept());
    switch (kind) {
      case 'cut-short':
      case 'cut-long':
        return [() => c.proxies.forEach((p) => p.refuse()), heal];
      case 'blackhole':
        return [() => c.proxies.forEach((p) => p.partition('both')), heal];
      case 'one-way-to-server':
        return [() => c.proxies.forEach((p) => p.partition('to-server')), heal];
      case 'one-way-to-client':
        return [() => c.proxies.forEach((p) => p.partition('to-client')), heal];
      case 'pause':
        return [() => c.pause(), () => c.resume()];
      default:
        throw new Error(`not a client fault: ${kind}`);
    }
  }

  private serverFaultOf(kind: FaultKind): Promise<void> | undefined {
    if (this.serverFault || this.ensemble.members.some((m) => !m.running)) return undefined;
    this.serverFault = true;
    const planned = plannedDuration(kind, this.opts.sessionTimeout, this.opts.rng);
    return this.killAndRestart(kind, planned).finally(() => {
      this.serverFault = false;
    });
  }

  private async killAndRestart(kind: FaultKind, planned: number): Promise<void> {
    const { history } = this.opts;
    let member: ZooKeeperMember | undefined;
    try {
      member = kind === 'kill-leader' ? await this.ensemble.leader(10_000) : await this.follower();
    } catch (err) {
      history.record({ kind: 'fault', fault: kind, target: 'ensemble', what: 'error', detail: err instanceof Error ? err.message : String(err) });
      return;
    }
    const target = `zk${member.id}`;
    history.record({ kind: 'fault', fault: kind, target, what: 'start', plannedMs: Math.round(planned) });
    await member.kill();
    this.opts.log(`fault ${kind} (${target}) for ${Math.round(planned)} ms`);
    await delay(planned);
    try {
      await member.start();
      history.record({ kind: 'fault', fault: kind, target, what: 'end' });
    } catch (err) {
      // Recorded, and tried once more: the run must not go on with a member down for good.
      history.record({ kind: 'fault', fault: kind, target, what: 'error', detail: err instanceof Error ? err.message : String(err) });
      await member.start();
      history.record({ kind: 'fault', fault: kind, target, what: 'end' });
    }
  }

  private async follower(): Promise<ZooKeeperMember> {
    for (const m of this.opts.rng.shuffle(this.ensemble.members)) {
      if ((await m.mode().catch(() => null)) === 'follower') return m;
    }
    throw new Error('no member says it follows');
  }
}
