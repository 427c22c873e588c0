import type { TreeCacheSelector } from './types';

/**
 * Which nodes of the subtree a TreeCache holds: Curator's TreeCache rules for `maxDepth` and its TreeCacheSelector.
 * Curator reads a node's children only when `depth < maxDepth && selector.traverseChildren(path)` (TreeNode.refresh)
 * and keeps a child only when `selector.acceptChild(childPath)` (processResult, CHILDREN); the root (depth 0) is
 * always kept. So a node is held exactly when every ancestor from the root down is traversed and every node from the
 * root's child down to it accepted. rxzk asks the same questions, top down, of the path alone: the one recursive
 * watch tells of every node under the root, and those outside the scope are ignored.
 */
export class TreeScope {
  /** True when every node of the subtree is held (no maxDepth, no selector): nothing to ask. */
  readonly everything: boolean;

  constructor(
    private readonly root: string,
    private readonly maxDepth: number,
    private readonly selector: TreeCacheSelector | null,
    /** Told what a selector threw (the cache fails with it); the node is then taken as not held. */
    private readonly thrown: (err: unknown) => void,
  ) {
    this.everything = maxDepth === Infinity && (selector === null || (selector.traverseChildren === undefined && selector.acceptChild === undefined));
  }

  /** Whether a node at `path` (the root or below it) is held. */
  holds(path: string): boolean {
    if (this.everything || path === this.root) return true;
    const depth = this.depthOf(path);
    if (depth > this.maxDepth) return false;
    // Top down, as Curator meets them: traverse the parent, then accept the child.
    let at = this.root.length === 1 ? 0 : this.root.length;
    let parent = this.root;
    for (let d = 1; d <= depth; d++) {
      if (!this.traverse(parent)) return false;
      const next = path.indexOf('/', at + 1);
      const child = next === -1 ? path : path.slice(0, next);
      if (!this.accept(child)) return false;
      parent = child;
      at = next;
    }
    return true;
  }

  /** Whether the children of a held node at `path` are read and held (Curator: depth < maxDepth and traverseChildren). */
  traverses(path: string): boolean {
    if (this.everything) return true;
    return this.depthOf(path) < this.maxDepth && this.traverse(path);
  }

  /** Whether a child of a held, traversed node is held (Curator's acceptChild). */
  accepts(childPath: string): boolean {
    return this.everything || this.accept(childPath);
  }

  /** 0 for the root, 1 for its children, … */
  private depthOf(path: string): number {
    let depth = 0;
    for (let i = this.root.length === 1 ? 0 : this.root.length; i < path.length; i++) if (path.charCodeAt(i) === 47 /* '/' */) depth++;
    return depth;
  }

  private traverse(path: string): boolean {
    if (this.selector?.traverseChildren === undefined) return true;
    try {
      // Called as a method: a selector that is an instance of a class keeps its `this`.
      return Boolean(this.selector.traverseChildren(path));
    } catch (err) {
      this.thrown(err);
      return false;
    }
  }

  private accept(path: string): boolean {
    if (this.selector?.acceptChild === undefined) return true;
    try {
      return Boolean(this.selector.acceptChild(path));
    } catch (err) {
      this.thrown(err);
      return false;
    }
  }
}
