import { joinPath, type ZooKeeperClient } from '../../index';
import { childrenOrEmpty, readOrNull } from '../kernel/znodes';
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
  const ids = await Promise.all(names.filter(isPartyMember).map(async (name) => (await readOrNull(zk, joinPath(path, name)))?.data.toString('utf8') ?? null));
  return sortIdentifiers(ids.filter((id): id is string => id !== null));
}

/** The members now (no watch). */
export async function listMembers(zk: ZooKeeperClient, path: string, shallow: boolean): Promise<string[]> {
  return readMembers(zk, path, shallow, await childrenOrEmpty(zk, path));
}

