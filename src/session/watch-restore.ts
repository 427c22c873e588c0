import { OpCode, SpecialXid } from '../jute/op-codes';
import { writeSetWatches, writeSetWatches2 } from '../jute/records/watches';
import type { Connection } from '../transport/connection';
import { writeRequestFrame } from './request-frame';
import type { WatchPaths, WatchRegistry } from './watch-registry';

/** The Java client's bound on one SetWatches packet (ClientCnxn.SET_WATCHES_MAX_LENGTH): 128 KB of paths. */
export const SET_WATCHES_MAX_LENGTH = 128 * 1024;

type Batch = { [K in keyof WatchPaths]: string[] };

function emptyBatch(): Batch {
  return { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
}

/**
 * Re-registers the client's watches on a new connection, as ClientCnxn's
 * primeConnection does: SetWatches packets (xid -8) carrying `lastZxid`, so the
 * server fires at once every watch whose node changed since then, split so that
 * no packet holds more than 128 KB of paths. SetWatches2 (ZooKeeper 3.6+) is
 * only used for batches with persistent watches, so older servers keep working.
 */
export function restoreWatches(conn: Connection, registry: WatchRegistry, lastZxid: bigint): number {
  if (registry.isEmpty) return 0;
  const all = registry.paths();
  let batch = emptyBatch();
  let length = 0;
  let packets = 0;
  const flush = () => {
    if (length === 0) return;
    const persistent = batch.persistent.length > 0 || batch.persistentRecursive.length > 0;
    const record = {
      relativeZxid: lastZxid,
      dataWatches: batch.data,
      existWatches: batch.exist,
      childWatches: batch.child,
      persistentWatches: batch.persistent,
      persistentRecursiveWatches: batch.persistentRecursive,
    };
    if (persistent) writeRequestFrame(conn.writer, SpecialXid.setWatches, OpCode.setWatches2, writeSetWatches2, record);
    else writeRequestFrame(conn.writer, SpecialXid.setWatches, OpCode.setWatches, writeSetWatches, record);
    packets++;
    batch = emptyBatch();
    length = 0;
  };
  for (const kind of Object.keys(all) as (keyof WatchPaths)[]) {
    for (const path of all[kind]) {
      const size = 4 + Buffer.byteLength(path);
      if (length > 0 && length + size > SET_WATCHES_MAX_LENGTH) flush();
      batch[kind].push(path);
      length += size;
    }
  }
  flush();
  return packets;
}
