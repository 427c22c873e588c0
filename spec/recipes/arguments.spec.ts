// Mistakes named at once (issue 18.4): every recipe refuses, when it is constructed or called and before anything is
// sent, an option key it does not know (naming the key and the nearest known one), something that is not a
// ZooKeeperClient where the client goes, and a path ZooKeeper would refuse. No server: a client that was never
// started sends nothing.
import { firstValueFrom } from 'rxjs';
import { InvalidArgumentError, InvalidPathError, createClient, type ZooKeeperClient } from '../../src';
import {
  AtomicValue,
  Barrier,
  Counter,
  DoubleBarrier,
  GroupMember,
  LeaderElection,
  LeaderLatch,
  Lock,
  LockingQueue,
  MultiLock,
  NonBlockingLease,
  Partitioner,
  Party,
  PersistentNode,
  PersistentTtlNode,
  Queue,
  ReadWriteLock,
  Semaphore,
  ServiceDiscovery,
  SharedCount,
  SharedValue,
  TreeCache,
} from '../../src/recipes';
import { thrown } from '../support/fixtures';

const zk = createClient({ hosts: '127.0.0.1:1' });

/** Each recipe built on a client, a path and options (`undefined` for a recipe that takes none). */
const RECIPES: Record<string, (client: ZooKeeperClient, path: string, opts?: Record<string, unknown>) => unknown> = {
  Lock: (c, p, o) => new Lock(c, p, o),
  ReadWriteLock: (c, p, o) => new ReadWriteLock(c, p, o),
  Semaphore: (c, p, o) => new Semaphore(c, p, { maxLeases: 2, ...o }),
  LeaderLatch: (c, p, o) => new LeaderLatch(c, p, o),
  LeaderElection: (c, p, o) => new LeaderElection(c, p, o),
  Barrier: (c, p) => new Barrier(c, p),
  DoubleBarrier: (c, p, o) => new DoubleBarrier(c, p, 2, o),
  Counter: (c, p, o) => new Counter(c, p, o),
  SharedCount: (c, p) => new SharedCount(c, p, 0),
  Queue: (c, p, o) => new Queue(c, p, o),
  LockingQueue: (c, p, o) => new LockingQueue(c, p, o),
  Party: (c, p, o) => new Party(c, p, o),
  Partitioner: (c, p, o) => new Partitioner(c, p, ['a'], o),
  TreeCache: (c, p, o) => new TreeCache(c, p, o),
  PersistentNode: (c, p, o) => new PersistentNode(c, p, 'data', o),
  ServiceDiscovery: (c, p) => new ServiceDiscovery(c, p),
  MultiLock: (c, p, o) => new MultiLock(c, [p], o),
  GroupMember: (c, p) => new GroupMember(c, p, 'me'),
  PersistentTtlNode: (c, p) => new PersistentTtlNode(c, p, 1_000),
  SharedValue: (c, p) => new SharedValue(c, p, 'seed'),
  AtomicValue: (c, p, o) => new AtomicValue(c, p, o),
};

/** A mistyped key of each recipe's options, and the key it meant. */
const TYPOS: Record<string, [string, string]> = {
  Lock: ['identifer', 'identifier'],
  ReadWriteLock: ['layuot', 'layout'],
  Semaphore: ['maxLease', 'maxLeases'],
  LeaderLatch: ['identifer', 'identifier'],
  LeaderElection: ['layot', 'layout'],
  DoubleBarrier: ['identifer', 'identifier'],
  Counter: ['fromat', 'format'],
  Queue: ['parent', 'parents'],
  LockingQueue: ['parent', 'parents'],
  Party: ['shalow', 'shallow'],
  Partitioner: ['setle', 'settle'],
  TreeCache: ['watchmode', 'watchMode'],
  PersistentNode: ['mdoe', 'mode'],
};


async function rejected(promise: () => Promise<unknown>): Promise<Error> {
  try {
    await promise();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected it to reject');
}

describe('recipe arguments', () => {
  it.each(Object.keys(TYPOS))('%s refuses an unknown option key, naming it and the nearest known one', (name) => {
    const [typo, meant] = TYPOS[name];
    const err = thrown(() => RECIPES[name](zk, '/r', { [typo]: 'x' }));
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.message).toContain(`'${typo}'`);
    expect(err.message).toContain(`did you mean '${meant}'`);
  });

  it.each(Object.keys(RECIPES))('%s refuses what is not a ZooKeeperClient, in the constructor', (name) => {
    for (const notAClient of ['127.0.0.1:2181', undefined, null, {}, { getChildren: () => undefined }]) {
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

  it("the construction of issue 18: new Lock('127.0.0.1:2181', '/l') is refused there, not inside acquire()", () => {
    const err = thrown(() => new Lock('127.0.0.1:2181' as unknown as ZooKeeperClient, '/l'));
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.message).toBe('Lock needs a ZooKeeperClient as its first argument, not a string');
  });

  it("refuses unknown keys of a method's options before anything is sent", async () => {
    const lock = new Lock(zk, '/r');
    expect((await rejected(() => lock.acquire({ timout: 5 } as never))).message).toContain("did you mean 'timeout'");
    const queue = new Queue(zk, '/q');
    expect((await rejected(() => queue.put('x', { priorty: 1 } as never))).message).toContain("did you mean 'priority'");
    expect((await rejected(() => queue.take({ signl: undefined } as never))).message).toContain("did you mean 'signal'");
    expect((await rejected(() => new Barrier(zk, '/b').wait({ timeOut: 1 } as never))).message).toContain("did you mean 'timeout'");
    expect((await rejected(() => firstValueFrom(new LeaderElection(zk, '/e').run(() => [], { reqeue: true } as never)))).message).toContain("did you mean 'requeue'");
    expect((await rejected(() => NonBlockingLease.obtain(zk, '/lease', 1000, { cuont: 2 } as never))).message).toContain("did you mean 'count'");
    const sd = new ServiceDiscovery(zk, '/sd');
    expect(thrown(() => sd.provider('billing', { strategie: 'random' } as never)).message).toContain("did you mean 'strategy'");
    expect(thrown(() => sd.provider('billing', { downInstancePolicy: { timeout: 1 } } as never)).message).toContain("did you mean 'timeoutMs'");
    expect((await rejected(() => sd.register({ name: 'billing', address: 'a', sslport: 1 } as never))).message).toContain("did you mean 'sslPort'");
  });
});
