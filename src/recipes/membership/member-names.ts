import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '../../index';

/** kazoo Party's marker (party.py `_NODE_NAME`): a member is `<uuid4 hex>__party__`, its identifier the node's data. */
export const PARTY_MARKER = '__party__';

/**
 * A new member node's name, as kazoo names it: Party `<uuid4 hex>__party__`;
 * ShallowParty `<uuid4 hex>-<identifier>` (the identifier in the name, so
 * that listing the children lists the members).
 */
export function memberName(shallow: boolean, identifier: string): string {
  const hex = randomUUID().replace(/-/g, '');
  return shallow ? `${hex}-${identifier}` : `${hex}${PARTY_MARKER}`;
}

/** A ShallowParty identifier must fit in one node name: no '/', and not empty (kazoo does not check; the server refuses). */
export function checkShallowIdentifier(identifier: string): void {
  if (identifier.length === 0) throw new InvalidArgumentError('a shallow party member needs a non-empty identifier (it is part of the node name)');
  if (identifier.includes('/')) throw new InvalidArgumentError(`a shallow party identifier cannot contain '/': ${JSON.stringify(identifier)}`);
}

/** A ShallowParty member's identifier: what follows the first '-' (party.py `child[child.find('-') + 1:]`); `null` for other names. */
export function shallowIdentifier(name: string): string | null {
  const dash = name.indexOf('-');
  return dash < 0 ? null : name.slice(dash + 1);
}

/** True for a Party member node (party.py keeps the children whose name contains the marker). */
export function isPartyMember(name: string): boolean {
  return name.includes(PARTY_MARKER);
}

/** Identifiers in code-point order (Python's `sorted`, which kazoo's partitioner uses): the UTF-8 bytes compared. */
export function sortIdentifiers(ids: readonly string[]): string[] {
  return [...ids].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}
