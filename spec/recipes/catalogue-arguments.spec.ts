// The rest of Curator's catalogue (issue 20) refuses mistakes as every recipe does (issue 18.4), at construction and
// before anything is sent: something that is not a ZooKeeperClient, a path ZooKeeper would refuse, an option key it
// does not know (naming the nearest known one). No server: a client that was never started sends nothing.
import { InvalidArgumentError, InvalidPathError, createClient, type ZooKeeperClient } from '../../src';
import { AtomicValue, Counter, GroupMember, MultiLock, PersistentTtlNode, SharedValue } from '../../src/recipes';

const zk = createClient({ hosts: '127.0.0.1:1' });

const RECIPES: Record<string, (client: ZooKeeperClient, path: string) => unknown> = {
  MultiLock: (c, p) => new MultiLock(c, [p]),
  GroupMember: (c, p) => new GroupMember(c, p, 'me'),
  PersistentTtlNode: (c, p) => new PersistentTtlNode(c, p, 1_000),
  SharedValue: (c, p) => new SharedValue(c, p, 'seed'),
  AtomicValue: (c, p) => new AtomicValue(c, p),
};

function thrown(make: () => unknown): Error {
  try {
    make();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected it to throw');
}

describe("the rest of Curator's catalogue: arguments", () => {
  it.each(Object.keys(RECIPES))('%s refuses what is not a ZooKeeperClient, in the constructor', (name) => {
    for (const notAClient of ['127.0.0.1:2181', undefined, null, {}]) {
      const err = thrown(() => RECIPES[name](notAClient as unknown as ZooKeeperClient, '/r'));
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect(err.message).toContain(`${name} needs a ZooKeeperClient`);
    }
  });

  it.each(Object.keys(RECIPES))('%s refuses an invalid path, in the constructor', (name) => {
    for (const path of ['relative', '/trailing/', '/a//b', '', 42]) {
      expect(thrown(() => RECIPES[name](zk, path as string))).toBeInstanceOf(InvalidPathError);
    }
  });

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
