import type { ContenderNode, Decision } from '../contender/contender';

/**
 * The markers a reader's counter follows: Curator InterProcessReadWriteLock's
 * READ_LOCK_NAME (`__READ__`) and kazoo ReadLock's `_NODE_NAME` (`__rlock__`).
 */
export const READ_MARKERS = ['__READ__', '__rlock__'] as const;

/**
 * The markers a writer's counter follows: Curator's WRITE_LOCK_NAME
 * (`__WRIT__`) and kazoo WriteLock's `__lock__` (a plain kazoo Lock on the
 * same path writes the same name, and excludes like a writer).
 */
export const WRITE_MARKERS = ['__WRIT__', '__lock__'] as const;

/** Every contender of a read/write lock, readers and writers, in the server's order. */
export const READ_WRITE_MARKERS = [...READ_MARKERS, ...WRITE_MARKERS] as const;

const isWriter = (node: ContenderNode): boolean => (WRITE_MARKERS as readonly string[]).includes(node.marker);

/**
 * A reader holds when no writer is before it, readers before it or not
 * (readers share); else it waits for the NEAREST writer before it — not the
 * first, as Curator's readLockPredicate does (children.get(firstWriteIndex)),
 * which wakes every reader at once when that writer goes. A writer queued
 * before a reader is before it whether or not it holds yet, so a reader
 * never overtakes a waiting writer (no writer starves).
 */
export function readerDecides(contenders: readonly ContenderNode[], own: number): Decision {
  for (let i = own - 1; i >= 0; i--) if (isWriter(contenders[i])) return { held: false, waitFor: contenders[i].name };
  return { held: true };
}

/** A writer excludes everyone: it holds when first, and waits for the contender just before it, reader or writer. */
export function writerDecides(contenders: readonly ContenderNode[], own: number): Decision {
  return own === 0 ? { held: true } : { held: false, waitFor: contenders[own - 1].name };
}
