// The names of Curator's queue nodes and the order Curator's consumers take them in (DistributedPriorityQueue
// .priorityToString, DistributedDelayQueue.epochToString/getEpoch, DistributedIdQueue.fixId/parseId/sortChildren).
import { InvalidArgumentError } from '../../../src';
import {
  checkDelayUntil,
  checkId,
  checkPriority,
  delayName,
  epochOf,
  idName,
  orderNodes,
  parseId,
  priorityName,
  requeueName,
} from '../../../src/recipes/curator-queues/layout';

describe('priority names', () => {
  it('are 1%08X for a priority >= 0 and 0%08X of its 32 bits for a negative one, so they sort as the priorities', () => {
    expect(priorityName(0)).toBe('queue-100000000');
    expect(priorityName(255)).toBe('queue-1000000FF');
    expect(priorityName(2 ** 31 - 1)).toBe('queue-17FFFFFFF');
    expect(priorityName(-1)).toBe('queue-0FFFFFFFF');
    expect(priorityName(-(2 ** 31))).toBe('queue-080000000');
    const priorities = [5, -3, 0, 2 ** 31 - 1, -(2 ** 31), 16, -16];
    const names = priorities.map((p) => `${priorityName(p)}0000000001`);
    const order = orderNodes('priority', names).map((c) => priorities[names.indexOf(c.name)]);
    expect(order).toEqual([...priorities].sort((a, b) => a - b));
  });

  it('refuses what is not a Java int', () => {
    for (const bad of [0.5, 2 ** 31, -(2 ** 31) - 1, '1', null]) expect(() => checkPriority(bad)).toThrow(InvalidArgumentError);
  });
});

describe('delay names', () => {
  it('carry |%08X| of the epoch, read back between the last two separators; none reads as 0', () => {
    expect(delayName(1)).toBe('queue-|00000001|');
    expect(delayName(1_765_000_000_000)).toBe(`queue-|${(1_765_000_000_000).toString(16).toUpperCase()}|`);
    expect(epochOf(`${delayName(1_765_000_000_000)}0000000007`)).toBe(1_765_000_000_000);
    expect(epochOf('queue-0000000007')).toBe(0);
    expect(epochOf('queue-|zz|0000000007')).toBe(0);
    expect(() => checkDelayUntil(0)).toThrow(InvalidArgumentError);
  });

  it('are taken by their time, then by name; a node without a time first', () => {
    const names = [`${delayName(300)}0000000001`, `${delayName(100)}0000000003`, 'queue-0000000009', `${delayName(100)}0000000002`, 'other'];
    expect(orderNodes('delay', names)).toEqual([
      { name: 'queue-0000000009', readyAt: 0 },
      { name: `${delayName(100)}0000000002`, readyAt: 100 },
      { name: `${delayName(100)}0000000003`, readyAt: 100 },
      { name: `${delayName(300)}0000000001`, readyAt: 300 },
    ]);
  });
});

describe('id names', () => {
  it("write '/' and '|' as '_', parse the id back, and sort by the name without it (put order)", () => {
    expect(checkId('a/b|c')).toBe('a_b_c');
    expect(idName('a_b_c')).toBe('queue-|a_b_c|');
    expect(parseId('queue-|zz|0000000002')).toEqual({ id: 'zz', cleaned: 'queue-0000000002' });
    expect(parseId('queue-0000000002')).toEqual({ id: 'queue-0000000002', cleaned: 'queue-0000000002' });
    const names = ['queue-|zz|0000000002', 'queue-|aa|0000000003', 'queue-|mm|0000000001'];
    expect(orderNodes('id', names).map((c) => c.name)).toEqual(['queue-|mm|0000000001', 'queue-|zz|0000000002', 'queue-|aa|0000000003']);
    for (const bad of ['', 5, undefined]) expect(() => checkId(bad)).toThrow(InvalidArgumentError);
  });
});

describe('plain order and requeue names', () => {
  it('takes queue- names as strings (FIFO) and leaves foreign ones out', () => {
    expect(orderNodes('plain', ['queue-0000000010', 'x', 'queue-0000000002', 'rxzk-receipt-1']).map((c) => c.name)).toEqual(['queue-0000000002', 'queue-0000000010']);
  });

  it('hands a node back under its name before the counter: priority, delay and id kept', () => {
    expect(requeueName('queue-0000000004')).toBe('queue-');
    expect(requeueName(`${priorityName(-2)}0000000004`)).toBe(priorityName(-2));
    expect(requeueName(`${delayName(99)}0000000004`)).toBe(delayName(99));
    expect(requeueName('queue-|id|0000000004')).toBe('queue-|id|');
  });
});
