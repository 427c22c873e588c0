import { Inject, Module, type DynamicModule, type FactoryProvider, type ModuleMetadata, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { createClient, InvalidArgumentError, type ClientOptions, type ZooKeeperClient } from '../index';
import { instrumentZooKeeper } from '../opentelemetry/index';
import { ZooKeeperHealthIndicator } from './health-indicator';
import { getOptionsToken, getZooKeeperToken } from './tokens';

/** Options of `ZooKeeperModule.forRoot`: the client's, plus its name, whether the module is global (default true) and OpenTelemetry. */
export type ZooKeeperModuleOptions = ClientOptions & {
  /** The client's name, for several clients in one application (`@InjectZooKeeper(name)`); default: the unnamed client. */
  name?: string;
  /** Whether every module can inject the client without importing this one (default true). */
  global?: boolean;
  /**
   * `true` instruments the client with OpenTelemetry (rxzk/opentelemetry's `instrumentZooKeeper`) with the global
   * tracer and meter providers, those your OpenTelemetry setup registered before the application starts; removed
   * when the client closes. Needs the optional peer `@opentelemetry/api`. Default: off. (Other providers: call
   * `instrumentZooKeeper` yourself, with the injected client.)
   */
  openTelemetry?: boolean;
};

/** Options of `ZooKeeperModule.forRootAsync`: the client's options made by a factory with injected dependencies. */
export interface ZooKeeperModuleAsyncOptions {
  /** Modules whose providers the factory needs (a ConfigModule, say). */
  imports?: ModuleMetadata['imports'];
  /** The tokens whose providers are passed to `useFactory`, in order. */
  inject?: FactoryProvider['inject'];
  /** Makes the client's options from the injected dependencies; may be async. */
  useFactory: (...deps: never[]) => ClientOptions | Promise<ClientOptions>;
  /** The client's name, for several clients in one application; default: the unnamed client. */
  name?: string;
  /** Whether every module can inject the client without importing this one (default true). */
  global?: boolean;
  /** `true` instruments the client with OpenTelemetry, as `forRoot`'s option of the same name. Default: off. */
  openTelemetry?: boolean;
}

/** This module's own client, whatever its name: how the module instance finds the client to close. */
const MODULE_CLIENT = 'rxzk:module-client';

/** What removes each module client's OpenTelemetry instrumentation, once it is closed. */
const instrumented = new WeakMap<ZooKeeperClient, () => void>();

/**
 * ZooKeeper for NestJS: registers a started `ZooKeeperClient` as a provider
 * (`@InjectZooKeeper()`), started while the module initialises — bootstrap
 * fails with `start()`'s error, after at most `connectTimeout` — and closed on
 * application shutdown (after every `onModuleDestroy`, so that other
 * providers can still release their locks), which deletes its ephemerals.
 * Several clients: give each a `name`.
 *
 * @example
 * @Module({ imports: [ZooKeeperModule.forRoot({ hosts: 'zk1:2181,zk2:2181/app' })] })
 * export class AppModule {}
 *
 * @Injectable()
 * export class Jobs {
 *   constructor(@InjectZooKeeper() private readonly zk: ZooKeeperClient) {}
 * }
 */
export class ZooKeeperModule implements OnApplicationShutdown {
  /** Made by NestJS with this module's own client, which it closes on application shutdown. */
  constructor(private readonly zk: ZooKeeperClient) {}

  /**
   * A client from static options.
   *
   * @example
   * ZooKeeperModule.forRoot({ hosts: process.env.ZK_HOSTS!, sessionTimeout: 10_000, name: 'registry' })
   */
  static forRoot(options: ZooKeeperModuleOptions): DynamicModule {
    // createClient refuses keys it does not know: the module's own are taken off first.
    const { name, global, openTelemetry, ...clientOptions } = options;
    return ZooKeeperModule.build(name, global, openTelemetry, [{ provide: getOptionsToken(name), useValue: clientOptions }], []);
  }

  /**
   * A client whose options a factory makes (from a ConfigService, say).
   *
   * @example
   * ZooKeeperModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ hosts: config.getOrThrow('ZK_HOSTS') }),
   *   openTelemetry: true,
   * })
   */
  static forRootAsync(options: ZooKeeperModuleAsyncOptions): DynamicModule {
    const { name, global, openTelemetry, imports = [], inject = [], useFactory } = options;
    const optionsProvider: FactoryProvider = { provide: getOptionsToken(name), useFactory: useFactory as (...deps: unknown[]) => unknown, inject };
    return ZooKeeperModule.build(name, global, openTelemetry, [optionsProvider], imports);
  }

  private static build(
    name: string | undefined,
    global: boolean | undefined,
    openTelemetry: boolean | undefined,
    optionProviders: Provider[],
    imports: ModuleMetadata['imports'],
  ): DynamicModule {
    if (openTelemetry !== undefined && typeof openTelemetry !== 'boolean') {
      throw new InvalidArgumentError(`ZooKeeperModule option openTelemetry must be a boolean, not ${typeof openTelemetry}`);
    }
    const token = getZooKeeperToken(name);
    const client: FactoryProvider = {
      provide: token,
      // Started here, awaited by Nest before the module's dependants are made: a start() that fails fails bootstrap.
      useFactory: async (clientOptions: ClientOptions) => {
        const zk = createClient(clientOptions);
        // Before start(): the connection and the first requests are seen too.
        if (openTelemetry === true) instrumented.set(zk, instrumentZooKeeper(zk));
        try {
          await zk.start();
        } catch (err) {
          instrumented.get(zk)?.();
          throw err;
        }
        return zk;
      },
      inject: [getOptionsToken(name)],
    };
    return {
      module: ZooKeeperModule,
      global: global ?? true,
      imports,
      providers: [...optionProviders, client, { provide: MODULE_CLIENT, useExisting: token }, ZooKeeperHealthIndicator],
      exports: [token, ZooKeeperHealthIndicator],
    };
  }

  /**
   * Closes this module's client once the application shuts down (its session ends: its ephemerals go at once).
   * NestJS calls it on `app.close()`, and on a signal once shutdown hooks are enabled.
   *
   * @example
   * const app = await NestFactory.create(AppModule);
   * app.enableShutdownHooks(); // SIGTERM → onApplicationShutdown → zk.close()
   */
  async onApplicationShutdown(): Promise<void> {
    await this.zk.close();
    instrumented.get(this.zk)?.();
  }
}

// Decorators applied as calls: the package is compiled without TypeScript's experimental decorators.
Inject(MODULE_CLIENT)(ZooKeeperModule, undefined, 0);
Module({})(ZooKeeperModule);
