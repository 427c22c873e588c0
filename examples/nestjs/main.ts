/**
 * A NestJS application on rxzk/nestjs: a configuration service built from watchData$ through RxJS
 * operators, a job that runs only on the leader (whileLeader(new LeaderLatch(…)) from rxzk/recipes),
 * and a /health endpoint through @nestjs/terminus and ZooKeeperHealthIndicator. Two instances of the
 * application run side by side on one throwaway server: only one of them runs the job. With
 * `openTelemetry: true` each client reports to the application's OpenTelemetry (../observability/telemetry.ts:
 * traces to the console, metrics on GET /metrics in Prometheus' format, scraped with curl at the end).
 *
 *   npx tsx examples/nestjs/main.ts
 *
 * (Injection tokens are written out with @Inject: tsx, like other esbuild-based runners, emits no
 * decorator metadata for constructor types.)
 */
import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Inject, Injectable, Module, Req, Res, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { distinctUntilChanged, filter, firstValueFrom, interval, lastValueFrom, map, shareReplay, switchMap, type Observable, type Subscription } from 'rxjs';
import { createClient, type ZooKeeperClient } from 'rxzk';
import { InjectZooKeeper, ZooKeeperHealthIndicator, ZooKeeperModule } from 'rxzk/nestjs';
import { LeaderLatch, whileLeader } from 'rxzk/recipes';
import { startZooKeeper } from 'rxzk/testing';
import { scrapeZooKeeperSeries, setUpOpenTelemetry, type Telemetry } from '../observability/telemetry';

const CONFIG_PATH = '/app/config';
interface AppConfig {
  jobEveryMs: number;
}

/** The application's configuration, followed live: parsed, defaulted, repeats dropped, shared by every reader. */
@Injectable()
class ConfigService {
  readonly config$: Observable<AppConfig>;
  constructor(@InjectZooKeeper() zk: ZooKeeperClient) {
    this.config$ = zk.watchData$(CONFIG_PATH).pipe(
      map((node): AppConfig => ({ jobEveryMs: 200, ...(node === null ? {} : (JSON.parse(node.data.toString()) as Partial<AppConfig>)) })),
      distinctUntilChanged((a, b) => a.jobEveryMs === b.jobEveryMs),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
  }
}

/** A job that runs only while this instance leads: every `jobEveryMs`, it bumps a counter node. */
@Injectable()
class LeaderJob implements OnModuleInit, OnModuleDestroy {
  runs = 0;
  private subscription: Subscription | null = null;
  constructor(
    @InjectZooKeeper() private readonly zk: ZooKeeperClient,
    @Inject(ConfigService) private readonly config: ConfigService,
  ) {}

  onModuleInit(): void {
    const latch = new LeaderLatch(this.zk, '/app/leader');
    this.subscription = this.config.config$
      .pipe(
        switchMap(({ jobEveryMs }) => interval(jobEveryMs)),
        switchMap(() => this.zk.set('/app/runs', String(++this.runs))),
        whileLeader(latch),
      )
      .subscribe({ error: (err: unknown) => console.error('job failed', err) });
  }

  // Before the client closes (rxzk/nestjs closes it on shutdown, after every onModuleDestroy): leave the election.
  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}

/** The Prometheus endpoint, on the application's own HTTP server. */
@Controller('metrics')
class MetricsController {
  static telemetry: Telemetry | null = null;

  @Get()
  metrics(@Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    MetricsController.telemetry?.metricsHandler(request, response);
  }
}

@Controller('health')
class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(ZooKeeperHealthIndicator) private readonly zk: ZooKeeperHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.zk.isHealthy('zookeeper')]);
  }
}

function appModule(hosts: string): new () => unknown {
  @Module({
    // openTelemetry: the client reports to the global providers the application registered before it starts.
    imports: [TerminusModule.forRoot({ logger: false }), ZooKeeperModule.forRoot({ hosts, openTelemetry: true })],
    controllers: [HealthController, MetricsController],
    providers: [ConfigService, LeaderJob],
  })
  class AppModule {}
  return AppModule;
}

async function main(): Promise<void> {
  const telemetry = setUpOpenTelemetry();
  MetricsController.telemetry = telemetry;
  const server = await startZooKeeper();
  const admin = createClient({ hosts: server.connectString });
  try {
    await admin.start();
    await lastValueFrom(admin.ensurePath('/app/runs'), { defaultValue: undefined });
    await firstValueFrom(admin.create(CONFIG_PATH, JSON.stringify({ jobEveryMs: 100 })));

    const apps = await Promise.all([1, 2].map(() => NestFactory.create(appModule(server.connectString), { logger: false })));
    await Promise.all(apps.map((app) => app.listen(0, '127.0.0.1')));

    // The leader's job runs; wait until it has run a few times (the counter node, watched).
    await firstValueFrom(admin.watchData$('/app/runs').pipe(filter((n) => Number(n?.data.toString() ?? 0) >= 5)));
    const runs = apps.map((app) => app.get(LeaderJob).runs);
    console.log(`job runs per instance: ${runs.join(', ')} (only the leader runs it)`);
    if (runs.filter((n) => n > 0).length !== 1) throw new Error('the job ran on more than one instance');

    for (const [i, app] of apps.entries()) {
      const response = await fetch(`${await app.getUrl()}/health`);
      console.log(`instance ${i + 1} GET /health -> ${response.status} ${await response.text()}`);
    }
    // Both instances' clients report to the one MeterProvider: the series add them up (two clients CONNECTED).
    const series = await scrapeZooKeeperSeries(`${await apps[0].getUrl()}/metrics`);
    const shown = series.filter((line) => /operation_duration_count|connection_state|reconnects/.test(line));
    console.log(`curl /metrics (some of rxzk's series):\n${shown.map((line) => `  ${line}`).join('\n')}`);

    // The leader shuts down: the other instance takes the job over.
    const leader = runs[0] > 0 ? 0 : 1;
    const follower = apps[1 - leader];
    await apps[leader].close();
    const runsBefore = follower.get(LeaderJob).runs;
    await firstValueFrom(admin.watchData$('/app/runs').pipe(filter(() => follower.get(LeaderJob).runs >= runsBefore + 3)));
    console.log(`after instance ${leader + 1} shut down, instance ${2 - leader} ran the job ${follower.get(LeaderJob).runs} times`);
    await follower.close();
  } finally {
    await admin.close();
    await server.stop();
    await telemetry.shutdown();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
