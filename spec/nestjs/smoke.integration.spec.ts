import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { firstValueFrom } from 'rxjs';
import type { ZooKeeperClient } from '../../src';
import { InjectZooKeeper, ZooKeeperHealthIndicator, ZooKeeperModule, getZooKeeperToken } from '../../src/nestjs';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';

let zkServer: StartedZooKeeper;
beforeAll(async () => {
  zkServer = await startZooKeeper();
});
afterAll(() => zkServer?.stop());

@Injectable()
class Worker {
  constructor(@InjectZooKeeper() readonly zk: ZooKeeperClient) {}
}

it('starts the client with the module, injects it, reports health, and closes it on shutdown', async () => {
  @Module({ imports: [ZooKeeperModule.forRoot({ hosts: zkServer.connectString })], providers: [Worker] })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication();
  await app.init();
  const zk = app.get(Worker).zk;
  expect(zk).toBe(app.get(getZooKeeperToken()));
  expect(zk.state).toBe('CONNECTED');
  await firstValueFrom(zk.create('/nest-eph', 'x', { ephemeral: true }));
  expect(await app.get(ZooKeeperHealthIndicator).isHealthy()).toEqual({ zookeeper: { status: 'up', state: 'CONNECTED' } });
  await app.close();
  expect(zk.state).toBe('CLOSED');
});
