import { compareSequence, sequenceNumber, sortBySequence } from '../../src/common/sequence';

describe('sequenceNumber', () => {
  it.each<[string, string | undefined, number | null]>([
    ['_c_0b2a1e4c-9d1f-4c59-8a3e-5b7f6f0e2d11-lock-0000000042', '-lock-', 42],
    ['3f2a9c__lock__0000000007', '__lock__', 7],
    ['x-lock-2147483647', '-lock-', 2147483647],
    ['x-lock--2147483648', '-lock-', -2147483648],
    ['x-lock--000000001', '-lock-', -1],
    ['member0000000007', undefined, 7],
    ['member-000000001', undefined, -1],
    ['x-lock-42', '-lock-', null],
    ['x-lock-abcdefghij', '-lock-', null],
    ['no-marker-0000000001', '__lock__', null],
    ['x-lock-9999999999', '-lock-', null],
  ])('%s (marker %s) → %s', (name, marker, expected) => {
    expect(sequenceNumber(name, marker)).toBe(expected);
  });
});

describe('ordering by sequence (ZOOKEEPER-2944, kazoo#606)', () => {
  it('puts -2147483648, the counter after it wrapped, after 2147483647', () => {
    expect(compareSequence(-2147483648, 2147483647)).toBeGreaterThan(0);
    expect(compareSequence(2147483647, -2147483648)).toBeLessThan(0);
    expect(compareSequence(1, 2)).toBeLessThan(0);
    expect(compareSequence(7, 7)).toBe(0);
  });

  it('sorts names by their counter, never by name, across markers, leaving out non-contenders', () => {
    const names = ['z__lock__0000000003', 'a-lock-0000000010', 'ready', 'm-lock--2147483648', 'b-lock-2147483647', 'k__lock__0000000001'];
    expect(sortBySequence(names, ['-lock-', '__lock__']).map((n) => n.name)).toEqual([
      'k__lock__0000000001',
      'z__lock__0000000003',
      'a-lock-0000000010',
      'b-lock-2147483647',
      'm-lock--2147483648',
    ]);
  });
});
