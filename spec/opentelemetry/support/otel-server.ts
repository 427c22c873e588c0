// The set-up an rxzk/opentelemetry spec file shares: one ZooKeeper for the file, and for each test a fresh
// OpenTelemetry SDK (./otel: tracer and meter providers, in-memory span exporter, on-demand metric reader) that the
// test's clients are instrumented with. Registers its own hooks, so a spec file calls it once at the top. After each
// test, in this order: the test's own teardowns (afterTest: caches, watches), the instrumentation removed, the
// clients closed, the proxies stopped, the SDK shut down (so nothing of one test reports into the next one's SDK).
import type { ZooKeeperClient } from '../../../src';
import { instrumentZooKeeper } from '../../../src/opentelemetry';
import { extend, late } from '../../support/fixtures';
import { sharedServer, type ServerClients } from '../../support/shared-server';
import { startSdk, type OtelSdk } from './otel';

/** Its clients and proxies are released after each test. */
export interface OtelServer extends ServerClients {
  /** This test's SDK (a new one in beforeEach, shut down in afterEach). */
  readonly sdk: OtelSdk;
  /** Instruments `zk` with this test's SDK; removed after the test. Gives the function that removes it. */
  instrument(zk: ZooKeeperClient): () => void;
  /** Runs `teardown` after the test, before the instrumentation is removed (all of them side by side). */
  afterTest(teardown: () => unknown): void;
}

export function otelServer(): OtelServer {
  const shared = sharedServer();
  const sdk = late<OtelSdk>('the SDK starts in beforeEach');
  const teardowns: (() => unknown)[] = [];
  const uninstrument: (() => void)[] = [];
  const env: OtelServer = extend(shared.clients, {
    get sdk() {
      return sdk.get();
    },
    instrument(zk: ZooKeeperClient) {
      const stop = instrumentZooKeeper(zk, { tracerProvider: sdk.get().tracerProvider, meterProvider: sdk.get().meterProvider });
      uninstrument.push(stop);
      return stop;
    },
    afterTest(teardown: () => unknown) {
      teardowns.push(teardown);
    },
  });
  beforeAll(() => shared.start());
  beforeEach(() => {
    sdk.set(startSdk());
  });
  afterEach(async () => {
    await Promise.all(teardowns.splice(0).map((teardown) => teardown()));
    for (const stop of uninstrument.splice(0)) stop();
    await shared.release();
    await sdk.peek()?.shutdown();
    sdk.set(undefined);
  });
  afterAll(() => shared.stop());
  return env;
}
