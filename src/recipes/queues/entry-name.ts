import { InvalidArgumentError, compareSequence, sequenceNumber } from '../../index';
import { optionsObject } from '../kernel/arguments';

/** kazoo's default priority (queue.py `put(value, priority=100)`). */
export const DEFAULT_PRIORITY = 100;

/** What kazoo accepts: an int from 0 to 999, written as three digits (queue.py `_check_put_arguments`). */
export function checkPriority(priority: unknown): number {
  if (priority === undefined) return DEFAULT_PRIORITY;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > 999) {
    throw new InvalidArgumentError(`priority must be an integer from 0 to 999, not ${String(priority)}`);
  }
  return priority;
}

/** The keys of a put's options. */
const PUT_OPTIONS: Record<'priority', true> = { priority: true };

/** A put's options, checked as a JavaScript caller may give them. */
export function checkPutOptions(opts: unknown): { priority: number } {
  return { priority: checkPriority(optionsObject(opts, 'put', PUT_OPTIONS).priority) };
}

/**
 * The name a new entry is created under, before the server appends its
 * counter: kazoo's `entry-<priority:03d>-` (queue.py, Queue.put and
 * LockingQueue.put write the same), e.g. `entry-005-` then `entry-005-0000000001`.
 */
export function entryPrefix(priority: number): string {
  return `entry-${String(priority).padStart(3, '0')}-`;
}

/** An entry as its name tells: its priority, and the counter the server gave it. */
export interface EntryName {
  readonly name: string;
  readonly priority: number;
  readonly sequence: number;
}

const ENTRY = /^entry-(\d{3})-/;

/** The priority and counter of `entry-PPP-<seq>`; `null` for any other child (not an entry). */
export function parseEntry(name: string): EntryName | null {
  const match = ENTRY.exec(name);
  if (match === null) return null;
  // The counter follows the prefix; a wrapped one is negative (`entry-100--2147483648`).
  const sequence = sequenceNumber(name, match[0]);
  if (sequence === null) return null;
  return { name, priority: Number(match[1]), sequence };
}

/**
 * The entries among `names`, in the order they are taken: lower priority
 * first, then by the server's counter (FIFO within a priority). Never by name
 * alone: kazoo sorts the names as strings (queue.py `sorted(children)`), which
 * puts a wrapped counter (`…-2147483648`, ZOOKEEPER-2944) before
 * `…0000000001` of the same priority (kazoo#606's bug, in its queue).
 */
export function orderEntries(names: readonly string[]): EntryName[] {
  const entries: EntryName[] = [];
  for (const name of names) {
    const entry = parseEntry(name);
    if (entry !== null) entries.push(entry);
  }
  return entries.sort(compareEntries);
}

/** The order entries are taken in: lower priority first, then the server's counter, then the name (see {@link orderEntries}). */
export function compareEntries(a: EntryName, b: EntryName): number {
  return a.priority - b.priority || compareSequence(a.sequence, b.sequence) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
