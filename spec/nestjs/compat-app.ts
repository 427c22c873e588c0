// The tiny NestJS app spec/nestjs/compat.integration.spec.ts runs in a throwaway directory (plain JavaScript, no
// decorator syntax: decorators applied as calls), as CommonJS or as an ES module. It prints one JSON object.

/** The app's source for `format`: only the imports differ. */
export function appSource(format: 'cjs' | 'mjs'): string {
  const imports =
    format === 'cjs'
      ? `const { Inject, Injectable, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { createClient } = require('rxzk');
const { InjectZooKeeper, ZooKeeperHealthIndicator, ZooKeeperModule, getZooKeeperToken } = require('rxzk/nestjs');
const nestVersion = require('@nestjs/core/package.json').version;
const net = require('node:net');
require('reflect-metadata');`
      : `import 'reflect-metadata';
import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createClient } from 'rxzk';
import { InjectZooKeeper, ZooKeeperHealthIndicator, ZooKeeperModule, getZooKeeperToken } from 'rxzk/nestjs';
import { createRequire } from 'node:module';
import net from 'node:net';
const nestVersion = createRequire(import.meta.url)('@nestjs/core/package.json').version;`;
  return `${imports}
const hosts = process.argv[2];
const path = '/compat-' + process.pid;
const one = (o) => new Promise((resolve, reject) => { const s = o.subscribe({ next: (v) => { resolve(v); s?.unsubscribe(); }, error: reject, complete: () => resolve(undefined) }); });

class Worker { constructor(zk) { this.zk = zk; this.stateAtConstruction = zk.state; } }
Injectable()(Worker);
InjectZooKeeper()(Worker, undefined, 0);

async function refused() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  return '127.0.0.1:' + port;
}

async function main() {
  const seen = { nestVersion };
  class AppModule {}
  Module({ imports: [ZooKeeperModule.forRoot({ hosts })], providers: [Worker] })(AppModule);
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  app.enableShutdownHooks();
  const worker = app.get(Worker);
  const zk = worker.zk;
  seen.stateAtConstruction = worker.stateAtConstruction;
  seen.sameAsToken = app.get(getZooKeeperToken()) === zk;
  await one(zk.create(path, 'x', { ephemeral: true }));
  const other = createClient({ hosts });
  await other.start();
  seen.ephemeralWhileUp = (await one(other.exists(path))) === null ? 'gone' : 'present';
  const indicator = app.get(ZooKeeperHealthIndicator);
  seen.healthUp = await indicator.isHealthy();
  try {
    seen.healthDown = await indicator.isHealthy('zookeeper', 'nobody');
  } catch (err) {
    seen.healthDown = err.causes;
  }
  await app.close();
  seen.stateAfterClose = zk.state;
  seen.ephemeralAfterClose = (await one(other.exists(path))) === null ? 'gone' : 'present';
  await other.close();

  class Unreachable {}
  Module({ imports: [ZooKeeperModule.forRoot({ hosts: await refused(), connectTimeout: 1000 })] })(Unreachable);
  try {
    const failing = await NestFactory.createApplicationContext(Unreachable, { logger: false, abortOnError: false });
    await failing.close();
    seen.bootstrapError = 'none';
  } catch (err) {
    seen.bootstrapError = err.constructor.name;
  }
  return seen;
}
main().then((seen) => { console.log(JSON.stringify(seen)); process.exit(0); }, (err) => { console.error(err); process.exit(1); });
`;
}
