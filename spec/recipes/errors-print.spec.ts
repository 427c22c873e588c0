// Errors print short (issue 18.4): a LockLostError — thrown when a client closes under whileHeld, say — carries its
// holding, but util.inspect and console.error show the error, not the client, session and subjects behind it.
import { inspect } from 'node:util';
import { BehaviorSubject } from 'rxjs';
import { createClient } from '../../src';
import { LockLostError, type Holding } from '../../src/recipes';

describe('LockLostError', () => {
  it('keeps its holding reachable but prints without it', () => {
    const zk = createClient({ hosts: '127.0.0.1:2181' });
    const holding = { node: '/locks/a/_c_x-lock-0000000001', fencingToken: 7n, zk, states: new BehaviorSubject('LOST') } as unknown as Holding;
    const err = new LockLostError(holding);
    expect(err.holding).toBe(holding);
    expect(Object.keys(err)).not.toContain('holding');
    const printed = inspect(err);
    expect(printed).toContain('LockLostError: lost /locks/a/_c_x-lock-0000000001');
    expect(printed).not.toMatch(/sessionManager|BehaviorSubject|holding/);
    // The message line and the stack, nothing more.
    expect(printed.split('\n').length).toBeLessThanOrEqual((err.stack ?? '').split('\n').length + 1);
  });
});
