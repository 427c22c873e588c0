import { firstValueFrom, type Observable } from 'rxjs';
import { BadVersionError, NoNodeError, NodeExistsError, type ZooKeeperClient } from '../../index';
import { isLostReply, readNode } from './read-node';

/**
 * How a compare-and-set ended: written; the node moved on from the version read (BadVersion), or was
 * created by someone else first; or it is gone (NoNode: deleted since, or a reaped container parent).
 */
export type WriteOutcome = 'APPLIED' | 'CHANGED' | 'MISSING';

/** The version a set makes of `version`: dataVersion is a signed int32 and wraps after 2^31 - 1 (CURATOR-688). */
export function nextVersion(version: number): number {
  return version === 0x7fffffff ? -0x80000000 : version + 1;
}

/**
 * Writes `data` to `path` if the node is still at `version` (`null`: if it is still missing, creating
 * it under container parents). A write whose reply was lost is NOT simply sent again, which would add a
 * delta twice (kazoo's Counter and Curator's DistributedAtomicLong retry blindly): the node is read once
 * the client is back. At the very next version with these bytes, the write is taken as applied; still at
 * `version` (or still missing), as not applied. When the node has moved on further, whether the write is
 * among the changes cannot be told, and the lost reply's error is thrown: the caller must not assume
 * either way.
 */
export async function compareAndWrite(zk: ZooKeeperClient, path: string, data: Buffer, version: number | null): Promise<WriteOutcome> {
  for (;;) {
    const request: Observable<unknown> =
      version === null ? zk.create(path, data, { makePath: true, containerParents: true }) : zk.set(path, data, version);
    try {
      await firstValueFrom(request);
      return 'APPLIED';
    } catch (err) {
      if (err instanceof BadVersionError || err instanceof NodeExistsError) return 'CHANGED';
      if (err instanceof NoNodeError) return 'MISSING';
      if (!isLostReply(err)) throw err;
      const now = await readNode(zk, path);
      // Still as it was: not applied, so the same write is made again.
      if (version === null ? now === null : now?.stat.version === version) continue;
      if (now !== null && now.stat.version === (version === null ? 0 : nextVersion(version))) return now.data.equals(data) ? 'APPLIED' : 'CHANGED';
      throw err;
    }
  }
}
