import { randomUUID } from 'node:crypto';
import { firstValueFrom, type Observable, type Subscription } from 'rxjs';
import {
  ConnectionLossError,
  RolledBackError,
  OperationTimeoutError,
  SessionExpiredError,
  SessionMovedError,
  TimeoutError,
  joinPath,
  withRetry,
  type Transaction,
  type ZooKeeperClient,
} from '../../index';
import { OutcomeUnknownError } from '../errors';
import { removeNode } from './znodes';
import { SAME_SESSION, untilConnected } from './retry';

/**
 * The name every receipt starts with. No layout a recipe shares with Curator or kazoo reads a child so named, and
 * the receipts are placed where no reader of those layouts lists children (see {@link commitProven}).
 */
export const RECEIPT_PREFIX = 'rxzk-receipt-';

/**
 * Errors after which a write may or may not have been applied: it was sent, and its reply never came (ZooKeeper's
 * ConnectionLoss contract; likewise an operation timeout, or the client's own request timeout while the request is
 * still on its way). A SessionExpiredError is not one: a request refused as expired, or still queued when the
 * session ended, was never applied.
 */
export function isLostReply(err: unknown): boolean {
  return (
    err instanceof ConnectionLossError || err instanceof OperationTimeoutError || (err instanceof TimeoutError && err.kind === 'request')
  );
}

/** How {@link commitProven} settles its receipts and decides to send a write again. */
export interface ProvenOptions {
  /** Where the receipt's delete may ride on the client's next proven write (else it is deleted in the background). */
  readonly carry?: ReceiptCarry;
  /** Asked before each send after the first: `false` ends the write unsent (its path may name another node by then). */
  readonly stillMeant?: () => Promise<boolean>;
}

/**
 * The one rule of issue 17 for a write whose reply was lost: it is confirmed only with proof that it was THIS
 * client's write, never because the node now holds what it meant to write (another client may have written the
 * same bytes).
 *
 * The write's ops go in one transaction with the create of an EPHEMERAL receipt, `<receipts>/rxzk-receipt-<uuid>`,
 * unique to this try:
 * - the reply comes: applied. The receipt is deleted in the background (retried until gone; the caller does not
 *   wait for it), so nothing is left behind — or, given a {@link ReceiptCarry}, by the client's next proven write
 *   of the same turn of the event loop, in its transaction (the background delete otherwise, a turn later);
 * - a server error (a RolledBackError: BadVersion, NodeExists, NoNode…): nothing was applied; thrown as is (the
 *   receipt op is the last one, so `failedIndex` points into the caller's ops whenever one of them failed);
 * - SessionExpiredError: never applied (refused as expired, or still queued when the session ended): sent again
 *   once connected, on the new session; likewise SessionMovedError (refused by the leader: the session had moved
 *   to another server);
 * - the reply is lost ({@link isLostReply}): once connected, on the SAME session as the one the write went out on
 *   (no other session seen since), a `sync` (a follower may not have applied the leader's commit of the lost
 *   transaction yet) and an `exists` of the receipt decide: there, applied (and deleted); absent, not applied (a
 *   request that reaches the leader after the session moved to another server fails with SessionMoved), so the
 *   write is sent again. Once the session has changed, the receipt (an ephemeral) is gone whatever happened, and
 *   the outcome cannot be known: OutcomeUnknownError, its `cause` the lost reply's error.
 *
 * A write sent again names its nodes by path and version, as the first did: when the path may by then name another
 * node (a delete of a node read before: a container reaped and made again reuses its sequential names, and a new
 * node has version 0 too), `stillMeant` is asked before each send after the first, and a `false` ends it unsent.
 *
 * Resolves `true` once applied, `false` when `stillMeant` said it no longer was.
 *
 * Where receipts go is the caller's choice, by one rule: the written node itself or one of its ancestors (so the
 * receipt's parent exists whenever the write's own ops succeed), chosen so that no reader of the layout lists its
 * children — e.g. a counter's own node (no one lists a counter's children), but for a kazoo Queue the queue node's
 * PARENT, since a kazoo consumer takes every child of the queue node as an item.
 */
export async function commitProven(
  zk: ZooKeeperClient,
  receipts: string,
  build: (tx: Transaction) => Transaction,
  { carry, stillMeant }: ProvenOptions = {},
): Promise<boolean> {
  for (let first = true; ; first = false) {
    // Found not applied, refused as expired or moved: the fault suite saw a Queue take's delete, its reply lost and
    // never applied (another consumer's came first), sent again after the queue's node was reaped and made again —
    // it deleted the new node of the same name, and its item was lost while the other was given twice.
    if (!first && stillMeant !== undefined && !(await stillMeant())) return false;
    const receipt = joinPath(receipts, `${RECEIPT_PREFIX}${randomUUID()}`);
    const trail = new SessionTrail(zk);
    // Receipts of earlier writes still to delete: their deletes ride on this transaction (after the caller's ops).
    const carried = carry?.take() ?? [];
    try {
      const tx = build(zk.transaction());
      for (const earlier of carried) tx.delete(earlier);
      await firstValueFrom(tx.create(receipt, null, { ephemeral: true }).commit());
      settle(zk, receipt, carry);
      return true;
    } catch (err) {
      if (err instanceof SessionExpiredError || err instanceof SessionMovedError) {
        // Expired: the carried receipts (ephemerals) went with the session. Moved: they are still there.
        if (err instanceof SessionMovedError) carry?.giveBack(carried);
        await untilConnected(zk);
        continue;
      }
      if (err instanceof RolledBackError && carried.length > 0) {
        const first = err.results.length - 1 - carried.length;
        // A carried receipt was gone already (its session ended): the write again, without them.
        if (err.failedIndex >= first && err.failedIndex < first + carried.length) continue;
        carry?.giveBack(carried);
        throw err;
      }
      if (!isLostReply(err)) {
        carry?.giveBack(carried);
        throw err;
      }
      const verdict = await verify(zk, receipts, receipt, trail);
      // Not applied: the carried receipts are still there (a later session: gone with the earlier one).
      if (verdict === 'not-applied') carry?.giveBack(carried);
      if (verdict === 'unknown') throw new OutcomeUnknownError(receipts, undefined, { cause: err });
      if (verdict === 'applied') {
        settle(zk, receipt, carry);
        return true;
      }
      // Not applied: the same write again, with a new receipt.
    } finally {
      trail.stop();
    }
  }
}

/** A receipt whose write is settled: deleted by the next write that carries it, or in the background. */
function settle(zk: ZooKeeperClient, receipt: string, carry: ReceiptCarry | undefined): void {
  if (carry === undefined) forget(zk, receipt);
  else carry.giveBack([receipt]);
}

/**
 * The receipts of one client's settled writes whose delete has not been sent yet: the next proven write made
 * within the same turn of the event loop carries their deletes in its own transaction (issue 20: a queue drained
 * or filled one entry at a time otherwise pays a second transaction per entry, the receipt's own delete); those no
 * write took by the next turn are deleted in the background. Opt in per call of {@link commitProven} (the queues
 * do); a receipt may outlive its write by one turn of the event loop, never longer while connected.
 */
export class ReceiptCarry {
  private static readonly carries = new WeakMap<ZooKeeperClient, ReceiptCarry>();
  private pending: string[] = [];
  private flushing: ReturnType<typeof setImmediate> | undefined;

  private constructor(private readonly zk: ZooKeeperClient) {}

  /** The client's carry (one per client: a transaction can delete any path). */
  static of(zk: ZooKeeperClient): ReceiptCarry {
    let carry = ReceiptCarry.carries.get(zk);
    if (carry === undefined) ReceiptCarry.carries.set(zk, (carry = new ReceiptCarry(zk)));
    return carry;
  }

  /** Takes the receipts pending: the caller's transaction deletes them (or gives them back). */
  take(): string[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /** Receipts to delete: by the next write of this turn, else in the background. */
  giveBack(receipts: readonly string[]): void {
    if (receipts.length === 0) return;
    this.pending.push(...receipts);
    this.flushing ??= setImmediate(() => {
      this.flushing = undefined;
      for (const receipt of this.take()) forget(this.zk, receipt);
    });
  }
}

/** Whether the write that made `receipt` was applied, once connected on the session it was sent on. */
async function verify(zk: ZooKeeperClient, receipts: string, receipt: string, trail: SessionTrail): Promise<'applied' | 'not-applied' | 'unknown'> {
  const seen = await readOnSameSession(zk, trail, receipts, () => zk.exists(receipt));
  if (seen === 'unknown') return 'unknown';
  return seen.value !== null ? 'applied' : 'not-applied';
}

/**
 * The proof's read: once connected, on the one session the lost write went out on (`trail`'s only one, and still the
 * client's), a `sync` of `syncPath` (a follower may not have applied the leader's commit of the lost write yet),
 * then `read`. 'unknown' once that session has ended, before or during the read: an ephemeral receipt is gone then
 * whatever happened. A read retried across a dropped connection stays on the session (SAME_SESSION).
 */
export async function readOnSameSession<T>(
  zk: ZooKeeperClient,
  trail: SessionTrail,
  syncPath: string,
  read: () => Observable<T>,
): Promise<{ value: T } | 'unknown'> {
  await untilConnected(zk);
  const session = trail.only;
  if (session === null || zk.session?.id !== session) return 'unknown';
  try {
    await firstValueFrom(zk.sync(syncPath).pipe(withRetry(SAME_SESSION)));
    const value = await firstValueFrom(read().pipe(withRetry(SAME_SESSION)));
    // A retry may have gone out on a later session, where the receipt is gone whatever happened.
    if (trail.only !== session) return 'unknown';
    return { value };
  } catch (err) {
    if (err instanceof SessionExpiredError) return 'unknown';
    throw err;
  }
}

/** Deletes a receipt in the background, retried until it is gone (an expiry or a close removes it anyway). */
function forget(zk: ZooKeeperClient, receipt: string): void {
  removeNode(zk, receipt).catch(() => undefined);
}

/** The sessions the client has had since a write was made: one only means the write and its proof share it. */
export class SessionTrail {
  private readonly ids = new Set<bigint>();
  private readonly subscription: Subscription;

  constructor(zk: ZooKeeperClient) {
    this.subscription = zk.session$.subscribe((session) => {
      if (session !== null) this.ids.add(session.id);
    });
  }

  /** The one session seen since the start; null when there were several (or none). */
  get only(): bigint | null {
    if (this.ids.size !== 1) return null;
    const [id] = this.ids;
    return id;
  }

  stop(): void {
    this.subscription.unsubscribe();
  }
}
