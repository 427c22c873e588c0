import { NoNodeError, type ZooKeeperClient } from '../../index';
import { retried } from '../support/retried';
import { isPartyMember, shallowIdentifier, sortIdentifiers } from './member-names';

/**
 * The identifiers of a party's members, sorted, from its children's names:
 * a ShallowParty's are in the names (`<uuid>-<identifier>`); a Party's are
 * the data of its `<uuid>__party__` nodes (party.py `Party._get_children`),
 * a member that left between the list and the read skipped.
 */
export async function readMembers(zk: ZooKeeperClient, path: string, shallow: boolean, names: readonly string[] | null): Promise<string[]> {
  if (names === null) return [];
  if (shallow) {
    return sortIdentifiers(names.map(shallowIdentifier).filter((id): id is string => id !== null));
  }
  const ids = await Promise.all(
    names.filter(isPartyMember).map((name) =>
      retried(zk.get(`${path}/${name}`)).then(
        (v) => v.data.toString('utf8'),
        (err: unknown) => (err instanceof NoNodeError ? null : Promise.reject(err)),
      ),
    ),
  );
  return sortIdentifiers(ids.filter((id): id is string => id !== null));
}

/** The members now (no watch). */
export async function listMembers(zk: ZooKeeperClient, path: string, shallow: boolean): Promise<string[]> {
  const names = await retried(zk.getChildren(path)).catch((err: unknown) => (err instanceof NoNodeError ? null : Promise.reject(err)));
  return readMembers(zk, path, shallow, names);
}

