import { InvalidArgumentError, checkKnownKeys } from '../../index';
import { optionsObject } from '../kernel/arguments';
import type { TreeCacheOptions, TreeCacheSelector, TreeCacheWatchMode } from './types';

const WATCH_MODES: readonly TreeCacheWatchMode[] = ['auto', 'recursive', 'per-node'];

/** The keys of {@link TreeCacheOptions}. */
const TREE_CACHE_OPTIONS: Record<keyof TreeCacheOptions, true> = { watchMode: true, concurrency: true, maxDepth: true, selector: true };

/** The keys of {@link TreeCacheSelector}. */
const SELECTOR_KEYS: Record<keyof TreeCacheSelector, true> = { traverseChildren: true, acceptChild: true };

/** A TreeCache's options, checked, with their defaults. */
export interface CheckedTreeCacheOptions {
  watchMode: TreeCacheWatchMode;
  concurrency: number;
  /** Infinity when not given (Curator's Integer.MAX_VALUE). */
  maxDepth: number;
  /** null when not given: every node within maxDepth. */
  selector: TreeCacheSelector | null;
}

/** A TreeCache's options as a JavaScript caller may give them, checked before anything is sent. */
export function checkTreeCacheOptions(opts: unknown): CheckedTreeCacheOptions {
  const { watchMode = 'auto', concurrency = 1000, maxDepth = Infinity, selector } = optionsObject(opts, 'TreeCache', TREE_CACHE_OPTIONS);
  if (!WATCH_MODES.includes(watchMode as TreeCacheWatchMode)) {
    throw new InvalidArgumentError(`TreeCache watchMode must be one of ${WATCH_MODES.join(', ')}, not ${String(watchMode)}`);
  }
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100_000) {
    throw new InvalidArgumentError(`TreeCache concurrency must be an integer from 1 to 100000, not ${String(concurrency)}`);
  }
  if (typeof maxDepth !== 'number' || !(maxDepth === Infinity || (Number.isInteger(maxDepth) && maxDepth >= 0))) {
    throw new InvalidArgumentError(`TreeCache maxDepth must be an integer ≥ 0 or Infinity, not ${String(maxDepth)}`);
  }
  return { watchMode: watchMode as TreeCacheWatchMode, concurrency, maxDepth, selector: checkSelector(selector) };
}

/**
 * A selector: an object whose `traverseChildren` and `acceptChild`, when present, are functions. A plain object
 * literal with another key is refused (a typo such as `acceptChildren` would otherwise accept everything in
 * silence); an instance of a class may carry other fields.
 */
function checkSelector(selector: unknown): TreeCacheSelector | null {
  if (selector === undefined) return null;
  if (typeof selector !== 'object' || selector === null || Array.isArray(selector)) {
    throw new InvalidArgumentError('TreeCache selector must be an object with traverseChildren and/or acceptChild');
  }
  const proto: unknown = Object.getPrototypeOf(selector);
  if (proto === Object.prototype || proto === null) checkKnownKeys(selector, SELECTOR_KEYS, 'TreeCache selector');
  const s = selector as Record<keyof TreeCacheSelector, unknown>;
  for (const key of ['traverseChildren', 'acceptChild'] as const) {
    if (s[key] !== undefined && typeof s[key] !== 'function') {
      throw new InvalidArgumentError(`TreeCache selector.${key} must be a function, not ${typeof s[key]}`);
    }
  }
  return selector as TreeCacheSelector;
}
