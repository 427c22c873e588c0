import { filter, firstValueFrom } from 'rxjs';
import { createClient, withRetry, type ZooKeeperClient } from '../../src';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { TcpProxy } from '../support/tcp-proxy';

// A create whose reply is lost: the server applied it, the client only saw the
// connection drop. A protected create finds its own node instead of making a
// second one (Curator's withProtection).

describe('protected creates', () => {
  let zkServer: StartedZooKeeper;
  let proxy: TcpProxy;
  let zk: ZooKeeperClient;
  let observer: ZooKeeperClient;

  beforeAll(async () => {
    zkServer = await startZooKeeper();
    observer = createClient({ hosts: zkServer.connectString });
    await observer.start();
  });

  beforeEach(async () => {
    proxy = await TcpProxy.start(zkServer.connectString);
    zk = createClient({ hosts: proxy.address, sessionTimeout: 20_000, retry: { delay: 50, maxDelay: 200 } });
    await zk.start();
  });

  afterEach(async () => {
    await zk.close();
    await proxy.stop();
  });

  afterAll(async () => {
    await observer.close();
    await zkServer.stop();
  });

  /** Lets the create reach the server, loses its reply, then cuts the connection and lets the client back in. */
  async function loseTheReply(): Promise<void> {
    proxy.swallowReplies();
    await new Promise((r) => setTimeout(r, 200));
    proxy.refuse();
    await firstValueFrom(zk.state$.pipe(filter((s) => s === 'SUSPENDED')));
    proxy.accept();
  }

  it('finds the node it created when the reply was lost, and makes no second one', async () => {
    await firstValueFrom(observer.create('/jobs', ''));
    const created = firstValueFrom(zk.create('/jobs/job-', 'payload', { protected: true, sequential: true, ephemeral: true }));
    await loseTheReply();
    const path = await created;
    const children = await firstValueFrom(observer.getChildren('/jobs'));
    expect(children).toHaveLength(1);
    expect(path).toBe(`/jobs/${children[0]}`);
    expect(children[0]).toMatch(/^_c_[0-9a-f-]{36}-job-\d{10}$/);
    const stat = await firstValueFrom(observer.exists(path));
    expect(stat?.ephemeralOwner).toBe(zk.session!.id);
    expect((await firstValueFrom(observer.get(path))).data.toString()).toBe('payload');
  }, 30_000);

  it('never leaves two nodes for a sequential-ephemeral create under withRetry', async () => {
    await firstValueFrom(observer.create('/queue', ''));
    const created = firstValueFrom(
      zk.createWithStat('/queue/item-', 'x', { protected: true, sequential: true, ephemeral: true }).pipe(withRetry({ maxTries: 10, delay: 50 })),
    );
    await loseTheReply();
    const { path, stat } = await created;
    const children = await firstValueFrom(observer.getChildren('/queue'));
    expect(children.map((c) => `/queue/${c}`)).toEqual([path]);
    expect(stat.ephemeralOwner).toBe(zk.session!.id);
  }, 30_000);

  it('creates again when the lost create never reached the server', async () => {
    await firstValueFrom(observer.create('/tasks', ''));
    // Cut before the create is sent: it waits, goes out on the new connection, and succeeds once.
    proxy.refuse();
    await firstValueFrom(zk.state$.pipe(filter((s) => s === 'SUSPENDED')));
    const created = firstValueFrom(zk.create('/tasks/t-', '', { protected: true, sequential: true }));
    proxy.accept();
    const path = await created;
    expect(await firstValueFrom(observer.getChildren('/tasks'))).toEqual([path.slice('/tasks/'.length)]);
  }, 30_000);

  it('without protection, a lost reply is a ConnectionLossError and the node exists anyway', async () => {
    await firstValueFrom(observer.create('/plain', ''));
    const created = firstValueFrom(zk.create('/plain/p-', '', { sequential: true }));
    await loseTheReply();
    await expect(created).rejects.toThrow(/CONNECTIONLOSS/);
    expect(await firstValueFrom(observer.getChildren('/plain'))).toHaveLength(1);
  }, 30_000);
});
