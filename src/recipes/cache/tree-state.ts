import { basename, joinPath, parentOf, type Stat } from '../../index';
import type { CachedNode, TreeNodeEvent } from './types';

/**
 * Whether a read of a node is newer than what the cache holds. A re-created
 * node has a greater czxid (its version starts at 0 again, so the version
 * cannot tell: Curator commit 127efd5e); the same node changed has a greater
 * mzxid. A read answered after a later one (kazoo#645's TreeCache event-order
 * race) is never newer, so it cannot overwrite newer state.
 */
export function isNewer(read: Stat, held: Stat): boolean {
  return read.czxid > held.czxid || (read.czxid === held.czxid && read.mzxid > held.mzxid);
}

/** Whether a read of the same node, data unchanged, has a newer list of children (pzxid): its stat is stored, without an event. */
function hasNewerChildren(read: Stat, held: Stat): boolean {
  return read.czxid === held.czxid && read.mzxid === held.mzxid && read.pzxid > held.pzxid;
}

/**
 * The nodes of a cached subtree by full path, and the names of each node's
 * children, kept in step. Applying a read or a removal gives the event it
 * makes (or none when nothing changed).
 */
export class TreeState {
  private readonly nodes = new Map<string, CachedNode>();
  private readonly kids = new Map<string, Set<string>>();

  /** Counts every change, those without an event included (a parent's stat after a child came or went). */
  version = 0;

  constructor(private readonly root: string) {}

  get size(): number {
    return this.nodes.size;
  }

  get(path: string): CachedNode | undefined {
    return this.nodes.get(path);
  }

  /** The names of a cached node's children (sorted), or undefined when the node is not cached. */
  children(path: string): string[] | undefined {
    if (!this.nodes.has(path)) return undefined;
    return [...(this.kids.get(path) ?? [])].sort();
  }

  paths(): IterableIterator<string> {
    return this.nodes.keys();
  }

  /** A copy, for a snapshot that later changes do not touch. */
  copy(): Map<string, CachedNode> {
    return new Map(this.nodes);
  }

  /** Stores a node just read: NODE_ADDED when new, NODE_UPDATED when newer (czxid, mzxid), nothing otherwise. */
  put(path: string, node: CachedNode): TreeNodeEvent | null {
    const held = this.nodes.get(path);
    if (held !== undefined && !isNewer(node.stat, held.stat)) {
      if (hasNewerChildren(node.stat, held.stat)) {
        this.nodes.set(path, node);
        this.version++;
      }
      return null;
    }
    this.nodes.set(path, node);
    this.version++;
    if (held === undefined && path !== this.root) {
      const parent = parentOf(path);
      let names = this.kids.get(parent);
      if (names === undefined) this.kids.set(parent, (names = new Set()));
      names.add(basename(path));
    }
    return { type: held === undefined ? 'NODE_ADDED' : 'NODE_UPDATED', path, data: node.data, stat: node.stat };
  }

  /** Forgets a node and everything cached below it, deepest first: NODE_REMOVED for each, with its last data and stat. */
  remove(path: string): TreeNodeEvent[] {
    const removed: TreeNodeEvent[] = [];
    this.removeInto(path, removed);
    return removed;
  }

  private removeInto(path: string, removed: TreeNodeEvent[]): void {
    for (const name of this.kids.get(path) ?? []) this.removeInto(joinPath(path, name), removed);
    this.kids.delete(path);
    const held = this.nodes.get(path);
    if (held === undefined) return;
    this.nodes.delete(path);
    this.version++;
    if (path !== this.root) this.kids.get(parentOf(path))?.delete(basename(path));
    removed.push({ type: 'NODE_REMOVED', path, data: held.data, stat: held.stat });
  }
}
