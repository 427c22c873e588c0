import type { Watcher } from './watched-event';

/**
 * The watchers of one kind, by path. Most paths have a single watcher (a
 * shared follower): it is stored as is, and a Set is only made for a second
 * one — applications follow thousands of paths.
 */
export class WatcherTable {
  private readonly byPath = new Map<string, Watcher | Set<Watcher>>();

  get size(): number {
    return this.byPath.size;
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  paths(): string[] {
    return [...this.byPath.keys()];
  }

  add(path: string, watcher: Watcher): void {
    const entry = this.byPath.get(path);
    if (entry === undefined) this.byPath.set(path, watcher);
    else if (entry instanceof Set) entry.add(watcher);
    else if (entry !== watcher) this.byPath.set(path, new Set([entry, watcher]));
  }

  /** Removes one watcher; true when it was the path's last. */
  remove(path: string, watcher: Watcher): boolean {
    const entry = this.byPath.get(path);
    if (entry === undefined) return false;
    if (entry instanceof Set) {
      if (!entry.delete(watcher) || entry.size > 0) return false;
    } else if (entry !== watcher) return false;
    this.byPath.delete(path);
    return true;
  }

  /** Adds the path's watchers to `into`. */
  collect(path: string, into: Set<Watcher>): void {
    const entry = this.byPath.get(path);
    if (entry === undefined) return;
    if (entry instanceof Set) for (const w of entry) into.add(w);
    else into.add(entry);
  }

  /** Adds the path's watchers to `into` and forgets them (one-shot watches fire once). */
  take(path: string, into: Set<Watcher>): void {
    this.collect(path, into);
    this.byPath.delete(path);
  }

  /** Adds every watcher to `into` and forgets them all. */
  takeAll(into: Set<Watcher>): void {
    for (const path of this.byPath.keys()) this.collect(path, into);
    this.byPath.clear();
  }

  clear(): void {
    this.byPath.clear();
  }
}
