import { Observable, firstValueFrom, type Subscription } from 'rxjs';
import {
  ClientClosedError,
  ConnectionLossError,
  NoNodeError,
  OperationTimeoutError,
  SessionExpiredError,
  SessionMovedError,
  basename,
  isConnected,
  joinPath,
  sortBySequence,
  type CreateOptions,
  type Stat,
  type WatchedEvent,
  type ZooKeeperClient,
} from '../../index';
import { LockTimeoutError } from '../errors';
import type { Holding } from '../holding';
import { HeldNode } from '../kernel/held-node';
import { childrenOrEmpty, removeNode } from '../kernel/znodes';
import { retried, untilConnected } from '../kernel/retry';
import { silentFor } from '../kernel/silence';
import { boundedCleanup, raced, within, type Bounds, type WaitOptions } from '../kernel/wait';
import { WatchRelay } from '../kernel/watch-relay';
import { uniquePrefix, type NodeNaming } from './node-naming';

/** A sibling that competes: its name, its counter, and the marker its counter follows. */
export interface ContenderNode {
  readonly name: string;
  readonly sequence: number;
  readonly marker: string;
}

/** What a contender does, given the contenders in the server's order and its own place among them. */
export type Decision =
  /** It holds. */
  | { held: true }
  /** It waits for this sibling (by name) to go: the one whose going may let it in, never the first (no herd). */
  | { held: false; waitFor: string }
  /** It waits for any change of the list (a semaphore counting leases). */
  | { held: false; waitForChildren: true };

/**
 * One lock-like recipe's rules for the contender mechanism (Curator's
 * LockInternalsDriver): where the nodes go, what they are called, which
 * siblings compete, and when a contender holds.
 */
export interface ContenderSpec {
  readonly parent: string;
  readonly naming: NodeNaming;
  readonly data: Buffer;
  /** Markers after which a sibling's counter follows: every sibling with one is a contender (kazoo's, Curator's, rxzk's). */
  readonly markers: readonly string[];
  /**
   * Whether `contenders[own]` holds. It must look only at the contenders before `own`, and removing one of them must
   * never turn "held" into "waits": a waiter whose sibling went decides again on the list it has, less that sibling
   * (see {@link contend}), and that list may still name others that went meanwhile, never one it lacks.
   */
  decide(contenders: readonly ContenderNode[], own: number): Decision;
}

/**
 * Errors after which the wait starts its step again rather than failing: the connection dropped or the session
 * expired under a request (issue 17: a contender survives an expiry at any step). Whether our node is still ours is
 * decided afresh by the next listing, by its ephemeralOwner.
 */
function isTransient(err: unknown): boolean {
  return (
    err instanceof ConnectionLossError ||
    err instanceof SessionExpiredError ||
    err instanceof SessionMovedError ||
    err instanceof OperationTimeoutError
  );
}

/**
 * Contends for a place among the siblings of `spec.parent`, the one mechanism
 * under every lock-like recipe (Curator's LockInternals, with its round trips
 * pipelined):
 *
 * 1. an EPHEMERAL_SEQUENTIAL node named with a prefix unique to this create,
 *    under parents created as containers, AND the siblings' list, sent right
 *    behind the create without waiting for its reply: ZooKeeper answers one
 *    session's requests in order, so the list already shows the new node.
 *    Uncontended, acquiring is one round trip (Curator's LockInternals and
 *    kazoo's Lock wait for each of create, getChildren and their watch in
 *    turn). A list that does not show the node (the create was sent again:
 *    its parent was missing, or its reply was lost) is read again;
 * 2. the siblings ordered by their counter (a signed 32-bit number, in the
 *    order the server assigned it), never by name;
 * 3. held when `decide` says so, else a getData watch on the one sibling it
 *    names — getData, not exists, so a sibling already gone leaves no watch:
 *    one server watch per waiter, no herd. When that sibling goes, the
 *    waiter decides again on the list it has less that sibling: no sibling
 *    can join BEFORE it (the server numbers every later node after it), so
 *    that list lacks no one who could keep it waiting, and when it says
 *    "held" the waiter holds at once: a read of its own node, sent beside its
 *    first sibling watch, set the watch the Holding keeps on it, and a
 *    session's events come in the order of the changes, so that watch still
 *    silent proves the node there and ours — no round trip, where Curator's
 *    and kazoo's Lock read the list again (after a dropped connection, or any
 *    event of that watch, the node is read first). When it says "wait" (it
 *    may name siblings gone since), the list
 *    is read again. A recipe that waits for the list to change (a semaphore)
 *    reads it again at each change;
 * 4. a create whose reply was lost is found again by its prefix; a node
 *    owned by another session (an earlier one) is never taken as ours, and is
 *    removed (its name is this attempt's alone); a node that vanished while
 *    waiting (an expiry) is made again. Every read is retried across dropped
 *    connections AND expiries, and a step that still fails with one starts
 *    again on the next connection: an expiry at any step (the create in
 *    flight, the look-up by prefix, the listing, the watch) only makes the
 *    wait go on with a new node on the new session (issue 17);
 * 5. `timeout` bounds the whole wait, wake-ups included (`0` tries once), and
 *    `signal` aborts it: either way the node is removed before the error
 *    (connected, within kernel/wait's clean-up bound; else once back). A
 *    client closed meanwhile ends it with ClientClosedError (closing drops
 *    every watch unheard: the wait would never end).
 *
 * Cold: each subscription is one attempt. It emits the Holding once held and
 * never completes; unsubscribing removes the node (releasing the holding).
 */
export function contend(zk: ZooKeeperClient, spec: ContenderSpec, wait: WaitOptions = {}): Observable<Holding> {
  return new Observable<Holding>((subscriber) => startAttempt(zk, spec, wait, subscriber));
}

/** Who hears how an attempt ends: its Holding once held, or why it failed (an Observer of {@link contend}, or a Promise's). */
export interface AttemptSink {
  next(holding: Holding): void;
  error(err: unknown): void;
}

/**
 * One attempt, as {@link contend} makes on subscribe, without the Observable: what an awaited acquire runs (a lock
 * cycle's one attempt costs no Subscriber chain). Returns its teardown, which the caller owes once it is done with
 * the holding or the wait (releasing the one, removing the node of the other).
 */
export function startAttempt(zk: ZooKeeperClient, spec: ContenderSpec, wait: WaitOptions, sink: AttemptSink): () => void {
  const attempt = new Attempt(zk, spec, wait, sink);
  attempt.run();
  return () => attempt.teardown();
}

/** How a contender's node is made: ephemeral, sequential (the counter orders the contenders). */
const EPHEMERAL_SEQUENTIAL: CreateOptions = { ephemeral: true, sequential: true };
/** The same, its parents made first when missing, as containers (the server reaps them once empty). */
const WITH_PARENTS: CreateOptions = { ...EPHEMERAL_SEQUENTIAL, makePath: true, containerParents: true };

/** A contender's own node: its full path, and what the create answered (its czxid, its ephemeralOwner). */
interface Own {
  readonly path: string;
  readonly stat: Stat;
}

/** A decision to wait. */
type Waiting = Extract<Decision, { held: false }>;

/** What a look at the list found: hold, wait, or our node is gone (or not this session's). */
type Checked = Waiting | { held: true; own: Own } | 'gone';

/** What a wait ended with: held (our node proven ours, its watch set), look at the list again, or our node is gone. */
type Woken = { own: Own; watched: WatchRelay } | 'check' | 'gone';

/** A watch on our own node, set by a read (see Attempt's watchOwn): proof of the node while nothing has touched it. */
interface OwnWatch {
  readonly own: Own;
  readonly relay: WatchRelay;
  /** The read found our node, this session's. */
  mine: boolean;
  /** No drop of the connection since, and the read was answered. */
  trusted: boolean;
}

/** The contenders as last decided on, in the server's order, and our place among them: what a waiter decides again on. */
interface View {
  readonly contenders: readonly ContenderNode[];
  readonly index: number;
}

class Attempt {
  /** The wait's bounds (the caller's, and its own end: the subscriber left, the client closed), once it runs. */
  private bounds: Bounds | null = null;
  /** The node this attempt has on the server, once created: its full path, and what the create answered. */
  private own: Own | null = null;
  /** A create in flight: its node must be removed too if the attempt ends first. */
  private creating: Promise<void> | null = null;
  /** The prefix of a create that may have made a node this attempt has not adopted (its reply was lost, or is still coming). */
  private pendingPrefix: string | null = null;
  private holding: HeldNode | null = null;
  /** The list the last decision was made from: a watch armed on a different list would miss the change between. */
  private decidedOn: readonly string[] = [];
  /** The same, ordered, with our place: what a waiter decides again on when the sibling it watched goes. */
  private view: View | null = null;
  private closing: Subscription | undefined;
  /** The caller is done with it (teardown()): its end is reported to no one. */
  private tornDown = false;
  /** The watch on our own node set beside the first sibling watch (see {@link waitForSibling}), while it may prove the hand-off. */
  private ownWatch: OwnWatch | null = null;

  constructor(
    private readonly zk: ZooKeeperClient,
    private readonly spec: ContenderSpec,
    private readonly wait: WaitOptions,
    private readonly sink: AttemptSink,
  ) {}

  run(): void {
    within(
      this.wait,
      (bounds) => {
        this.bounds = bounds;
        return this.loop(bounds.once);
      },
      { late: (holding) => void holding.release().catch(() => undefined) },
    ).then(
      (holding) => {
        this.closing?.unsubscribe();
        this.sink.next(holding);
      },
      (err: unknown) => this.fail(err),
    );
  }

  /** The subscriber left: release what is held, remove what was put on the server. */
  teardown(): void {
    this.tornDown = true;
    this.closing?.unsubscribe();
    // Held: the wait is over already, nothing of it runs.
    if (this.holding !== null) void this.holding.release().catch(() => undefined);
    else {
      this.bounds?.end(new Error('unsubscribed'));
      void this.cleanup().catch(() => undefined);
    }
  }

  /** The wait's signal: every step that may wait races it (made when first read: an uncontended acquire never waits). */
  private get signal(): AbortSignal {
    return (this.bounds as Bounds).signal;
  }

  /** Whether the wait is over (its bound, the caller's signal, its own end), as `signal.aborted` without making it. */
  private get over(): boolean {
    return this.bounds?.over ?? true;
  }

  /**
   * From the first wait for a watch on: a client closed meanwhile ends the wait (closing drops every watch unheard, so
   * the event would never come). Requests need no such look: on a closed client they fail with ClientClosedError, so
   * an acquire that never waits (uncontended) subscribes to nothing.
   */
  private endOnClose(): void {
    if (this.closing !== undefined) return;
    const bounds = this.bounds as Bounds;
    this.closing = this.zk.state$.subscribe((state) => {
      // Across a reconnect the events of the two watches are restored in no order of ours (setWatches): no proof then.
      if (!isConnected(state) && this.ownWatch !== null) this.ownWatch.trusted = false;
      if (state === 'CLOSED') bounds.end(new ClientClosedError('the client closed while waiting'));
    });
  }

  /** Ends the body once the wait is over (with the reason it ended: no one sees it, the wait has settled). */
  private throwIfOver(): void {
    if (this.over) throw this.signal.reason;
  }

  private async loop(once: boolean): Promise<HeldNode> {
    for (;;) {
      // Some steps are not raced against the wait's end (a create, the list behind it, the read of our own node):
      // once it is over, nothing more is sent — above all no new node, which no clean-up would remove.
      this.throwIfOver();
      try {
        const decision = this.own === null ? await this.createAndCheck() : await this.check();
        if (decision === 'gone') {
          // Our node vanished (an expiry, or deleted by someone) or is an earlier session's: contend again with a new one.
          await this.abandon();
          continue;
        }
        if (decision.held) {
          const watched = this.takeOwnWatch();
          if (!this.heardTooLongAgo()) return this.hold(decision.own, watched);
          continue;
        }
        if (once) throw new LockTimeoutError(0, 'not free: tried once');
        const woken = await this.waitFor(decision);
        if (woken === 'gone') await this.abandon();
        else if (woken !== 'check' && !this.heardTooLongAgo()) return this.hold(woken.own, woken.watched);
      } catch (err) {
        if (this.over || !isTransient(err)) throw err;
        // A step met a dropped connection or an expiry its own retry did not cover: once connected, check again.
        await raced(untilConnected(this.zk), this.signal);
      }
    }
  }

  /**
   * Whether what says we hold may be old news: nothing has been heard from a server for the session timeout, as the
   * holding would find at its first look (kernel/silence). This process stalled (a pause, a long GC or task): the
   * event or reply it decided on may have waited in the socket while the server expired the session and gave the
   * node's turn to the next contender (the fault suite: a latch waiter paused past its session timeout led on a
   * NodeDeleted sent before the expiry, beside the leader that came after it). The loop then looks at the list
   * again: a request sent now, whose reply proves the session alive, or fails.
   */
  private heardTooLongAgo(): boolean {
    return silentFor(this.zk, this.zk.session?.timeout ?? 0);
  }

  /** Forgets this attempt's node and removes it if it is still there (an earlier session's: its name is ours alone). */
  private async abandon(): Promise<void> {
    const own = this.own;
    this.own = null;
    this.view = null;
    this.ownWatch = null;
    if (own !== null) await raced(removeNode(this.zk, own.path), this.signal);
  }

  /** Creates our node with the list sent right behind it, and decides on that list when it shows the node; else lists again. */
  private async createAndCheck(): Promise<Checked> {
    const { listing } = await this.create();
    // Not raced: it is answered right behind the create, which was (and cleanup() waits for the create anyway).
    const children = listing === null ? null : await listing;
    this.throwIfOver();
    if (children !== null) {
      const decided = this.decideOn(children);
      // Not in it: the list was read before the create that made it (sent again after a missing parent).
      if (decided !== 'gone') return decided;
    }
    return this.check();
  }

  /**
   * Creates this attempt's node, finding it by its prefix when the reply was lost. Gives the list of the siblings
   * sent right behind the first create (null when it failed) if that create's reply is what made the node ours;
   * null when the node came otherwise (found by its prefix, created again).
   */
  private async create(): Promise<{ listing: Promise<string[] | null> | null }> {
    const { parent, naming, data } = this.spec;
    const prefix = uniquePrefix(naming.style);
    const target = joinPath(parent, `${prefix}${naming.name}`);
    this.pendingPrefix = prefix;
    for (let first = true; ; first = false) {
      this.throwIfOver();
      // The first try assumes the parents are there (a lock's path is used again and again): awaited as it is, one
      // request; when they are not (NoNode), the next makes them, as containers (Curator's creatingParentContainersIfNeeded).
      const request: Promise<{ path: string; stat: Stat }> = first
        ? sentNow(this.zk.createWithStat(target, data, EPHEMERAL_SEQUENTIAL))
        : firstValueFrom(this.zk.createWithStat(target, data, WITH_PARENTS));
      // Sent behind the create in the same write, answered after it (a session's requests are answered in order).
      const listing = first
        ? sentNow(this.zk.getChildren(parent)).then(
            (children) => children,
            () => null,
          )
        : null;
      // Recorded even when it lands after the attempt has ended, so that cleanup() removes it.
      this.creating = request.then(
        (created) => this.adopt(created.path, created.stat),
        () => undefined,
      );
      try {
        // Not raced against the wait's end: a create in flight settles by itself (a reply, a lost connection, an
        // expiry, a close), and cleanup() waits for it whenever the wait ends; the next step sees the end.
        const created = await request;
        this.adopt(created.path, created.stat);
        return { listing };
      } catch (err) {
        if (this.over) throw err;
        if (err instanceof ConnectionLossError || err instanceof OperationTimeoutError) {
          // Applied or not? Look for the prefix once reconnected (ZOOKEEPER-1262), on whatever session that is.
          if ((await this.findByPrefix(prefix)) !== null) return { listing: null };
          continue;
        }
        // The session ended (its node with it), or the container parent was reaped between its creation and ours.
        if (err instanceof SessionExpiredError || err instanceof NoNodeError) continue;
        throw err;
      } finally {
        this.creating = null;
      }
    }
  }

  /**
   * The node a create with `prefix` made, if any; one owned by another session (the create landed, then the
   * session expired) is removed, never taken. Its reads go on across an expiry: the look-up is what tells.
   */
  private async findByPrefix(prefix: string): Promise<string | null> {
    const { parent } = this.spec;
    const children = await raced(childrenOrEmpty(this.zk, parent), this.signal);
    const name = children.find((c) => c.startsWith(prefix));
    if (name === undefined) return null;
    const path = joinPath(parent, name);
    const stat = await raced(retried(this.zk.exists(path)), this.signal);
    if (stat === null) return null;
    if (stat.ephemeralOwner !== this.zk.session?.id) {
      await removeNode(this.zk, path);
      return null;
    }
    this.adopt(path, stat);
    return path;
  }

  private adopt(path: string, stat: Stat): void {
    this.own = { path, stat };
    this.pendingPrefix = null;
  }

  /** Lists the contenders and decides; 'gone' when our node is not among them, or not this session's. */
  private async check(): Promise<Checked> {
    let children: string[];
    try {
      children = await raced(retried(this.zk.getChildren(this.spec.parent)), this.signal);
    } catch (err) {
      if (err instanceof NoNodeError) return 'gone';
      throw err;
    }
    return this.decideOn(children);
  }

  /** Decides on a list read after our node was made; 'gone' when our node is not in it, or not this session's. */
  private decideOn(children: string[]): Checked {
    const own = this.own;
    const name = own === null ? '' : basename(own.path);
    const contenders = sortBySequence(children, this.spec.markers);
    const index = contenders.findIndex((c) => c.name === name);
    // A node from an earlier session (CURATOR-604) is never ours, even under our name.
    if (index < 0 || own === null || own.stat.ephemeralOwner !== this.zk.session?.id) return 'gone';
    this.decidedOn = children;
    this.view = { contenders, index };
    const decision = this.spec.decide(contenders, index);
    return decision.held ? { held: true, own } : decision;
  }

  /**
   * Waits until the decision may have changed. For a sibling, it waits for it to go, then decides again without
   * it (see {@link contend}); held so, it holds on the watch it keeps on its own node ({@link watchOwn}), or else
   * reads its node once more. For the list, it waits for a change.
   */
  private async waitFor(decision: Waiting): Promise<Woken> {
    if (!('waitFor' in decision)) return this.waitForChildren();
    for (;;) {
      // Next in line (its going alone would let us in): watch our own node too, so that its going is the hand-off.
      const nextInLine = this.ownWatch === null && this.without(decision.waitFor)?.decision.held === true;
      const went = await this.waitForSibling(decision.waitFor, nextInLine);
      if (went === 'changed') continue; // its data changed: still there, watch it again
      if (went === 'check') return 'check';
      const next = this.decideWithout(decision.waitFor);
      // Held without it: proven by the watch on our own node, else by a read of it. Still waiting: for a sibling the list named then, which may
      // have gone long since (a queue of waiters each listed the others when it joined): chasing them one round
      // trip each would make the n-th hand-off cost n; one list tells at once.
      if (next === null || !next.held) return 'check';
      const watched = this.takeOwnWatch();
      return watched !== undefined ? { own: this.own as Own, watched } : this.proveOwn();
    }
  }

  /** A getData watch on the sibling: 'went' once it is gone (now or later), 'check' when something else happened. */
  private async waitForSibling(name: string, watchOwn: boolean): Promise<'went' | 'changed' | 'check'> {
    let wake!: (event: WatchedEvent) => void;
    const woken = new Promise<WatchedEvent>((resolve) => (wake = resolve));
    // In the same write, ahead of the sibling's: answered first, so it has settled when the sibling's reply comes.
    if (watchOwn) this.watchOwn();
    try {
      await raced(retried(this.zk.get(joinPath(this.spec.parent, name), { watch: (event) => wake(event) })), this.signal);
    } catch (err) {
      // Gone already: a sequential name is never made again, so it is gone for good.
      if (err instanceof NoNodeError) return 'went';
      if (err instanceof SessionExpiredError) return 'check';
      throw err;
    }
    // The watch went out on a newer session than our node's (the session expired between the decision and the
    // watch, and the request waited for the new one): our node is gone with the old session and no event of that
    // session will come. Decide again, which finds our node gone and makes a new one.
    if (!this.onOwnSession()) return 'check';
    this.endOnClose();
    const event = await raced(woken, this.signal);
    // Any other event (the session's expiry: the watch is gone then) means a look at the list.
    return event.type === 'NodeDeleted' ? 'went' : event.type === 'NodeDataChanged' ? 'changed' : 'check';
  }

  /** A child watch on the parent (a semaphore counting leases): returns at any change, and when the list already changed. */
  private async waitForChildren(): Promise<'check'> {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    try {
      const watched = await raced(retried(this.zk.getChildren(this.spec.parent, { watch: () => wake() })), this.signal);
      // The list changed between the decision and the watch (a lease released meanwhile): its event is gone, decide again.
      if (!sameNames(watched, this.decidedOn)) return 'check';
    } catch (err) {
      if (err instanceof NoNodeError || err instanceof SessionExpiredError) return 'check';
      throw err;
    }
    if (!this.onOwnSession()) return 'check';
    this.endOnClose();
    await raced(woken, this.signal);
    return 'check';
  }

  /** Whether the session now is the one our node belongs to. */
  private onOwnSession(): boolean {
    return this.own !== null && this.zk.session?.id === this.own.stat.ephemeralOwner;
  }

  /** The decision on the last list less `name` (a sibling that went); null without a list. */
  private decideWithout(name: string): Decision | null {
    const next = this.without(name);
    if (next === null) return null;
    this.view = next.view;
    return next.decision;
  }

  /** The last list less `name`, and the decision on it; null without a list. */
  private without(name: string): { view: View; decision: Decision } | null {
    const view = this.view;
    if (view === null) return null;
    const ownName = view.contenders[view.index].name;
    const contenders = view.contenders.filter((c) => c.name !== name);
    const index = contenders.findIndex((c) => c.name === ownName);
    if (index < 0) return null;
    return { view: { contenders, index }, decision: this.spec.decide(contenders, index) };
  }

  /**
   * A getData watch on our own node, set once per node by a read sent right before the watch on a sibling whose going
   * alone would let us in (no round trip of its own; further back in the queue a waiter keeps one server watch, and
   * decides on a new list when its sibling goes). It makes a hand-off cost no request (kazoo's and Curator's Lock read the list again):
   * a session's watch events come in the order the server applied their changes, so when the sibling's NodeDeleted
   * (or its NoNode reply) comes with this watch silent, our node was still there, ours, after that read — a node of a
   * live session (the event came on it) is gone only if deleted, which this watch would have told first. Whatever
   * the read found, and any event of this watch or drop of the connection, leaves the proof to {@link proveOwn}.
   */
  private watchOwn(): void {
    const own = this.own;
    if (own === null) return;
    const watch: OwnWatch = { own, relay: new WatchRelay(), mine: false, trusted: true };
    this.ownWatch = watch;
    // From now on a drop of the connection is seen (it marks the watch untrusted), the one before the replies too.
    this.endOnClose();
    sentNow(this.zk.get(own.path, { watch: watch.relay.watch })).then(
      ({ stat }) => (watch.mine = stat.ephemeralOwner === own.stat.ephemeralOwner && stat.czxid === own.stat.czxid),
      () => (watch.trusted = false),
    );
  }

  /** The watch on our own node, handed over to the holding when it still proves the node ours (see {@link watchOwn}); else undefined. */
  private takeOwnWatch(): WatchRelay | undefined {
    const watch = this.ownWatch;
    this.ownWatch = null;
    const proves = watch !== null && watch.own === this.own && watch.mine && watch.trusted && !watch.relay.fired && this.onOwnSession();
    return proves ? watch.relay : undefined;
  }

  /**
   * Held by deciding again without a sibling that went: the list was not read, so our own node is — with a getData
   * watch, the one the Holding keeps on it (no watch is left when it is gone). 'gone' when it is not there or not
   * this very node of this session (someone deleted it while we waited; the session expired).
   */
  private async proveOwn(): Promise<Woken> {
    const own = this.own;
    if (own === null) return 'check';
    const watched = new WatchRelay();
    let stat: Stat;
    try {
      // Awaited as it is (one request on the hand-off's path, no operator chain), and not raced: it is answered
      // within a round trip while connected, and a holding made after the wait's end is released (within's `late`).
      ({ stat } = await sentNow(this.zk.get(own.path, { watch: watched.watch })));
    } catch (err) {
      if (err instanceof NoNodeError) return 'gone';
      // What a retry mends: the loop's transient path looks again once connected (our node may be gone by then).
      throw err;
    }
    const mine = stat.ephemeralOwner === own.stat.ephemeralOwner && stat.czxid === own.stat.czxid && this.onOwnSession();
    return mine ? { own, watched } : 'gone';
  }

  private hold(own: Own, watched?: WatchRelay): HeldNode {
    const { path, stat } = own;
    this.holding = new HeldNode(
      this.zk,
      { node: path, czxid: stat.czxid, sessionId: stat.ephemeralOwner, sessionTimeout: this.zk.session?.timeout ?? 0 },
      'by-path',
      watched,
    );
    return this.holding;
  }

  /** Removes this attempt's node (and the one a create still in flight makes), then reports `err`. */
  private fail(err: unknown): void {
    this.closing?.unsubscribe();
    // Torn down: teardown() cleans up, and no one is listening.
    if (this.tornDown) return;
    void boundedCleanup(this.zk, this.cleanup()).then(() => this.sink.error(err));
  }

  private async cleanup(): Promise<void> {
    // A create in flight settles by itself (its reply, a lost connection, an expiry or a close): what it made goes too.
    if (this.creating !== null) await this.creating;
    const { own, pendingPrefix } = this;
    this.own = null;
    this.pendingPrefix = null;
    if (own !== null) await removeNode(this.zk, own.path);
    else if (pendingPrefix !== null) await this.removeByPrefix(pendingPrefix);
  }

  /** Removes whatever a create with `prefix` made (its reply never came): the prefix is this attempt's alone. */
  private async removeByPrefix(prefix: string): Promise<void> {
    const { parent } = this.spec;
    const children = await retried(this.zk.getChildren(parent)).catch(() => [] as string[]);
    // Whichever session made it (a create sent before an expiry lands on the old one): the prefix is ours.
    for (const name of children) if (name.startsWith(prefix)) await removeNode(this.zk, joinPath(parent, name));
  }
}

/**
 * An operation sent now, in this call (awaiting it sends it only a microtask later, after whatever is sent
 * meanwhile): the order of the pipelined requests is the order of the calls. Its reply as a Promise.
 */
function sentNow<T>(operation: PromiseLike<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => void operation.then(resolve, reject));
}

/** Whether two child lists name the same nodes (the server gives them in no set order). */
function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const names = new Set(b);
  return a.every((name) => names.has(name));
}
