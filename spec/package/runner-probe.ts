// The small program spec/package/runners.integration.spec.ts runs in an app that installed the packed rxzk beside one
// framework major, under each runner. It is plain JavaScript (valid TypeScript too, so tsx, ts-jest and vitest run the
// same code), with decorators applied as calls, and writes what it saw as JSON to the file PROBE_OUT names. The header
// differs by module format: an ES module imports the framework and rxzk, a CommonJS one require()s them — as an app of
// that format does — and each then loads rxzk the other way too, to compare the objects. It then runs the later
// recipes from rxzk/recipes on a client of its own.

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
  seen.recipes = await recipes();
  fs.writeFileSync(process.env.PROBE_OUT, JSON.stringify(seen));
}
`;

// The recipes added after Lock and TreeCache, as an app uses them from the installed rxzk/recipes, each for what a
// user would see: the locks held and then free, the member listed, the value read back, the count, the item consumed,
// the TTL node made (rxzk/testing's server enables TTL nodes). Its own client, on paths of this run.
const RECIPES = `
const RECIPE_EXPORTS = ['MultiLock', 'GroupMember', 'SharedValue', 'AtomicValue', 'PersistentTtlNode', 'DistributedQueue',
  'DistributedPriorityQueue', 'DistributedDelayQueue', 'DistributedIdQueue', 'SimpleDistributedQueue', 'ServiceDiscovery',
  'ServiceProvider', 'parseUriSpec', 'serviceUri', 'CounterDataError', 'OutcomeUnknownError'];
/** The first value of o, and a stop() that unsubscribes (the subscription lives on until then). */
function firstOf(o) {
  return new Promise((resolve, reject) => {
    const box = { sub: null, seen: false };
    const timer = setTimeout(() => reject(new Error('nothing within 20 s')), 20000);
    box.sub = o.subscribe({
      next: (value) => { if (box.seen) return; box.seen = true; clearTimeout(timer); resolve({ value, stop: () => box.sub.unsubscribe() }); },
      error: (err) => { clearTimeout(timer); reject(err); },
    });
  });
}
const text = (b) => (b === null ? null : b.toString());
async function recipes() {
  const r = app['rxzk/recipes'];
  const seen = { missing: RECIPE_EXPORTS.filter((name) => typeof r[name] !== 'function') };
  const zk = app.rxzk.createClient({ hosts });
  await zk.start();
  const base = '/recipes-' + process.pid + '-' + Date.now();
  try {
    const multi = new r.MultiLock(zk, [base + '/lock-a', base + '/lock-b']);
    const all = await multi.acquire({ timeout: 10000 });
    const during = await new r.Lock(zk, base + '/lock-b').tryAcquire();
    seen.multiLock = { held: all.state, tokens: all.holdings.map((h) => typeof h.fencingToken), otherWhileHeld: during === null ? 'refused' : 'acquired' };
    await all.release();
    seen.multiLock.released = all.state;
    const after = await new r.Lock(zk, base + '/lock-a').tryAcquire();
    seen.multiLock.otherAfter = after === null ? 'refused' : 'acquired';
    if (after !== null) await after.release();

    const member = new r.GroupMember(zk, base + '/group', 'worker-1', 'w1');
    await member.join();
    const members = (m) => Object.fromEntries([...m].map(([id, data]) => [id, text(data)]));
    seen.groupMember = { joined: members(await member.members()) };
    await member.leave();
    seen.groupMember.left = members(await member.members());

    const shared = new r.SharedValue(zk, base + '/shared', 'seed');
    const seed = await shared.value();
    seen.sharedValue = { seed: [text(seed.value), seed.version], set: await shared.trySet('next', seed.version), stale: await shared.trySet('stale', seed.version) };
    const read = await shared.value();
    seen.sharedValue.read = [text(read.value), read.version];

    const counter = new r.Counter(zk, base + '/counter', { format: 'int64' });
    const first = await counter.increment();
    const second = await counter.increment();
    seen.counter = [first, second].map((c) => [typeof c.after, String(c.before), String(c.after)]);
    const atomic = new r.AtomicValue(zk, base + '/atomic');
    const tried = await atomic.trySet('v1');
    seen.atomicValue = { trySet: [tried.succeeded, text(tried.preValue), text(tried.postValue)], cas: await atomic.compareAndSet('v1', 'v2'), read: text(await atomic.get()) };

    const queue = new r.DistributedQueue(zk, base + '/queue');
    await queue.put('job-1');
    const taken = await firstOf(queue.take$());
    seen.distributedQueue = { consumed: text(taken.value.data) };
    await taken.value.ack();
    taken.stop();
    seen.distributedQueue.left = await one(zk.getChildren(base + '/queue'));
    const simple = new r.SimpleDistributedQueue(zk, base + '/simple');
    await simple.offer('s-1');
    seen.simpleQueue = [text(await simple.poll()), text(await simple.poll())];

    const ttl = new r.PersistentTtlNode(zk, base + '/ttl', 10000, 'alive');
    const held = await firstOf(ttl.hold$());
    seen.ttlNode = { path: held.value === base + '/ttl', data: text((await one(zk.get(base + '/ttl'))).data) };
    held.stop();

    seen.serviceUri = r.serviceUri({ name: 'api', id: '1', address: '10.0.0.1', port: 8080, sslPort: null, payload: null,
      registrationTimeUTC: 0, serviceType: 'DYNAMIC', uriSpec: r.parseUriSpec('{scheme}://{address}:{port}/api'), enabled: true });
  } finally {
    await zk.close();
  }
  return seen;
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
  return `${header(framework, format)}\n${COMMON}\n${RECIPES}\n${framework === 'nestjs' ? NEST_BOOT : ANGULAR_BOOT}
probe().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
`;
}

/** The probe as a test file (jest, vitest: their \`test\` global). */
export function testSource(framework: Framework, format: Format): string {
  return `${header(framework, format)}\n${COMMON}\n${RECIPES}\n${framework === 'nestjs' ? NEST_BOOT : ANGULAR_BOOT}
test('probe', () => probe(), 60000);
`;
}
