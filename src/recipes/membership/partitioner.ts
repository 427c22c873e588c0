import { Observable } from 'rxjs';
import { InvalidArgumentError, joinPath, type ZooKeeperClient } from '../../index';
import { checkClient, defaultIdentifier, optionsObject, recipePath } from '../kernel/arguments';
import { checkShallowIdentifier } from './member-names';
import { checkItems, roundRobin, type PartitionFunction } from './partition';
import { PartitionRun, type PartitionEvent } from './partition-run';
import { Party } from './party';

/** Options of a {@link Partitioner}. */
export interface PartitionerOptions {
  /** This member's identifier (default `<hostname>:<pid>`); it is part of its party node's name. */
  identifier?: string;
  /** How the items are shared (default kazoo's: round-robin over the sorted identifiers). Every member must pass the same one. */
  partition?: PartitionFunction;
  /** How long (ms) the membership must stay unchanged before allocating (kazoo's `time_boundary`; default 30000). */
  settle?: number;
}

/** The keys of {@link PartitionerOptions}. */
const PARTITIONER_OPTIONS: Record<keyof PartitionerOptions, true> = { identifier: true, partition: true, settle: true };

function checkOptions(opts: unknown): { identifier: string; partition: PartitionFunction; settle: number } {
  const { identifier, partition, settle } = optionsObject(opts, 'Partitioner', PARTITIONER_OPTIONS);
  if (identifier !== undefined && typeof identifier !== 'string') throw new InvalidArgumentError('a partitioner identifier must be a string');
  if (partition !== undefined && typeof partition !== 'function') throw new InvalidArgumentError('partition must be a function');
  if (settle !== undefined && (typeof settle !== 'number' || !Number.isFinite(settle) || settle < 0 || settle > 0x7fffffff)) {
    throw new InvalidArgumentError(`settle must be a number of ms, not ${String(settle)}`);
  }
  const id = identifier ?? defaultIdentifier();
  checkShallowIdentifier(id);
  return { identifier: id, partition: (partition as PartitionFunction | undefined) ?? roundRobin, settle: settle ?? 30_000 };
}

/**
 * Shares a set of items among the members of a group, each item owned by
 * one member at a time, on kazoo's SetPartitioner layout: the members are a
 * ShallowParty at `<path>/party` (`<uuid hex>-<identifier>`), and each item
 * is a kazoo Lock at `<path>/locks/<item>` (`<uuid hex>__lock__<seq>`), so a
 * kazoo 2.8 SetPartitioner on the same path and items shares them with
 * rxzk's members and never owns an item at the same time.
 *
 * @example
 * const shards = new Partitioner(zk, '/partitions/shards', ['s0', 's1', 's2', 's3'], { settle: 5_000 });
 * shards.partitions$().pipe(
 *   switchMap((p) => (p.state === 'ACQUIRED' ? consume(p.items) : EMPTY)),
 * ).subscribe();
 */
export class Partitioner {
  private readonly path: string;
  private readonly items: string[];
  private readonly options: { identifier: string; partition: PartitionFunction; settle: number };

  /**
   * A partitioner of `items` among the members at `path` (kazoo's SetPartitioner layout). Nothing is sent
   * until `partitions$()` is subscribed.
   *
   * @example
   * const shards = new Partitioner(zk, '/partitions/shards', ['s1', 's2', 's3'], { settle: 5_000 });
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    path: string,
    items: string[],
    opts?: PartitionerOptions,
  ) {
    checkClient(zk, 'Partitioner');
    this.path = recipePath(path);
    this.items = checkItems(items);
    this.options = checkOptions(opts);
  }

  /** This member's identifier. */
  get identifier(): string {
    return this.options.identifier;
  }

  /**
   * Cold: joins on subscribe and reports `ALLOCATING`, `ACQUIRED` (with this
   * member's share, once every lock of it is held), `RELEASE` (said before
   * the locks are let go: stop using the share) and `FAILURE` (the session
   * expired; it joins again on the new one and allocates again). The
   * membership must stay unchanged for `settle` ms before allocating; a
   * change of it, a dropped connection or a lost lock leads to RELEASE, then
   * ALLOCATING. Unsubscribing releases the locks and leaves the party;
   * it completes when the client closes.
   *
   * @example
   * partitioner.partitions$().subscribe(({ state, items }) => console.log(state, items));
   */
  partitions$(): Observable<PartitionEvent> {
    return new Observable<PartitionEvent>((subscriber) => {
      const party = new Party(this.zk, joinPath(this.path, 'party'), { identifier: this.options.identifier, shallow: true });
      const run = new PartitionRun(
        { zk: this.zk, party, locksPath: joinPath(this.path, 'locks'), items: this.items, ...this.options },
        subscriber,
      );
      run.start();
      return () => run.teardown();
    });
  }
}
