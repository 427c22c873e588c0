// kazoo's queue entry names without a server (issue 19): `entry-PPP-<seq>`, lower priority first, then the server's
// counter — never the name as a string, which puts a wrapped counter first (kazoo#606).
import { InvalidArgumentError } from '../../../src';
import { checkPriority, checkPutOptions, entryPrefix, orderEntries, parseEntry } from '../../../src/recipes/queues/entry-name';

describe('queue entry names', () => {
  it("are kazoo's entry-<priority:03d>- before the server's counter", () => {
    expect(entryPrefix(5)).toBe('entry-005-');
    expect(entryPrefix(100)).toBe('entry-100-');
    expect(parseEntry('entry-005-0000000001')).toEqual({ name: 'entry-005-0000000001', priority: 5, sequence: 1 });
    expect(parseEntry('entry-100--2147483648')?.sequence).toBe(-2147483648);
    expect(parseEntry('rxzk-receipt-1234')).toBeNull();
    expect(parseEntry('entry-5-0000000001')).toBeNull();
  });

  it('are taken lower priority first, then by counter (a wrapped one after the largest), other children left out', () => {
    const names = ['entry-100--2147483648', 'entry-100-2147483647', 'entry-005-0000000009', 'taken', 'entry-100-0000000001'];
    expect(orderEntries(names).map((e) => e.name)).toEqual([
      'entry-005-0000000009',
      'entry-100-0000000001',
      'entry-100-2147483647',
      'entry-100--2147483648',
    ]);
  });

  it("priorities are kazoo's: integers from 0 to 999, 100 by default; put options refuse unknown keys", () => {
    expect(checkPriority(undefined)).toBe(100);
    expect(checkPriority(0)).toBe(0);
    expect(() => checkPriority(1000)).toThrow(InvalidArgumentError);
    expect(() => checkPriority(1.5)).toThrow('priority must be an integer from 0 to 999, not 1.5');
    expect(checkPutOptions(undefined)).toEqual({ priority: 100 });
    expect(() => checkPutOptions({ priorty: 1 })).toThrow("did you mean 'priority'");
  });
});
