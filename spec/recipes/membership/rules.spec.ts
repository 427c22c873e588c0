// kazoo's Party and SetPartitioner rules without a server (issue 19): member names, identifiers, and the default
// partition every member computes alike.
import { InvalidArgumentError } from '../../../src';
import { PARTY_MARKER, checkShallowIdentifier, isPartyMember, memberName, shallowIdentifier, sortIdentifiers } from '../../../src/recipes/membership/member-names';
import { checkItems, roundRobin, shareOf } from '../../../src/recipes/membership/partition';

describe('party member names', () => {
  it("are kazoo's: Party <uuid4 hex>__party__, ShallowParty <uuid4 hex>-<identifier>", () => {
    expect(memberName(false, 'w-1')).toMatch(/^[0-9a-f]{32}__party__$/);
    expect(memberName(true, 'w-1')).toMatch(/^[0-9a-f]{32}-w-1$/);
    expect(memberName(false, 'x')).not.toBe(memberName(false, 'x'));
    expect(PARTY_MARKER).toBe('__party__');
  });

  it("read back as kazoo reads them: a Party member contains the marker; a shallow one's identifier follows the first '-'", () => {
    expect(isPartyMember(memberName(false, 'w'))).toBe(true);
    expect(isPartyMember('rxzk-receipt-1')).toBe(false);
    expect(shallowIdentifier('0123abcd-worker-7')).toBe('worker-7');
    expect(shallowIdentifier('noseparator')).toBeNull();
  });

  it('a shallow identifier must fit in one node name', () => {
    expect(() => checkShallowIdentifier('')).toThrow(InvalidArgumentError);
    expect(() => checkShallowIdentifier('a/b')).toThrow("a shallow party identifier cannot contain '/'");
    expect(() => checkShallowIdentifier('w-1')).not.toThrow();
  });

  it("sorts identifiers by code point, as Python's sorted (not by UTF-16 unit)", () => {
    expect(sortIdentifiers(['b', 'a', '\u{1F600}', '\uFFFD'])).toEqual(['a', 'b', '\uFFFD', '\u{1F600}']);
  });
});

describe("the partitioner's shares", () => {
  it("default: kazoo's round robin over the sorted members and items (all_partitions[i::n])", () => {
    expect(roundRobin(['b', 'a'], ['z', 'x', 'y'])).toEqual({ a: ['x', 'z'], b: ['y'] });
    expect(roundRobin(['only'], [])).toEqual({ only: [] });
  });

  it("a member's share is kept to the partitioner's items, once each", () => {
    const partition = () => ({ me: ['a', 'a', 'ghost', 'b'], other: ['c'] });
    expect(shareOf(partition, ['me', 'other'], ['a', 'b', 'c'], 'me')).toEqual(['a', 'b']);
    expect(shareOf(partition, ['me', 'other'], ['a', 'b', 'c'], 'nobody')).toEqual([]);
    expect(() => shareOf(() => null as never, [], [], 'me')).toThrow('a partition function must return an object of shares');
  });

  it('items become lock node names: one path segment each, duplicates dropped', () => {
    expect(checkItems(['s1', 's2', 's1'])).toEqual(['s1', 's2']);
    for (const bad of [['a/b'], [''], ['..'], [1]]) expect(() => checkItems(bad)).toThrow(InvalidArgumentError);
    expect(() => checkItems('s1')).toThrow('a Partitioner needs an array of items');
  });
});
