import { InvalidArgumentError } from '../../index';
import { sortIdentifiers } from './member-names';

/** How a set of items is shared among members: each member's identifier to its items. */
export type PartitionFunction = (members: string[], items: string[]) => Record<string, string[]>;

/**
 * kazoo SetPartitioner's default (partitioner.py `_partitioner`): the items
 * and the members sorted, member `i` takes items `i, i + n, i + 2n, …`
 * (`all_partitions[i::len(workers)]`). Every member computes the same split.
 *
 * @example
 * roundRobin(['b', 'a'], ['x', 'y', 'z']); // { a: ['x', 'z'], b: ['y'] }
 */
export function roundRobin(members: string[], items: string[]): Record<string, string[]> {
  const workers = sortIdentifiers(members);
  const all = sortIdentifiers(items);
  const out: Record<string, string[]> = {};
  workers.forEach((w, i) => (out[w] = all.filter((_, k) => k % workers.length === i)));
  return out;
}

/**
 * The items of a partitioner, checked: each becomes a lock node name
 * (`<path>/locks/<item>`, as kazoo's `self._lock_path + "/" + str(member)`),
 * so it must be one path segment. Duplicates are dropped.
 */
export function checkItems(items: unknown): string[] {
  if (!Array.isArray(items)) throw new InvalidArgumentError('a Partitioner needs an array of items');
  for (const item of items as unknown[]) {
    if (typeof item !== 'string' || item.length === 0 || item === '.' || item === '..' || item.includes('/') || item.includes('\u0000')) {
      throw new InvalidArgumentError(`a partition item must be a non-empty node name (no '/'), not ${JSON.stringify(item)}`);
    }
  }
  return [...new Set(items as string[])];
}

/** This member's share as `partition` says, kept to the partitioner's items (a share naming others is ignored). */
export function shareOf(partition: PartitionFunction, members: string[], items: string[], identifier: string): string[] {
  const result = partition([...members], [...items]);
  if (typeof result !== 'object' || result === null) throw new InvalidArgumentError('a partition function must return an object of shares');
  const share = result[identifier] ?? [];
  if (!Array.isArray(share)) throw new InvalidArgumentError(`the share of ${identifier} must be an array of items`);
  const known = new Set(items);
  return [...new Set(share.filter((item) => known.has(item)))];
}
