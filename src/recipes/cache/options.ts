import { InvalidArgumentError } from '../../index';
import { optionsObject } from '../kernel/arguments';
import type { TreeCacheOptions, TreeCacheWatchMode } from './types';

const WATCH_MODES: readonly TreeCacheWatchMode[] = ['auto', 'recursive', 'per-node'];

/** The keys of {@link TreeCacheOptions}. */
const TREE_CACHE_OPTIONS: Record<keyof TreeCacheOptions, true> = { watchMode: true, concurrency: true };

/** A TreeCache's options as a JavaScript caller may give them, checked before anything is sent. */
export function checkTreeCacheOptions(opts: unknown): Required<TreeCacheOptions> {
  const { watchMode = 'auto', concurrency = 1000 } = optionsObject(opts, 'TreeCache', TREE_CACHE_OPTIONS);
  if (!WATCH_MODES.includes(watchMode as TreeCacheWatchMode)) {
    throw new InvalidArgumentError(`TreeCache watchMode must be one of ${WATCH_MODES.join(', ')}, not ${String(watchMode)}`);
  }
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100_000) {
    throw new InvalidArgumentError(`TreeCache concurrency must be an integer from 1 to 100000, not ${String(concurrency)}`);
  }
  return { watchMode: watchMode as TreeCacheWatchMode, concurrency };
}
