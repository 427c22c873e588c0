// The packed rxzk as users run it (issue 18.1): installed from its tarball into a fresh app beside one framework major
// (NestJS 10, 11, 12; Angular 17, 21, 22), a small program (runner-probe.ts) boots the framework module under plain
// node, `node --import tsx`, tsx, ts-jest and vitest, from an ES module and from CommonJS, and reports: the module
// booted and closed its client; every export of every entry point is the same object through import and require; an
// error thrown by code loaded one way is `instanceof` the class loaded the other way; the recipes added after Lock
// and TreeCache (MultiLock, GroupMember, SharedValue, the atomic values, Curator's queues, PersistentTtlNode) give
// what a user reads back. Nothing resolves to src/.
//
// The runners are the repository's own (jest, ts-jest, tsx, typescript, vitest from its node_modules, started by path);
// each app's npm install is kept in os.tmpdir() (packed.ts), so a machine pays it once per framework major.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { root } from './built-package';
import { installedApp, removePackedTarball } from './packed';
import { programSource, testSource, type Format, type Framework } from './runner-probe';

const exec = promisify(execFile);
const bin = (file: string): string => path.join(root, 'node_modules', file);

interface Line {
  name: string;
  framework: Framework;
  deps: Record<string, string>;
  /** The framework is an ES module only: jest on Node 20 loads it in its ESM mode only (ENVIRONMENT.md). */
  esmOnly: boolean;
}
const NEST = (major: number): Line => ({
  name: `NestJS ${major}`,
  framework: 'nestjs',
  deps: { '@nestjs/common': `^${major}`, '@nestjs/core': `^${major}`, '@nestjs/terminus': `^${major}`, 'reflect-metadata': '^0.2.2', rxjs: '^7.8.0' },
  esmOnly: major >= 12,
});
const ANGULAR = (major: number): Line => ({
  name: `Angular ${major}`,
  framework: 'angular',
  deps: { '@angular/core': `^${major}`, rxjs: '^7.8.0', ...(major < 19 ? { 'zone.js': '~0.14.0' } : {}) },
  esmOnly: true,
});
/** RXZK_RUNNER_MATRIX='NestJS 12,Angular 21' runs only those lines (while working on one). */
const only = process.env.RXZK_RUNNER_MATRIX?.split(',').map((s) => s.trim());
const LINES: Line[] = [NEST(10), NEST(11), NEST(12), ANGULAR(17), ANGULAR(21), ANGULAR(22)].filter((l) => only === undefined || only.includes(l.name));

interface Runner {
  name: string;
  format: Format;
  /** Writes the files it needs into `dir`; returns the command to run there. */
  prepare(dir: string, line: Line): { file: string; args: string[]; env?: NodeJS.ProcessEnv };
}

/** A program file of the probe in `format`, with extension `ext`, run by `args(file)`. */
const program = (format: Format, ext: string, args: (file: string) => string[]) => (dir: string, line: Line) => {
  const file = `probe-${format}.${ext}`;
  fs.writeFileSync(path.join(dir, file), programSource(line.framework, format));
  return { file, args: args(file) };
};
const tsxLoader = pathToFileURL(bin('tsx/dist/loader.mjs')).href;
const tsxCli = (file: string): string[] => [bin('tsx/dist/cli.mjs'), file];
const tsxImport = (file: string): string[] => ['--import', tsxLoader, file];

/** ts-jest: CommonJS mode, or (for an ESM-only framework) its ESM mode under --experimental-vm-modules. */
function tsJest(format: Format) {
  return (dir: string, line: Line) => {
    const file = `probe-${format}.jest.test.ts`;
    fs.writeFileSync(path.join(dir, file), testSource(line.framework, format));
    const tsconfig = { target: 'es2022', module: format === 'esm' ? 'es2022' : 'commonjs', isolatedModules: true, esModuleInterop: true };
    const config = {
      rootDir: dir,
      testEnvironment: 'node',
      testMatch: [`<rootDir>/${file}`],
      transform: { '^.+\\.ts$': [bin('ts-jest'), { diagnostics: false, useESM: format === 'esm', tsconfig }] },
      ...(format === 'esm' ? { extensionsToTreatAsEsm: ['.ts'] } : {}),
    };
    const configFile = `jest-${format}.config.json`;
    fs.writeFileSync(path.join(dir, configFile), JSON.stringify(config));
    const env = format === 'esm' ? { NODE_OPTIONS: '--experimental-vm-modules --no-warnings' } : {};
    return { file, args: [bin('jest/bin/jest.js'), '--config', configFile, '--ci', '--silent'], env };
  };
}

function vitest(dir: string, line: Line) {
  const file = 'probe.vitest.test.mts';
  fs.writeFileSync(path.join(dir, file), testSource(line.framework, 'esm'));
  fs.writeFileSync(path.join(dir, 'vitest.config.mjs'), `export default { test: { globals: true, include: ['${file}'], testTimeout: 60000 } };\n`);
  return { file, args: [bin('vitest/vitest.mjs'), 'run', '--config', 'vitest.config.mjs'] };
}

// Under tsx: .mts (an ES module), .ts with import syntax in a package without "type" (what most TypeScript apps are),
// and .cts written with require(). A .cts cannot require() an ESM-only framework under tsx on Node 20 even without rxzk
// (the app's own require('@angular/core') fails with ERR_VM_MODULE_LINK_FAILURE): that case is run for CommonJS frameworks only.
const runnersFor = (line: Line): Runner[] => [
  { name: 'node (ESM)', format: 'esm', prepare: program('esm', 'mjs', (f) => [f]) },
  { name: 'node (CommonJS)', format: 'cjs', prepare: program('cjs', 'cjs', (f) => [f]) },
  { name: 'node --import tsx (.mts)', format: 'esm', prepare: program('esm', 'mts', tsxImport) },
  { name: 'node --import tsx (.ts)', format: 'esm', prepare: program('esm', 'ts', tsxImport) },
  { name: 'tsx (.mts)', format: 'esm', prepare: program('esm', 'mts', tsxCli) },
  { name: 'tsx (.ts)', format: 'esm', prepare: program('esm', 'ts', tsxCli) },
  ...(line.esmOnly
    ? []
    : [
        { name: 'node --import tsx (.cts)', format: 'cjs', prepare: program('cjs', 'cts', tsxImport) } as const,
        { name: 'tsx (.cts)', format: 'cjs', prepare: program('cjs', 'cts', tsxCli) } as const,
      ]),
  line.esmOnly ? { name: 'ts-jest (ESM)', format: 'esm', prepare: tsJest('esm') } : { name: 'ts-jest (CommonJS)', format: 'cjs', prepare: tsJest('cjs') },
  { name: 'vitest (ESM)', format: 'esm', prepare: vitest },
];

let zkServer: StartedZooKeeper;
const results = new Map<string, Record<string, unknown> | Error>();
const timings: string[] = [];

beforeAll(async () => {
  zkServer = await startZooKeeper();
  // One app after the other: npm installs, JVMs and runners share two cores with everything else.
  for (const line of LINES) {
    const { dir, installMs } = await installedApp(`${line.framework}-${line.name.split(' ')[1]}`, line.deps);
    const started = Date.now();
    for (const runner of runnersFor(line)) {
      const { args, env } = runner.prepare(dir, line);
      const out = path.join(dir, 'probe-out.json');
      fs.rmSync(out, { force: true });
      const key = `${line.name} under ${runner.name}`;
      try {
        await exec(process.execPath, args, { cwd: dir, timeout: 120_000, env: { ...process.env, ...env, PROBE_HOSTS: zkServer.connectString, PROBE_OUT: out } });
        results.set(key, JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>);
      } catch (err) {
        const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
        results.set(key, new Error(`${key} failed:\n${String(stdout).slice(-3000)}\n${String(stderr).slice(-3000)}`));
      }
    }
    timings.push(`${line.name}: install ${(installMs / 1000).toFixed(1)} s, runs ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  console.log(`runner matrix: ${timings.join('; ')}`);
}, 1_800_000);
afterAll(async () => {
  removePackedTarball();
  await zkServer?.stop();
}, 60_000);

const cases = LINES.flatMap((line) => runnersFor(line).map((runner) => [`${line.name} under ${runner.name}`, line, runner] as const));

describe.each(cases)('%s', (key, line, runner) => {
  const seen = (): Record<string, unknown> => {
    const result = results.get(key);
    if (result instanceof Error) throw result;
    if (result === undefined) throw new Error(`${key} did not run`);
    return result;
  };

  it('runs the installed major of the framework', () => {
    expect(seen().framework).toMatch(new RegExp(`^${line.name.split(' ')[1]}\\.`));
  });

  it('gives the same object for every export through import and require, and errors are instanceof across them', () => {
    // Under ts-jest's CommonJS mode an import() is compiled to require(): the one way there is.
    expect(seen().otherError).toBeNull();
    expect(seen().different).toEqual([]);
    expect(seen().instanceofAcross).toEqual([true, true]);
    expect(seen().clientClass).toBe(true);
  });

  if (line.framework === 'nestjs') {
    it('boots ZooKeeperModule: the client started before injection, healthy, closed with the app (its ephemeral gone)', () => {
      expect(seen()).toMatchObject({
        stateAtConstruction: 'CONNECTED',
        sameAsToken: true,
        healthUp: { zookeeper: { status: 'up', state: 'CONNECTED' } },
        healthDown: { zookeeper: { status: 'down', state: 'NOT_REGISTERED' } },
        stateAfterClose: 'CLOSED',
        ephemeralAfterClose: 'gone',
      });
    });

    it('fails bootstrap with start()’s error when the server cannot be reached', () => {
      expect(seen().bootstrapError).toBe('TimeoutError');
    });
  } else {
    it('provides the client to an environment injector: started by its initializers, closed when it is destroyed', () => {
      expect(seen()).toMatchObject({ stateAfterInitializers: 'CONNECTED', injected: true, stateAfterDestroy: 'CLOSED' });
      expect(seen().stateBeforeInitializers).not.toBe('CONNECTED');
    });
  }
  it('runs the recipes added after Lock and TreeCache from the installed rxzk/recipes, with the results a user sees', () => {
    expect(seen().recipes).toEqual({
      missing: [],
      multiLock: { held: 'HELD', tokens: ['bigint', 'bigint'], otherWhileHeld: 'refused', released: 'RELEASED', otherAfter: 'acquired' },
      groupMember: { joined: { 'worker-1': 'w1' }, left: {} },
      sharedValue: { seed: ['seed', 0], set: true, stale: false, read: ['next', 1] },
      counter: [['bigint', '0', '1'], ['bigint', '1', '2']],
      atomicValue: { trySet: [true, null, 'v1'], cas: true, read: 'v2' },
      distributedQueue: { consumed: 'job-1', left: [] },
      simpleQueue: ['s-1', null],
      ttlNode: { path: true, data: 'alive' },
      serviceUri: 'http://10.0.0.1:8080/api',
    });
  });
  void runner;
});
