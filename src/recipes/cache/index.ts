// A whole subtree in memory: Curator's CuratorCache with kazoo TreeCache's events, on one persistent recursive watch.
export { TreeCache } from './tree-cache';
export type { CachedNode, TreeCacheEvent, TreeCacheOptions, TreeCacheSelector, TreeCacheWatchMode } from './types';
