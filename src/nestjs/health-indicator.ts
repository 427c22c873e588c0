import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ZooKeeperClient } from '../index';
import { getZooKeeperToken } from './tokens';

/** A terminus indicator result: `{ [key]: { status, ...details } }`. */
export type ZooKeeperHealthResult = Record<
  string,
  {
    /** terminus' status of this indicator: up while the client is connected. */
    status: 'up' | 'down';
    [detail: string]: unknown;
  }
>;

/** What is used of @nestjs/terminus (an optional peer): its ≥ 11 HealthIndicatorService, or its older HealthCheckError. */
interface Terminus {
  HealthIndicatorService?: new () => {
    check(key: string): { up(data?: Record<string, unknown>): ZooKeeperHealthResult; down(data?: Record<string, unknown>): ZooKeeperHealthResult };
  };
  HealthCheckError?: new (message: string, causes: unknown) => Error;
}

/**
 * @nestjs/terminus if the application has it; loaded when first asked for, never at import, and the way the application
 * loads its framework: require() in the CommonJS build (and under ts-jest), import() in the ES module build — so under
 * tsx and jest it is the application's own copy of terminus.
 */
let terminus: Promise<Terminus | null> | undefined;
function loadTerminus(): Promise<Terminus | null> {
  terminus ??= (typeof require === 'function' ? Promise.resolve().then(() => require('@nestjs/terminus') as Terminus) : import('@nestjs/terminus')).catch(
    () => null,
  );
  return terminus;
}

/**
 * A @nestjs/terminus health indicator for the module's clients: up while
 * connected (CONNECTED or CONNECTED_READ_ONLY), down with the connection
 * `state` otherwise. It follows terminus' conventions: on terminus ≥ 11 the
 * result comes from `HealthIndicatorService.check(key).up()/down()`; on older
 * ones a client that is down throws terminus' `HealthCheckError` (which
 * `HealthCheckService` reports as down). It never throws anything else.
 *
 * @example
 * @Controller('health')
 * class HealthController {
 *   constructor(private readonly health: HealthCheckService, private readonly zk: ZooKeeperHealthIndicator) {}
 *   @Get() @HealthCheck()
 *   check() { return this.health.check([() => this.zk.isHealthy('zookeeper')]); }
 * }
 */
export class ZooKeeperHealthIndicator {
  /** Made by NestJS; it finds the clients (by name) through the module reference. */
  constructor(private readonly moduleRef: ModuleRef) {}

  /**
   * The health of the client named `name` (the default client when absent), under `key`.
   *
   * @example
   * await indicator.isHealthy(); // { zookeeper: { status: 'up', state: 'CONNECTED' } }
   */
  async isHealthy(key = 'zookeeper', name?: string): Promise<ZooKeeperHealthResult> {
    let state: string;
    try {
      state = this.moduleRef.get<ZooKeeperClient>(getZooKeeperToken(name), { strict: false }).state;
    } catch {
      state = 'NOT_REGISTERED';
    }
    const up = state === 'CONNECTED' || state === 'CONNECTED_READ_ONLY';
    const t = await loadTerminus();
    if (t?.HealthIndicatorService !== undefined) {
      const service = this.healthIndicatorService(t.HealthIndicatorService);
      const session = service.check(key);
      return up ? session.up({ state }) : session.down({ state });
    }
    const result: ZooKeeperHealthResult = { [key]: { status: up ? 'up' : 'down', state } };
    if (!up && t?.HealthCheckError !== undefined) throw new t.HealthCheckError(`ZooKeeper is ${state}`, result);
    return result;
  }

  /** The application's HealthIndicatorService (from TerminusModule), or one of our own: it holds no state. */
  private healthIndicatorService(Service: NonNullable<Terminus['HealthIndicatorService']>): InstanceType<NonNullable<Terminus['HealthIndicatorService']>> {
    try {
      return this.moduleRef.get(Service, { strict: false });
    } catch {
      return new Service();
    }
  }
}

Injectable()(ZooKeeperHealthIndicator);
// ModuleRef by class: no emitted design metadata to read it from.
Reflect.defineMetadata('design:paramtypes', [ModuleRef], ZooKeeperHealthIndicator);
