// rxzk/nestjs in a NestJS application (made with @nestjs/testing) against a real server: forRoot (global and not),
// forRootAsync, named clients, the client started while the module initialises, a bootstrap that fails with start()'s
// error within connectTimeout, and app.close() ending the session (its ephemerals gone, as seen by another client).
import 'reflect-metadata';
import { Inject, Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InvalidArgumentError, TimeoutError, ZooKeeperClient } from '../../src';
import { InjectZooKeeper, ZooKeeperModule, getZooKeeperToken } from '../../src/nestjs';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { clientPool, one, rejectionOf } from '../support/fixtures';
import { startSdk } from '../opentelemetry/support/otel';
import { refusedAddress } from './support';

let zkServer: StartedZooKeeper;
const pool = clientPool(() => zkServer.connectString);
const apps: INestApplication[] = [];

beforeAll(async () => {
  zkServer = await startZooKeeper();
}, 120_000);
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await pool.closeAll();
});
afterAll(() => zkServer?.stop(), 60_000);

/** Compiles and initialises an application around `root`; closed after the test. */
async function boot(root: new () => unknown): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [root] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  apps.push(app);
  await app.init();
  return app;
}

/** A provider that notes the client's state when Nest constructs it: what "started while the module initialises" means to it. */
@Injectable()
class Worker {
  readonly stateAtConstruction: string;
  constructor(@InjectZooKeeper() readonly zk: ZooKeeperClient) {
    this.stateAtConstruction = zk.state;
  }
}

describe('ZooKeeperModule.forRoot', () => {
  it('is global by default: a feature module that does not import it gets the started client', async () => {
    @Module({ providers: [Worker], exports: [Worker] })
    class FeatureModule {}
    @Module({ imports: [ZooKeeperModule.forRoot({ hosts: zkServer.connectString }), FeatureModule] })
    class AppModule {}
    const app = await boot(AppModule);
    const worker = app.get(Worker);
    expect(worker.stateAtConstruction).toBe('CONNECTED');
    expect(worker.zk).toBe(app.get(getZooKeeperToken()));
    // 'default' names the unnamed client, as the NestJS ecosystem names it (@nestjs/typeorm's DEFAULT_DATA_SOURCE_NAME).
    expect(app.get(getZooKeeperToken('default'))).toBe(worker.zk);
    expect(await one(worker.zk.create('/forroot', 'x'))).toBe('/forroot');
  });

  it('with global: false, only modules that import it can inject the client', async () => {
    @Module({ providers: [Worker] })
    class Outsider {}
    @Module({ imports: [ZooKeeperModule.forRoot({ hosts: zkServer.connectString, global: false }), Outsider] })
    class AppModule {}
    // Nest may have made (and so started) the client before it found Worker unresolvable; a compile that fails runs
    // no shutdown hook, so the test closes what was started (NestFactory.create aborts the process in that case).
    const started: ZooKeeperClient[] = [];
    const original = ZooKeeperClient.prototype.start;
    const start = jest.spyOn(ZooKeeperClient.prototype, 'start').mockImplementation(function (this: ZooKeeperClient) {
      started.push(this);
      return original.call(this);
    });
    const failure = await rejectionOf(Test.createTestingModule({ imports: [AppModule] }).compile()).finally(() => start.mockRestore());
    await Promise.all(started.map((zk) => zk.close()));
    expect(failure.message).toMatch(/Nest can't resolve dependencies of the Worker/);

    @Module({ imports: [ZooKeeperModule.forRoot({ hosts: zkServer.connectString, global: false })], providers: [Worker] })
    class Insider {}
    const app = await boot(Insider);
    expect(app.get(Worker).zk.state).toBe('CONNECTED');
  });

  it('registers several named clients, injected by @InjectZooKeeper(name) and found by getZooKeeperToken(name)', async () => {
    @Injectable()
    class TwoClients {
      constructor(
        @InjectZooKeeper('main') readonly main: ZooKeeperClient,
        @Inject(getZooKeeperToken('audit')) readonly audit: ZooKeeperClient,
      ) {}
    }
    @Module({
      imports: [
        ZooKeeperModule.forRoot({ hosts: zkServer.connectString, name: 'main' }),
        ZooKeeperModule.forRoot({ hosts: zkServer.connectString, name: 'audit', sessionTimeout: 6_000 }),
      ],
      providers: [TwoClients],
    })
    class AppModule {}
    const app = await boot(AppModule);
    const { main, audit } = app.get(TwoClients);
    expect(main).not.toBe(audit);
    expect(main).toBe(app.get(getZooKeeperToken('main')));
    expect(audit).toBe(app.get(getZooKeeperToken('audit')));
    expect([main.state, audit.state]).toEqual(['CONNECTED', 'CONNECTED']);
    // Two sessions: the options reached each client (the audit one negotiated its own timeout).
    expect(main.session!.id).not.toBe(audit.session!.id);
    expect(audit.session!.timeout).toBe(6_000);
    // No default client was registered.
    expect(() => app.get(getZooKeeperToken())).toThrow();
    await app.close();
    expect([main.state, audit.state]).toEqual(['CLOSED', 'CLOSED']);
  });
});

describe('ZooKeeperModule.forRootAsync', () => {
  it('builds the options with a factory whose dependencies are injected from its imports', async () => {
    const ZK_HOSTS = 'ZK_HOSTS';
    @Module({ providers: [{ provide: ZK_HOSTS, useValue: zkServer.connectString }], exports: [ZK_HOSTS] })
    class ConfigModule {}
    const factory = jest.fn(async (hosts: string) => ({ hosts, sessionTimeout: 8_000 }));
    @Module({
      imports: [ZooKeeperModule.forRootAsync({ imports: [ConfigModule], inject: [ZK_HOSTS], useFactory: factory }), ConfigModule],
      providers: [Worker],
    })
    class AppModule {}
    const app = await boot(AppModule);
    expect(factory).toHaveBeenCalledWith(zkServer.connectString);
    const worker = app.get(Worker);
    expect(worker.stateAtConstruction).toBe('CONNECTED');
    expect(worker.zk.session!.timeout).toBe(8_000);
  });

  it('names the client and can be non-global', async () => {
    @Injectable()
    class Named {
      constructor(@InjectZooKeeper('cfg') readonly zk: ZooKeeperClient) {}
    }
    @Module({
      imports: [ZooKeeperModule.forRootAsync({ name: 'cfg', global: false, useFactory: () => ({ hosts: zkServer.connectString }) })],
      providers: [Named],
    })
    class AppModule {}
    const app = await boot(AppModule);
    expect(app.get(Named).zk.state).toBe('CONNECTED');
  });
});

describe('bootstrap and shutdown', () => {
  it('fails bootstrap with the error start() rejects with, within connectTimeout', async () => {
    const hosts = await refusedAddress();
    const connectTimeout = 1_500;
    // What start() itself rejects with, to compare against.
    const bare = await rejectionOf(pool.client({ hosts, connectTimeout }).start());
    expect(bare).toBeInstanceOf(TimeoutError);

    @Module({ imports: [ZooKeeperModule.forRoot({ hosts, connectTimeout })], providers: [Worker] })
    class AppModule {}
    const startedAt = Date.now();
    const failure = await rejectionOf(
      Test.createTestingModule({ imports: [AppModule] })
        .compile()
        .then((moduleRef) => moduleRef.createNestApplication({ logger: false }).init()),
    );
    const elapsed = Date.now() - startedAt;
    expect(failure).toBeInstanceOf(bare.constructor);
    expect(failure.message).toBe(bare.message);
    expect(elapsed).toBeGreaterThanOrEqual(connectTimeout - 50);
    expect(elapsed).toBeLessThan(connectTimeout + 5_000);
  });

  it('forRootAsync: a factory that throws fails bootstrap with its error', async () => {
    const boom = new Error('no configuration');
    @Module({ imports: [ZooKeeperModule.forRootAsync({ useFactory: () => Promise.reject(boom) })] })
    class AppModule {}
    expect(await rejectionOf(Test.createTestingModule({ imports: [AppModule] }).compile())).toBe(boom);
  });

  it('app.close() closes the client: its ephemerals are gone at once, as another client sees', async () => {
    @Module({ imports: [ZooKeeperModule.forRoot({ hosts: zkServer.connectString })], providers: [Worker] })
    class AppModule {}
    const app = await boot(AppModule);
    const zk = app.get(Worker).zk;
    await one(zk.create('/nest-owned', 'alive', { ephemeral: true }));
    const other = await pool.connect();
    expect(await one(other.exists('/nest-owned'))).not.toBeNull();
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    expect(zk.state).toBe('CLOSED');
    // close() waits for the server to close the session, which deletes its ephemerals before answering.
    expect(await one(other.exists('/nest-owned'))).toBeNull();
  });

  it('closes the client after the other providers released what they hold (onModuleDestroy runs first)', async () => {
    const seen: string[] = [];
    @Injectable()
    class Holder {
      constructor(@InjectZooKeeper() readonly zk: ZooKeeperClient) {}
      async onModuleDestroy(): Promise<void> {
        seen.push(`destroy@${this.zk.state}`);
        await one(this.zk.delete('/held'));
      }
    }
    @Module({ imports: [ZooKeeperModule.forRoot({ hosts: zkServer.connectString })], providers: [Holder] })
    class AppModule {}
    const app = await boot(AppModule);
    await one(app.get(Holder).zk.create('/held', ''));
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    expect(seen).toEqual(['destroy@CONNECTED']);
    const other = await pool.connect();
    expect(await one(other.exists('/held'))).toBeNull();
  });
});

describe('ZooKeeperModule.forRoot({ openTelemetry })', () => {
  it('true: the client reports to the global OpenTelemetry providers, from its connection on, until it closes', async () => {
    const sdk = startSdk();
    sdk.registerGlobally();
    try {
      @Module({ imports: [ZooKeeperModule.forRoot({ hosts: zkServer.connectString, openTelemetry: true })], providers: [Worker] })
      class AppModule {}
      const app = await boot(AppModule);
      const { zk } = app.get(Worker);
      await zk.create('/traced', 'x');
      expect(sdk.spans().map((s) => s.name)).toEqual(['zookeeper create']);
      expect(await sdk.point('zookeeper.client.connection.state', { state: 'CONNECTED' })).toMatchObject({ value: 1 });
      await app.close();
      apps.splice(apps.indexOf(app), 1);
      await pool.connect().then((other) => other.delete('/traced'));
      expect(sdk.openSpans()).toBe(0);
      expect(sdk.spans()).toHaveLength(1);
    } finally {
      await sdk.shutdown();
    }
  });

  it('absent or false: nothing reported; not a boolean: refused', async () => {
    const sdk = startSdk();
    sdk.registerGlobally();
    try {
      @Module({ imports: [ZooKeeperModule.forRoot({ hosts: zkServer.connectString, openTelemetry: false })], providers: [Worker] })
      class AppModule {}
      const app = await boot(AppModule);
      await app.get(Worker).zk.exists('/');
      expect(sdk.spans()).toEqual([]);
      expect(await sdk.points('zookeeper.client.operation.duration')).toEqual([]);
      expect(() => ZooKeeperModule.forRoot({ hosts: zkServer.connectString, openTelemetry: 'yes' as never })).toThrow(InvalidArgumentError);
    } finally {
      await sdk.shutdown();
    }
  });
});
