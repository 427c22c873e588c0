// startZooKeeper({ connectionFactory }): the server runs the factory asked for (issue 14.1: the bench runs on both).
import { firstValueFrom } from 'rxjs';
import { createClient } from '../../src';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';

describe.each(['netty', 'nio'] as const)('startZooKeeper({ connectionFactory: %s })', (factory) => {
  let zkServer: StartedZooKeeper;
  const className = factory === 'netty' ? 'NettyServerCnxnFactory' : 'NIOServerCnxnFactory';

  beforeAll(async () => {
    zkServer = await startZooKeeper({ connectionFactory: factory });
  }, 60_000);

  afterAll(() => zkServer?.stop());

  it(`serves clients through the ${className}`, async () => {
    // The server names the factory it uses as it starts ("Using org.apache.zookeeper.server.…ServerCnxnFactory").
    expect(await zkServer.members[0].readLog()).toContain(`Using org.apache.zookeeper.server.${className}`);
    const zk = createClient({ hosts: zkServer.connectString });
    await zk.start();
    try {
      const path = await firstValueFrom(zk.create(`/factory-${factory}`, 'on it'));
      expect((await firstValueFrom(zk.get(path))).data.toString()).toBe('on it');
    } finally {
      await zk.close();
    }
  });
});
