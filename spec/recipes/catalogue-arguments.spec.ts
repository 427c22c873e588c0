// The option checks particular to the rest of Curator's catalogue (issue 20): nested options (promotedToLock) and
// options handed on to the locks a MultiLock makes. What every recipe refuses (not a client, a bad path) is checked
// for these recipes too, with all the others, in arguments.spec.ts. No server: a client never started sends nothing.
import { InvalidArgumentError, createClient } from '../../src';
import { AtomicValue, Counter, MultiLock } from '../../src/recipes';
import { thrown } from '../support/fixtures';

const zk = createClient({ hosts: '127.0.0.1:1' });


describe("the rest of Curator's catalogue: arguments", () => {
  it('AtomicValue and Counter name a mistyped option key, and a mistyped key of promotedToLock', () => {
    expect(thrown(() => new AtomicValue(zk, '/a', { promotedToLok: {} } as never)).message).toContain("did you mean 'promotedToLock'");
    expect(thrown(() => new AtomicValue(zk, '/a', { promotedToLock: { lockpath: '/l' } } as never)).message).toContain("did you mean 'lockPath'");
    const err = thrown(() => new Counter(zk, '/c', { promotedToLock: { lockPath: '/l', afterTry: 2 } } as never));
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.message).toContain("unknown option 'afterTry'");
  });

  it('MultiLock passes its options to the locks it makes: an unknown key is refused', () => {
    expect(thrown(() => new MultiLock(zk, ['/a'], { identifer: 'x' } as never)).message).toContain("did you mean 'identifier'");
  });
});
