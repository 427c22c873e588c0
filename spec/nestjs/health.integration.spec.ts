// ZooKeeperHealthIndicator beside @nestjs/terminus' TerminusModule, against a real server: up while connected, down
// with the connection state when the connection is cut (through a TcpProxy), in terminus' own result shape.
import 'reflect-metadata';
import { Controller, Get, Injectable, Module, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import type { ZooKeeperClient } from '../../src';
import { InjectZooKeeper, ZooKeeperHealthIndicator, ZooKeeperModule } from '../../src/nestjs';
import { TcpProxy, startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { until } from '../support/fixtures';

let zkServer: StartedZooKeeper;
let proxy: TcpProxy;
let app: INestApplication;

@Injectable()
class Clients {
  constructor(@InjectZooKeeper() readonly zk: ZooKeeperClient) {}
}

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly zk: ZooKeeperHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.zk.isHealthy('zookeeper'), () => this.zk.isHealthy('zookeeper-audit', 'audit')]);
  }
}

beforeAll(async () => {
  zkServer = await startZooKeeper();
  proxy = await TcpProxy.start(zkServer.connectString);
  @Module({
    imports: [
      TerminusModule.forRoot({ logger: false }),
      ZooKeeperModule.forRoot({ hosts: proxy.address, sessionTimeout: 30_000 }),
      ZooKeeperModule.forRoot({ hosts: zkServer.connectString, name: 'audit' }),
    ],
    controllers: [HealthController],
    providers: [Clients],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
}, 120_000);
afterAll(async () => {
  await app?.close();
  await proxy?.stop();
  await zkServer?.stop();
}, 60_000);

describe('ZooKeeperHealthIndicator', () => {
  it('is up with the state while connected, in the HealthCheckService result', async () => {
    const indicator = app.get(ZooKeeperHealthIndicator);
    expect(await indicator.isHealthy()).toEqual({ zookeeper: { status: 'up', state: 'CONNECTED' } });
    expect(await app.get(HealthController).check()).toEqual({
      status: 'ok',
      info: { zookeeper: { status: 'up', state: 'CONNECTED' }, 'zookeeper-audit': { status: 'up', state: 'CONNECTED' } },
      error: {},
      details: { zookeeper: { status: 'up', state: 'CONNECTED' }, 'zookeeper-audit': { status: 'up', state: 'CONNECTED' } },
    });
  });

  it('is down with { state } while the connection is cut, never throwing; HealthCheckService answers 503; up again after', async () => {
    const zk = app.get(Clients).zk;
    const indicator = app.get(ZooKeeperHealthIndicator);
    proxy.refuse();
    try {
      await until(zk, 'SUSPENDED');
      expect(await indicator.isHealthy('zk')).toEqual({ zk: { status: 'down', state: 'SUSPENDED' } });
      const failure = await app.get(HealthController).check().then(
        () => null,
        (err: { getStatus(): number; getResponse(): unknown }) => err,
      );
      expect(failure?.getStatus()).toBe(503);
      expect(failure?.getResponse()).toEqual({
        status: 'error',
        info: { 'zookeeper-audit': { status: 'up', state: 'CONNECTED' } },
        error: { zookeeper: { status: 'down', state: 'SUSPENDED' } },
        details: { zookeeper: { status: 'down', state: 'SUSPENDED' }, 'zookeeper-audit': { status: 'up', state: 'CONNECTED' } },
      });
    } finally {
      proxy.accept();
    }
    await until(zk, 'CONNECTED');
    expect(await indicator.isHealthy()).toEqual({ zookeeper: { status: 'up', state: 'CONNECTED' } });
  });

  it('reports a name no module registered as down, without throwing', async () => {
    expect(await app.get(ZooKeeperHealthIndicator).isHealthy('zookeeper', 'nobody')).toEqual({
      zookeeper: { status: 'down', state: 'NOT_REGISTERED' },
    });
  });
});
