import type { ZooKeeperClient } from '../../index';
import type { ContenderSpec } from '../contender/contender';
import { ContenderLock } from '../contender/contender-lock';
import { layoutOption, type NamingStyle } from '../contender/node-naming';
import type { ReportedAs } from '../kernel/activity';
import { checkClient, identifierOption, optionsObject, recipePath } from '../kernel/arguments';
import { READ_WRITE_MARKERS, readerDecides, writerDecides } from './read-write-rules';

/** Options of a ReadWriteLock. */
export interface ReadWriteLockOptions {
  /** This participant's identifier, stored as each of its nodes' data (default `<hostname>:<pid>`). */
  identifier?: string;
  /**
   * Whose node names to write: `'curator'` (default) writes Curator's
   * InterProcessReadWriteLock nodes, `_c_<uuid>-__READ__<seq>` and
   * `_c_<uuid>-__WRIT__<seq>`; `'kazoo'` writes kazoo's ReadLock and
   * WriteLock nodes, `<hex>__rlock__<seq>` and `<hex>__lock__<seq>`, which
   * kazoo sees without `extra_lock_patterns`. Either way the lock honours all
   * four kinds of contender.
   */
  layout?: NamingStyle;
}

/** The keys of {@link ReadWriteLockOptions}. */
const READ_WRITE_LOCK_OPTIONS: Record<keyof ReadWriteLockOptions, true> = { identifier: true, layout: true };

/**
 * One side of a {@link ReadWriteLock}: `readLock` (shared) or `writeLock`
 * (exclusive). It has every method of a Lock: `acquire`, `tryAcquire`,
 * `hold$`, `withLock`, `contenders`. Not re-entrant, and no upgrade or
 * downgrade: every acquire is its own contender (a reader that then asks
 * for the write side waits behind itself for ever, as Curator's javadoc warns).
 *
 * @example
 * const rw = new ReadWriteLock(zk, '/locks/catalog');
 * const prices = await rw.readLock.withLock(() => readPrices());
 */
export class ReadWriteLockHalf extends ContenderLock {
  private reported: ReportedAs | undefined;

  /** @internal */
  constructor(
    zk: ZooKeeperClient,
    path: string,
    private readonly kind: 'read' | 'write',
    private readonly identifier: Buffer,
    private readonly layout: NamingStyle,
  ) {
    super(zk, path);
  }

  /** @internal */
  protected reportedAs(): ReportedAs {
    // recipe-events.ts names them so: each half is a lock of its own kind.
    return (this.reported ??= { recipe: this.kind === 'read' ? 'ReadLock' : 'WriteLock', path: this.contendersParent });
  }

  /** @internal */
  protected spec(): ContenderSpec {
    const read = this.kind === 'read';
    const name = this.layout === 'curator' ? (read ? '__READ__' : '__WRIT__') : read ? '__rlock__' : '__lock__';
    return {
      parent: this.contendersParent,
      naming: { style: this.layout, name },
      data: this.identifier,
      markers: READ_WRITE_MARKERS,
      decide: read ? readerDecides : writerDecides,
    };
  }
}

/**
 * A distributed read/write lock on Curator's InterProcessReadWriteLock layout
 * (`<path>/_c_<uuid>-__READ__<seq>`, `<path>/_c_<uuid>-__WRIT__<seq>`,
 * ephemeral, under a container parent); it honours kazoo's ReadLock
 * (`__rlock__`) and WriteLock (`__lock__`) contenders on the same path.
 *
 * Readers share; a writer excludes readers and writers. Contenders queue in
 * the order the server numbered them, so a reader that arrives after a
 * waiting writer waits for it (writers are never starved by a stream of
 * readers). A waiting reader watches the nearest writer before it, and a
 * writer the contender just before it: each release wakes only those it lets
 * in, never a herd.
 *
 * @example
 * const rw = new ReadWriteLock(zk, '/locks/catalog', { identifier: 'api-3' });
 * const page = await rw.readLock.withLock(() => renderCatalog());
 * await rw.writeLock.withLock(async (h) => importCatalog({ signal: h.signal, fencingToken: h.fencingToken }));
 */
export class ReadWriteLock {
  /** The shared side: held together with other readers, never while a writer holds. */
  readonly readLock: ReadWriteLockHalf;
  /** The exclusive side: held alone. */
  readonly writeLock: ReadWriteLockHalf;

  /**
   * Nothing is sent until a method is called; a bad path or option throws here.
   *
   * @example
   * const rw = new ReadWriteLock(zk, '/locks/catalog', { layout: 'kazoo' }); // shared with kazoo ReadLock/WriteLock
   */
  constructor(zk: ZooKeeperClient, path: string, opts?: ReadWriteLockOptions) {
    checkClient(zk, 'ReadWriteLock');
    const lockPath = recipePath(path);
    const options = optionsObject(opts, 'ReadWriteLock', READ_WRITE_LOCK_OPTIONS);
    const identifier = Buffer.from(identifierOption(options.identifier, 'ReadWriteLock'), 'utf8');
    const layout = layoutOption(options.layout, 'ReadWriteLock');
    this.readLock = new ReadWriteLockHalf(zk, lockPath, 'read', identifier, layout);
    this.writeLock = new ReadWriteLockHalf(zk, lockPath, 'write', identifier, layout);
  }
}
