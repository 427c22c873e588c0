import { InvalidArgumentError, validatePath } from '../../index';

/**
 * The names of a Curator queue's item nodes (curator-recipes `queue/`), and the order Curator's consumers take
 * them in. Every item node is a PERSISTENT_SEQUENTIAL child of the queue path whose name starts with
 * `queue-` (DistributedQueue.QUEUE_ITEM_NAME); what follows tells the kind:
 *
 * | kind     | name before the server's counter           | Curator's order                                  |
 * |----------|---------------------------------------------|--------------------------------------------------|
 * | plain    | `queue-`                                   | the names as strings (Collections.sort)          |
 * | priority | `queue-` + `1%08X` (≥ 0) or `0%08X` (< 0)  | the names as strings: lower priority first       |
 * | delay    | `queue-|%08X|` of the epoch ms              | by the epoch, none before it                     |
 * | id       | `queue-|<id>|` ('/' and '|' as '_')         | the names without `|<id>|`, as strings           |
 *
 * Names that do not start with `queue-` are foreign: Curator's consumers skip them ("Foreign node in queue
 * path"), and so do rxzk's.
 */
export const ITEM_PREFIX = 'queue-';

/** Curator's separator in delay and id names (DistributedDelayQueue/DistributedIdQueue.SEPARATOR). */
const SEPARATOR = '|';

/** How a queue's consumers order its nodes. */
export type QueueKind = 'plain' | 'priority' | 'delay' | 'id';

/** A node a consumer may take: its name, and when it may be handed out (ms since the epoch; 0: now). */
export interface Candidate {
  readonly name: string;
  readonly readyAt: number;
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/** A Java int priority, checked as a JavaScript caller may pass it. */
export function checkPriority(priority: unknown): number {
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < INT32_MIN || priority > INT32_MAX) {
    throw new InvalidArgumentError(`priority must be an integer from ${INT32_MIN} to ${INT32_MAX} (a Java int), not ${String(priority)}`);
  }
  return priority;
}

/**
 * DistributedPriorityQueue.priorityToString: the priority as 8 hex digits of its 32 bits, after `1` for one ≥ 0 and
 * `0` for a negative one, so that the names sort as the priorities do.
 *
 * @example
 * priorityName(5);  // 'queue-100000005'
 * priorityName(-1); // 'queue-0FFFFFFFF'
 */
export function priorityName(priority: number): string {
  return `${ITEM_PREFIX}${priority >= 0 ? '1' : '0'}${(priority >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** A delay's epoch (ms), checked: Curator refuses one ≤ 0 ("delayUntilEpoch cannot be negative"). */
export function checkDelayUntil(delayUntil: unknown): number {
  if (typeof delayUntil !== 'number' || !Number.isSafeInteger(delayUntil) || delayUntil <= 0) {
    throw new InvalidArgumentError(`delayUntil must be a positive integer of ms since the epoch, not ${String(delayUntil)}`);
  }
  return delayUntil;
}

/**
 * DistributedDelayQueue.epochToString: `|%08X|` of the epoch ms.
 *
 * @example
 * delayName(0x19a2b3c4d5e); // 'queue-|19A2B3C4D5E|'
 */
export function delayName(delayUntil: number): string {
  return `${ITEM_PREFIX}${SEPARATOR}${delayUntil.toString(16).toUpperCase().padStart(8, '0')}${SEPARATOR}`;
}

/**
 * The epoch of a delay name, between its last two separators, as DistributedDelayQueue.getEpoch reads it (hex,
 * `Long.parseLong(…, 16)`); 0 — take it now — for a name without one.
 */
export function epochOf(name: string): number {
  const second = name.lastIndexOf(SEPARATOR);
  const first = second > 0 ? name.lastIndexOf(SEPARATOR, second - 1) : -1;
  if (first <= 0 || second <= first + 1) return 0;
  const hex = name.slice(first + 1, second);
  if (!/^[+-]?[0-9a-fA-F]+$/.test(hex)) return 0;
  const epoch = parseInt(hex, 16);
  return Number.isSafeInteger(epoch) ? epoch : 0;
}

/**
 * DistributedIdQueue's id as it goes in a name (fixId: '/' and '|' become '_'), checked: Curator refuses an empty
 * one, and the name must be one ZooKeeper takes.
 */
export function checkId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0) throw new InvalidArgumentError(`id must be a non-empty string, not ${typeof id === 'string' ? "''" : String(id)}`);
  const fixed = id.replace(/[/|]/g, '_');
  try {
    validatePath(`/${idName(fixed)}`);
  } catch (err) {
    throw new InvalidArgumentError(`id ${JSON.stringify(id)} cannot be part of a node name: ${err instanceof Error ? err.message : String(err)}`);
  }
  return fixed;
}

/** DistributedIdQueue.makeIdPath: `queue-|<id>|`, for an id already fixed by {@link checkId}. */
export function idName(fixedId: string): string {
  return `${ITEM_PREFIX}${SEPARATOR}${fixedId}${SEPARATOR}`;
}

/**
 * DistributedIdQueue.parseId: the id between the first two separators, and the name without it (what the id queue
 * sorts by); a name without two separators is its own id and cleaned name, as Curator reads it.
 */
export function parseId(name: string): { id: string; cleaned: string } {
  const first = name.indexOf(SEPARATOR);
  const second = first < 0 ? -1 : name.indexOf(SEPARATOR, first + 1);
  if (first < 0 || second < 0) return { id: name, cleaned: name };
  return { id: name.slice(first + 1, second), cleaned: name.slice(0, first) + name.slice(second + 1) };
}

/**
 * The name a node is put back under when it is handed back (released): the name before the server's counter, so
 * that it keeps its priority, delay or id, at the end of the queue. (Curator 5.4's own requeue writes `queue-` for
 * the priority and delay queues, dropping both; its id queue keeps the id, as here.)
 */
export function requeueName(name: string): string {
  const last = name.lastIndexOf(SEPARATOR);
  if (last >= 0) return name.slice(0, last + 1);
  if (name.length >= 25 && /^queue-[01][0-9A-F]{8}/.test(name)) return name.slice(0, 15);
  return ITEM_PREFIX;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The item nodes among `names` in the order Curator's consumer of `kind` takes them (DistributedQueue.sortChildren
 * and its overrides), foreign names left out. JavaScript compares strings by UTF-16 code units, as Java's
 * String.compareTo does, so the orders are the same. Equal delays are taken in the order of their names (Curator:
 * in whatever order the server listed them).
 */
export function orderNodes(kind: QueueKind, names: readonly string[]): Candidate[] {
  const items = names.filter((n) => n.startsWith(ITEM_PREFIX));
  switch (kind) {
    case 'plain':
    case 'priority':
      return items.sort(byString).map((name) => ({ name, readyAt: 0 }));
    case 'id':
      return items
        .map((name) => ({ name, key: parseId(name).cleaned }))
        .sort((a, b) => byString(a.key, b.key) || byString(a.name, b.name))
        .map(({ name }) => ({ name, readyAt: 0 }));
    case 'delay':
      return items
        .map((name) => ({ name, readyAt: epochOf(name) }))
        .sort((a, b) => a.readyAt - b.readyAt || byString(a.name, b.name));
  }
}
