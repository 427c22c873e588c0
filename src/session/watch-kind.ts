/**
 * The kinds of watch a client holds on a path, one vocabulary from the
 * operations through the shared streams to the registry: the Java client's
 * ZKWatchManager tables (`dataWatches`, `existWatches`, `childWatches`) and
 * addWatch's two modes. The wire's WatcherType (`'DATA' | 'CHILDREN' | 'ANY'`,
 * removeWatches' argument) is another thing: which server tables to clear.
 */
export type WatchKind = 'data' | 'exist' | 'child' | 'persistent' | 'persistentRecursive';

/** The one-shot kinds a read's `watch` option sets: getData → data, exists → exist, getChildren → child. */
export type OneShotWatchKind = Extract<WatchKind, 'data' | 'exist' | 'child'>;

/** The server keeps one-shot watches in two tables: removeWatches DATA clears data and exist watches, CHILDREN child ones. */
export function serverTableOf(kind: OneShotWatchKind): 'DATA' | 'CHILDREN' {
  return kind === 'child' ? 'CHILDREN' : 'DATA';
}
