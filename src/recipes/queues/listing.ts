import { Observable, Subject, firstValueFrom, type Subscription } from 'rxjs';
import {
  AuthFailedError,
  ClientClosedError,
  ClientNotStartedError,
  NoNodeError,
  UnimplementedError,
  basename,
  isConnected,
  parentOf,
  type ConnectionState,
  type WatchedEvent,
  type ZooKeeperClient,
} from '../../index';
import { isLostReply } from '../kernel/proof';
import { compareEntries, orderEntries, parseEntry, type EntryName } from './entry-name';

/**
 * How long a listing outlives its last user: a loop of `get()` or `take()` calls, each a user for the span of one
 * call, lists the queue once rather than once a call (kazoo's `Queue.get` keeps its list in the queue object for
 * good, without a watch). After it, the watch is removed and the names forgotten.
 */
export const LINGER_MS = 5_000;

/** An entry's data as a read gave it, with the version a delete must name for that data to be what was taken. */
export interface EntryData {
  readonly data: Buffer;
  readonly version: number;
  /** Which node it was (its name may later be another's: see kernel/znodes isSameNode). */
  readonly czxid: bigint;
}

/** The listings of each client, by the node listed: one per client and path, shared by every queue object on it. */
const listings = new WeakMap<ZooKeeperClient, Map<string, Listing>>();

/**
 * The entries under one queue node as one client knows them, kept in the order they are taken (issue 20: drain in
 * linear time). Read once, then kept up to date by one persistent recursive watch on the node (addWatch,
 * ZooKeeper 3.6+): each NodeCreated and NodeDeleted of a child names it, so a take never lists the queue again —
 * where a one-shot children watch fires on every take and each re-read costs the whole list (2,000 names, then
 * 1,999, …). The server sends a session the event of a change before the reply of any request it answers after
 * that change, so an entry put before this client's next take decision is in the listing when the decision is made:
 * an entry of higher priority never waits behind one of lower priority still listed.
 *
 * Persistent watches are restored on a reconnect but the server does not replay what changed while the client was
 * away: on every (re)connection the node is listed again (after the watch, which the client restores before any
 * request), and no decision is made from the listing until that list has come (`ready`). On a server before 3.6
 * (addWatch unimplemented) it falls back to the client's shared children watch, read again on every change (what
 * the queues did before).
 *
 * Shared by every consumer and `get()` of the client on the node (one server watch), with the entries local takers
 * are taking right now (`claim`), which the others skip rather than race for, and the data a taker read ahead for
 * the next take (`remember`, forgotten on the entry's NodeDataChanged or NodeDeleted). It lingers {@link LINGER_MS}
 * after its last user, and ends at once when the client closes.
 *
 * A client that is not running (never started, closed, its credentials refused) refuses every request at once; so
 * does a listing started on it: it fails with the error the client's requests get (ClientNotStartedError,
 * ClientClosedError, AuthFailedError), and every user with it — a `get()`, and every consumer, whatever its timeout —
 * rather than wait for a connection that will not come. A refused listing is not kept: the next user after a start()
 * gets a new one.
 */
export class Listing {
  /** The listing of `dir` on `zk`, shared: made on first use. */
  static of(zk: ZooKeeperClient, dir: string): Listing {
    let byDir = listings.get(zk);
    if (byDir === undefined) listings.set(zk, (byDir = new Map()));
    const found = byDir.get(dir);
    if (found !== undefined && !found.ended) return found;
    const listing: Listing = new Listing(zk, dir, () => {
      if (byDir.get(dir) === listing) byDir.delete(dir);
    });
    byDir.set(dir, listing);
    return listing;
  }

  private readonly present = new Map<string, EntryName>();
  /** `present` in the order of {@link compareEntries}. */
  private sorted: EntryName[] = [];
  /** Where `sorted` starts: entries taken from the front are dropped by moving it (compacted once it is half the array). */
  private head = 0;
  private readonly claimed = new Set<string>();
  private readonly readAhead = new Map<string, Promise<EntryData | null>>();
  private readonly changes = new Subject<void>();
  private users = 0;
  private lingering: ReturnType<typeof setTimeout> | undefined;
  private running: Subscription[] = [];
  private started = false;
  private mode: 'events' | 'children' = 'events';
  private listedOnce = false;
  private connected = false;
  /** Bumped by each list sent: a reply to an older one is dropped. */
  private generation = 0;
  private isReady = false;
  private ended = false;
  /** Bumped on every change of the names, the claims or readiness. */
  private changeCount = 0;
  /**
   * Whether the client was open (not CLOSED) when the listing started: a ClientClosedError after that is the client
   * closing under its users (the listing ends: its consumers complete), before it a refusal (the listing fails).
   */
  private openAtStart = false;

  private constructor(
    private readonly zk: ZooKeeperClient,
    readonly dir: string,
    private readonly forgetMe: () => void,
  ) {}

  /**
   * Cold: while subscribed, the listing is kept (and started on the first subscriber); emits at once when it is
   * ready, then after every change of the entries, the local claims, or readiness. Completes when the client
   * closes; errors when the watch or the list fails for good.
   */
  readonly changes$: Observable<void> = new Observable<void>((subscriber) => {
    const release = this.use();
    const changes = this.changes.subscribe(subscriber);
    if (this.isReady) subscriber.next();
    return () => {
      changes.unsubscribe();
      release();
    };
  });

  /** True once the entries are known on the current connection (false while disconnected, until listed again). */
  get ready(): boolean {
    return this.isReady;
  }

  /** How many changes there have been: equal before and after a scan means nothing changed meanwhile. */
  get version(): number {
    return this.changeCount;
  }

  /** The number of entries known (claimed ones included). */
  get size(): number {
    return this.present.size;
  }

  /** Whether `name` is an entry known now. */
  has(name: string): boolean {
    return this.present.has(name);
  }

  /**
   * Keeps the listing (started if it was not) until the returned function is called: a `get()` holds it for its
   * span, and it then lingers for the next one.
   */
  hold(): () => void {
    return this.use();
  }

  /** Resolves at the next change (readiness included); rejects with ClientClosedError once the client closed. */
  nextChange(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const release = this.use();
      let settled = false;
      let subscription: Subscription | undefined;
      const settle = (finish: () => void): void => {
        if (settled) return;
        settled = true;
        subscription?.unsubscribe();
        release();
        finish();
      };
      subscription = this.changes.subscribe({
        next: () => settle(resolve),
        error: (err: unknown) => settle(() => reject(err)),
        complete: () => settle(() => reject(new ClientClosedError('the client closed'))),
      });
      if (settled) subscription.unsubscribe();
    });
  }

  /** Resolves once the listing is ready (at once when it is); rejects as {@link nextChange}. */
  async whenReady(): Promise<void> {
    while (!this.isReady) await this.nextChange();
  }

  /**
   * Resolves once every change made on the server before this call has reached the listing (as far as this client's
   * server has it, as any read): the listing's own list when it is being read, else one read of the node — the server
   * sends a session the events of the changes it applied before answering that session's next request. A consumer
   * starting on a listing kept from before fences it so that an entry another client put or released before the
   * call is seen (the old per-take list gave that); within a consumer, the events alone keep it up to date.
   */
  async fence(): Promise<void> {
    if (!this.isReady) return this.whenReady();
    try {
      await firstValueFrom(this.zk.exists(this.dir));
    } catch {
      // The connection dropped with it: the listing is read again once reconnected, which fences as well.
    }
    await this.whenReady();
  }

  /** The first entry in order that no local taker has claimed and `skip` does not refuse; `null` when none. */
  first(skip?: (name: string) => boolean): EntryName | null {
    for (let i = this.head; i < this.sorted.length; i++) {
      const entry = this.sorted[i];
      if (this.claimed.has(entry.name)) continue;
      if (skip?.(entry.name) === true) continue;
      return entry;
    }
    return null;
  }

  /** A local taker is taking `name`: the others skip it until {@link unclaim}. */
  claim(name: string): void {
    this.claimed.add(name);
  }

  /** Done with `name` (taken, or given up): the others may try it, and are told. */
  unclaim(name: string): void {
    if (this.claimed.delete(name) && this.present.has(name)) this.changed();
  }

  /** The read of `name`'s data made ahead, if any (`null` once it failed); forgotten on the entry's change or deletion. */
  readAheadOf(name: string): Promise<EntryData | null> | undefined {
    return this.readAhead.get(name);
  }

  /** Keeps a read of `name`'s data made ahead for its take (while it is an entry: forgotten when it changes or goes). */
  remember(name: string, read: Promise<EntryData | null>): void {
    if (this.present.has(name)) this.readAhead.set(name, read);
  }

  /** Drops what was read ahead for `name` (a delete found it changed). */
  forget(name: string): void {
    this.readAhead.delete(name);
  }

  private use(): () => void {
    this.users++;
    clearTimeout(this.lingering);
    this.lingering = undefined;
    if (!this.started && !this.ended) {
      this.started = true;
      this.start();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.users > 0 || this.ended) return;
      this.lingering = setTimeout(() => this.stop(), LINGER_MS);
      this.lingering.unref?.();
    };
  }

  private start(): void {
    this.mode = 'events';
    this.connected = false;
    this.openAtStart = this.zk.state !== 'CLOSED';
    // Not connected: maybe not running at all (the watch$ below would wait for a start).
    if (!isConnected(this.zk.state)) this.probe();
    // The watch first: a list sent after it (on every connection) goes behind addWatch on the session.
    this.keep(
      this.zk.watch$(this.dir, { recursive: true }).subscribe({
        next: (event) => this.onEvent(event),
        error: (err: unknown) => (err instanceof UnimplementedError ? this.useChildrenWatch() : this.failOrEnd(err)),
        complete: () => this.end(),
      }),
    );
    this.keep(this.zk.state$.subscribe((state) => this.onState(state)));
  }

  /**
   * Asks the client whether it refuses requests, with one (a sync of the node): refused at once when it is not
   * running — the listing then fails with the client's own error. A client started and not yet connected keeps it
   * waiting, and sends it once connected (its reply says nothing; it is one sync, only for a listing started while
   * disconnected); a client that stops meanwhile (closed, credentials refused) fails it then.
   */
  private probe(): void {
    this.keep(
      this.zk.sync(this.dir).subscribe({
        error: (err: unknown) => {
          if (err instanceof ClientNotStartedError || err instanceof ClientClosedError || err instanceof AuthFailedError) this.failOrEnd(err);
        },
      }),
    );
  }

  /** Fails the listing with `err`, or ends it when `err` says the client closed under it (see {@link openAtStart}). */
  private failOrEnd(err: unknown): void {
    if (err instanceof ClientClosedError && this.openAtStart) this.end();
    else this.fail(err);
  }

  /** Keeps a subscription until the listing ends (one made after it ended is let go at once). */
  private keep(subscription: Subscription): void {
    if (this.ended) subscription.unsubscribe();
    else this.running.push(subscription);
  }

  /** A server before 3.6: the shared children watch, its list read again on every change. */
  private useChildrenWatch(): void {
    if (this.ended) return;
    this.mode = 'children';
    this.generation++;
    this.keep(
      this.zk.watchChildren$(this.dir).subscribe({
        next: (names) => this.replace(names ?? []),
        error: (err: unknown) => this.failOrEnd(err),
        complete: () => this.end(),
      }),
    );
  }

  private onState(state: ConnectionState): void {
    if (state === 'CLOSED') {
      this.end();
      return;
    }
    // Credentials refused for good: the client refuses every request from now on, and so does the listing.
    if (state === 'AUTH_FAILED') this.probe();
    if (this.ended) return;
    const now = isConnected(state);
    if (now === this.connected) return;
    this.connected = now;
    if (this.mode !== 'events') return;
    if (!now) {
      // Changes made while away are not replayed to a persistent watch: nothing is decided until listed again.
      this.generation++;
      this.setReady(false);
      return;
    }
    this.list();
  }

  /** Lists the node on this connection (behind the watch, restored before any request); the reply replaces all. */
  private list(): void {
    const generation = ++this.generation;
    this.zk.getChildren(this.dir).subscribe({
      next: (names) => {
        if (generation === this.generation) this.replace(names);
      },
      error: (err: unknown) => {
        if (generation !== this.generation || this.ended) return;
        if (err instanceof NoNodeError) this.replace([]);
        // The connection dropped with it (the next connection lists again), or the reply was lost on a live one.
        else if (isLostReply(err)) {
          if (this.connected) this.list();
        } else this.failOrEnd(err);
      },
    });
  }

  private onEvent(event: WatchedEvent): void {
    if (this.mode !== 'events') return;
    if (event.path === this.dir) {
      // The queue node itself went (a container reaped, or deleted by hand): its children went before it.
      if (event.type === 'NodeDeleted' && this.present.size > 0) this.replace([]);
      return;
    }
    if (parentOf(event.path) !== this.dir) return;
    const name = basename(event.path);
    switch (event.type) {
      case 'NodeCreated':
        this.add(name);
        return;
      case 'NodeDeleted':
        this.remove(name);
        return;
      case 'NodeDataChanged':
        this.readAhead.delete(name);
        if (this.present.has(name)) this.changed();
        return;
      default:
        return;
    }
  }

  private add(name: string): void {
    const entry = parseEntry(name);
    if (entry === null || this.present.has(name)) return;
    this.present.set(name, entry);
    // Entries mostly arrive in order: at the end, else where the order puts them.
    const last = this.sorted.length > this.head ? this.sorted[this.sorted.length - 1] : undefined;
    if (last === undefined || compareEntries(last, entry) < 0) this.sorted.push(entry);
    else this.sorted.splice(this.indexOf(entry), 0, entry);
    this.changed();
  }

  private remove(name: string): void {
    const entry = this.present.get(name);
    this.readAhead.delete(name);
    if (entry === undefined) return;
    this.present.delete(name);
    // Mostly the first (taken in order): the front moves on, with no copy.
    if (this.sorted[this.head]?.name === name) {
      this.head++;
      if (this.head === this.sorted.length) {
        this.sorted = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.sorted.length) {
        this.sorted = this.sorted.slice(this.head);
        this.head = 0;
      }
    } else {
      const at = this.indexOf(entry);
      if (this.sorted[at]?.name === name) this.sorted.splice(at, 1);
      else {
        // Not where the order puts it (counters wrapped past 2^31 compare in a circle): found by name.
        this.sorted = this.sorted.slice(this.head).filter((e) => e.name !== name);
        this.head = 0;
      }
    }
    this.changed();
  }

  /** Where `entry` is, or goes, in `sorted` (binary search). */
  private indexOf(entry: EntryName): number {
    let lo = this.head;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(this.sorted[mid], entry) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private replace(names: readonly string[]): void {
    this.sorted = orderEntries(names);
    this.head = 0;
    this.present.clear();
    for (const entry of this.sorted) this.present.set(entry.name, entry);
    // A list read anew: what was read ahead may be stale (the version check would catch it; no need to try).
    this.readAhead.clear();
    this.listedOnce = true;
    this.isReady = true;
    this.changed();
  }

  private setReady(ready: boolean): void {
    if (this.isReady === ready) return;
    this.isReady = ready && this.listedOnce;
    this.changed();
  }

  private changed(): void {
    this.changeCount++;
    if (this.isReady) this.changes.next();
  }

  private fail(err: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.halt();
    this.changes.error(err);
  }

  /** The client closed: every user is told (their consumers end). */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.halt();
    this.changes.complete();
  }

  /** The last user left LINGER_MS ago: the watch goes, and the names with it. */
  private stop(): void {
    this.lingering = undefined;
    if (this.users > 0) return;
    this.ended = true;
    this.halt();
  }

  private halt(): void {
    clearTimeout(this.lingering);
    this.lingering = undefined;
    this.forgetMe();
    for (const s of this.running.splice(0)) s.unsubscribe();
    this.present.clear();
    this.sorted = [];
    this.head = 0;
    this.readAhead.clear();
    this.isReady = false;
    this.generation++;
  }
}
