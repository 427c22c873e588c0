import { InvalidArgumentError } from '../../index';
import type { TreeCacheOptions, TreeCacheWatchMode } from './types';

const WATCH_MODES: readonly TreeCacheWatchMode[] = ['auto', 'recursive', 'per-node'];

/** A TreeCache's options as a JavaScript caller may give them, checked before anything is sent. */
export function checkTreeCacheOptions(opts: unknown): Required<TreeCacheOptions> {
  if (opts === undefined) return { watchMode: 'auto', concurrency: 1000 };
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new InvalidArgumentError('TreeCache options must be an object');
  const { watchMode = 'auto', concurrency = 1000 } = opts as Record<string, unknown>;
  if (!WATCH_MODES.includes(watchMode as TreeCacheWatchMode)) {
    throw new InvalidArgumentError(`TreeCache watchMode must be one of ${WATCH_MODES.join(', ')}, not ${String(watchMode)}`);
  }
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100_000) {
    throw new InvalidArgumentError(`TreeCache concurrency must be an integer from 1 to 100000, not ${String(concurrency)}`);
  }
  return { watchMode: watchMode as TreeCacheWatchMode, concurrency };
}
