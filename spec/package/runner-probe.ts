// The small program spec/package/runners.integration.spec.ts runs in an app that installed the packed rxzk beside one
// framework major, under each runner. It is plain JavaScript (valid TypeScript too, so tsx, ts-jest and vitest run the
// same code), with decorators applied as calls, and writes what it saw as JSON to the file PROBE_OUT names. The header
// differs by module format: an ES module imports the framework and rxzk, a CommonJS one require()s them — as an app of
// that format does — and each then loads rxzk the other way too, to compare the objects.

export type Framework = 'nestjs' | 'angular';
export type Format = 'esm' | 'cjs';

const entries = (framework: Framework): string[] => ['rxzk', 'rxzk/testing', 'rxzk/recipes', `rxzk/${framework}`];

function header(framework: Framework, format: Format): string {
  const names = entries(framework);
  if (format === 'esm') {
    return [
      `import * as fs from 'node:fs';`,
      `import * as net from 'node:net';`,
      `import { createRequire } from 'node:module';`,
      framework === 'nestjs'
        ? `import 'reflect-metadata';\nimport * as common from '@nestjs/common';\nimport * as core from '@nestjs/core';`
        : `import * as ng from '@angular/core';`,
      ...names.map((e, i) => `import * as m${i} from '${e}';`),
      `const ENTRIES = ${JSON.stringify(names)};`,
      `const app = { ${names.map((e, i) => `'${e}': m${i}`).join(', ')} };`,
      `const requireHere = createRequire(import.meta.url);`,
      `async function bothWays() {`,
      `  const seen = { esm: app, cjs: null };`,
      `  try { seen.cjs = Object.fromEntries(ENTRIES.map((e) => [e, requireHere(e)])); } catch (err) { seen.otherError = String(err); }`,
      `  return seen;`,
      `}`,
    ].join('\n');
  }
  return [
    `const fs = require('node:fs');`,
    `const net = require('node:net');`,
    framework === 'nestjs'
      ? `require('reflect-metadata');\nconst common = require('@nestjs/common');\nconst core = require('@nestjs/core');`
      : `const ng = require('@angular/core');`,
    `const ENTRIES = ${JSON.stringify(names)};`,
    `const app = Object.fromEntries(ENTRIES.map((e) => [e, require(e)]));`,
    `async function bothWays() {`,
    `  const seen = { esm: null, cjs: app };`,
    `  try { seen.esm = Object.fromEntries(await Promise.all(ENTRIES.map(async (e) => [e, await import(e)]))); } catch (err) { seen.otherError = String(err); }`,
    `  return seen;`,
    `}`,
  ].join('\n');
}

const COMMON = `
const hosts = process.env.PROBE_HOSTS;
const version = (name) => JSON.parse(fs.readFileSync(process.cwd() + '/node_modules/' + name + '/package.json', 'utf8')).version;
const one = (o) => new Promise((resolve, reject) => { let last; o.subscribe({ next: (v) => { last = v; }, error: reject, complete: () => resolve(last) }); });
const thrownBy = (rxzk) => { try { rxzk.createClient({ hosts, sessionTimeout: -1 }); } catch (err) { return err; } return null; };
async function refusedHost() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  return '127.0.0.1:' + port;
}
function until(zk, state) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ' + state + ' within 20 s')), 20000);
    const sub = zk.state$.subscribe((s) => { if (s === state) { clearTimeout(timer); resolve(); queueMicrotask(() => sub.unsubscribe()); } });
  });
}

async function probe() {
  const seen = { node: process.version };
  const { esm, cjs, otherError } = await bothWays();
  seen.otherError = otherError ?? null;
  const both = [esm, cjs].filter((m) => m !== null);
  seen.different = esm && cjs
    ? ENTRIES.flatMap((e) => Object.keys(cjs[e]).filter((k) => k !== 'default' && k !== '__esModule' && esm[e][k] !== cjs[e][k]).map((k) => e + '.' + k))
    : null;
  // An error thrown by code loaded one way is an instance of the class loaded the other way.
  seen.instanceofAcross = esm && cjs
    ? [thrownBy(cjs.rxzk) instanceof esm.rxzk.InvalidArgumentError, thrownBy(esm.rxzk) instanceof cjs.rxzk.InvalidArgumentError]
    : null;
  Object.assign(seen, await boot(both));
  fs.writeFileSync(process.env.PROBE_OUT, JSON.stringify(seen));
}
`;

const NEST_BOOT = `
async function boot(both) {
  const seen = { framework: version('@nestjs/core') };
  const { ZooKeeperModule, InjectZooKeeper, ZooKeeperHealthIndicator, getZooKeeperToken } = app['rxzk/nestjs'];
  class Worker { constructor(zk) { this.zk = zk; this.stateAtConstruction = zk.state; } }
  common.Injectable()(Worker);
  InjectZooKeeper()(Worker, undefined, 0);
  class AppModule {}
  common.Module({ imports: [ZooKeeperModule.forRoot({ hosts })], providers: [Worker] })(AppModule);
  const nest = await core.NestFactory.createApplicationContext(AppModule, { logger: false });
  const worker = nest.get(Worker);
  const zk = worker.zk;
  seen.stateAtConstruction = worker.stateAtConstruction;
  seen.sameAsToken = nest.get(getZooKeeperToken()) === zk;
  seen.clientClass = both.every((m) => zk instanceof m.rxzk.ZooKeeperClient);
  const node = '/probe-' + process.pid;
  await one(zk.create(node, 'x', { ephemeral: true }));
  const indicator = nest.get(ZooKeeperHealthIndicator);
  seen.healthUp = await indicator.isHealthy();
  try { seen.healthDown = await indicator.isHealthy('zookeeper', 'nobody'); } catch (err) { seen.healthDown = err.causes; }
  await nest.close();
  seen.stateAfterClose = zk.state;
  const other = app.rxzk.createClient({ hosts });
  await other.start();
  seen.ephemeralAfterClose = (await one(other.exists(node))) === null ? 'gone' : 'present';
  await other.close();
  class Unreachable {}
  common.Module({ imports: [ZooKeeperModule.forRoot({ hosts: await refusedHost(), connectTimeout: 1000 })] })(Unreachable);
  try {
    const failing = await core.NestFactory.createApplicationContext(Unreachable, { logger: false, abortOnError: false });
    await failing.close();
    seen.bootstrapError = 'none';
  } catch (err) {
    seen.bootstrapError = err.constructor.name;
  }
  return seen;
}
`;

const ANGULAR_BOOT = `
async function boot(both) {
  const seen = { framework: version('@angular/core') };
  const { provideZooKeeper, ZOOKEEPER, injectZooKeeper } = app['rxzk/angular'];
  const injector = ng.createEnvironmentInjector([provideZooKeeper({ hosts })], ng.Injector.NULL);
  const zk = injector.get(ZOOKEEPER);
  seen.stateBeforeInitializers = zk.state;
  for (const init of injector.get(ng.APP_INITIALIZER, [])) await ng.runInInjectionContext(injector, init);
  seen.stateAfterInitializers = zk.state;
  seen.injected = ng.runInInjectionContext(injector, () => injectZooKeeper()) === zk;
  seen.clientClass = both.every((m) => zk instanceof m.rxzk.ZooKeeperClient);
  const closed = until(zk, 'CLOSED');
  injector.destroy();
  await closed;
  seen.stateAfterDestroy = zk.state;
  return seen;
}
`;

/** The probe as a program (node, tsx): runs, then exits with its outcome. */
export function programSource(framework: Framework, format: Format): string {
  return `${header(framework, format)}\n${COMMON}\n${framework === 'nestjs' ? NEST_BOOT : ANGULAR_BOOT}
probe().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
`;
}

/** The probe as a test file (jest, vitest: their \`test\` global). */
export function testSource(framework: Framework, format: Format): string {
  return `${header(framework, format)}\n${COMMON}\n${framework === 'nestjs' ? NEST_BOOT : ANGULAR_BOOT}
test('probe', () => probe(), 60000);
`;
}
