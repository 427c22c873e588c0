import { BehaviorSubject, Observable, lastValueFrom } from 'rxjs';
import { joinPath } from '../../index';
import { LockLostError } from '../errors';
import { raced } from '../kernel/wait';
import type { Holding, HoldingState } from '../holding';
import type { HeldNode } from '../kernel/held-node';
import type { QueueEntry } from '../queues/queue-entry';
import { putNode, type QueueCore } from './core';
import { serializeItems } from './item-format';
import { requeueName } from './layout';

/**
 * One item node a consumer has taken, and the items it holds (one from `put`, several from `putMulti`), handed out
 * one at a time:
 * - with a lock (`lockPath`): the node stays in the queue, locked, until every item of it is acked — the last ack
 *   deletes node and lock in one transaction; a release of any item hands the whole node back, to the end of the
 *   queue (Curator's REQUEUE: delete and create again in one transaction, under the lock); a lock lost (the
 *   session ended) hands it back by itself. At least once.
 * - without: the node was deleted before its first item was handed out; ack and release do nothing. At most once.
 * Items not yet handed out when the consumer stops go back to the end of the queue, as a node of their own.
 */
export class TakenNode {
  /** Ended: every item acked, the node handed back, or its lock lost. */
  private ended = false;

  constructor(
    private readonly core: QueueCore,
    /** The node's name, `queue-…`. */
    readonly name: string,
    /** The node's bytes as read (Curator's item format). */
    private readonly bytes: Buffer,
    readonly items: readonly Buffer[],
    /** The node's czxid: the fencing token of its items. */
    private readonly czxid: bigint,
    readonly lock: HeldNode | null,
  ) {}

  private get path(): string {
    return joinPath(this.core.dir, this.name);
  }

  /**
   * Hands the items out in order through `emit`, each once the one before is settled (acked, released, or its lock
   * lost); resolves once the node is done with. Once `stopped`, the items not yet handed out go back.
   */
  async deliver(emit: (entry: QueueEntry) => void, stopped: AbortSignal): Promise<void> {
    for (let i = 0; i < this.items.length; i++) {
      if (this.ended || this.left()) return;
      if (stopped.aborted) {
        await this.handBack(i);
        return;
      }
      const entry = new ItemEntry(this, i, this.items[i]);
      emit(entry);
      // Without a lock the entry in hand is the taker's alone: once stopped, the rest goes back at once rather than
      // waiting for an ack that may never come (`take$().pipe(take(1))` acks nothing), which would lose it.
      await (this.lock === null ? raced(entry.settled, stopped).catch(() => undefined) : entry.settled);
    }
  }

  /** Whether the node was left in the queue: its lock was lost (the session ended), so anyone may take it again. */
  left(): boolean {
    return this.lock !== null && this.lock.state === 'LOST';
  }

  /** Undoes a take whose taker left before anything was handed out: the whole node goes back. */
  async undo(): Promise<void> {
    await this.handBack(0);
  }

  /** The Holding an entry shows: the lock, or (without one) the entry's own. */
  holdingOf(entry: ItemEntry): Holding {
    return this.lock ?? entry.local(this.path, this.czxid);
  }

  async ack(index: number): Promise<void> {
    if (this.lock === null) return;
    if (this.ended || this.lock.state === 'LOST') throw new LockLostError(this.lock);
    if (index < this.items.length - 1) return;
    this.ended = true;
    await this.lock.removeWith([this.path]);
  }

  async release(): Promise<void> {
    if (this.lock === null) return;
    if (this.ended || this.lock.state === 'LOST') throw new LockLostError(this.lock);
    this.ended = true;
    await this.lock.removeWith([this.path], [{ path: joinPath(this.core.dir, requeueName(this.name)), data: this.bytes }]);
  }

  /** Puts back the items from `from` on (all of them: the node as it was), at the end of the queue. */
  private async handBack(from: number): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const rest = from === 0 ? this.bytes : serializeItems(this.items.slice(from));
    const name = requeueName(this.name);
    if (this.lock === null) {
      if (from < this.items.length) await putNode(this.core, name, rest);
      return;
    }
    // Nothing left to hand back: the items before were acked, so the node goes as an ack would take it.
    if (from >= this.items.length) await this.lock.removeWith([this.path]);
    else await this.lock.removeWith([this.path], [{ path: joinPath(this.core.dir, name), data: rest }]);
  }
}

/** One item of a taken node, as a consumer holds it. */
class ItemEntry implements QueueEntry {
  /** The ack or release under way (each idempotent; the other one then rejects). */
  private finishing: { op: 'ack' | 'release'; done: Promise<void> } | null = null;
  private own: LocalHolding | null = null;
  private settle!: () => void;
  /** Settles once this entry is acked or released (either way), or its lock is lost: the next may be handed out. */
  readonly settled: Promise<void>;

  constructor(
    private readonly node: TakenNode,
    /** Its place in its node (0 for a single put). */
    readonly index: number,
    readonly data: Buffer,
  ) {
    this.settled = new Promise<void>((resolve) => (this.settle = resolve));
    const lock = node.lock;
    if (lock !== null) void lastValueFrom(lock.state$, { defaultValue: undefined }).then(() => this.settle());
  }

  get name(): string {
    return this.node.name;
  }

  get lock(): Holding {
    return this.node.holdingOf(this);
  }

  get signal(): AbortSignal {
    return this.lock.signal;
  }

  ack(): Promise<void> {
    return this.finish('ack', () => this.node.ack(this.index));
  }

  release(): Promise<void> {
    return this.finish('release', () => this.node.release());
  }

  async holdsLock(): Promise<boolean> {
    const lock = this.node.lock;
    if (lock === null) return this.finishing === null;
    return this.finishing === null && (await lock.holds());
  }

  /** Without a lock: the entry's own Holding (HELD until acked or released). */
  local(node: string, czxid: bigint): LocalHolding {
    this.own ??= new LocalHolding(node, czxid, () => this.release());
    return this.own;
  }

  private finish(op: 'ack' | 'release', run: () => Promise<void>): Promise<void> {
    if (this.finishing !== null) {
      const lock = this.node.lock;
      if (this.finishing.op === op) return this.finishing.done;
      return Promise.reject(new LockLostError(this.lock, `${lock?.node ?? this.name} was already ${this.finishing.op}ed`));
    }
    const done = run().finally(() => {
      this.own?.end();
      this.settle();
    });
    this.finishing = { op, done };
    return done;
  }
}

/**
 * Without a lock path, an item taken is this consumer's alone (its node already deleted): a Holding that is HELD
 * until the entry is acked or released, then RELEASED — never SUSPENDED or LOST, since nothing on the server can take
 * it back. `node` is the item node's path, its fencing token the node's czxid.
 */
class LocalHolding implements Holding {
  private readonly states = new BehaviorSubject<HoldingState>('HELD');
  private readonly controller = new AbortController();

  constructor(
    readonly node: string,
    readonly fencingToken: bigint,
    private readonly letGo: () => Promise<void>,
  ) {}

  get state$(): Observable<HoldingState> {
    return new Observable<HoldingState>((subscriber) => {
      if (this.states.value !== 'RELEASED') return this.states.subscribe(subscriber);
      subscriber.next('RELEASED');
      subscriber.complete();
      return undefined;
    });
  }

  get state(): HoldingState {
    return this.states.value;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  release(): Promise<void> {
    return this.letGo().catch(() => undefined);
  }

  end(): void {
    if (this.states.value === 'RELEASED') return;
    this.states.next('RELEASED');
    this.states.complete();
    this.controller.abort(new Error(`${this.node} was released`));
  }
}

