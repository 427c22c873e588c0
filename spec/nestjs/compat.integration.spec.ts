// rxzk/nestjs as a user installs it, with NestJS 10 and 11 (CommonJS) and the current major (ESM-only, reached from
// an .mjs app and from CommonJS through require(esm)): the package is built and packed, unpacked into a throwaway
// directory that has those NestJS versions installed (kept in os.tmpdir(), keyed on the versions, so the npm install
// happens once per machine), and a tiny app run there in a child process against this file's server prints what it saw.
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { ensureBuilt, root } from '../package/built-package';
import { appSource } from './compat-app';

const exec = promisify(execFile);

/** The NestJS lines checked: the dependency ranges installed for each, and how its app is loaded. */
const LINES = [
  { name: 'NestJS 10', deps: { '@nestjs/common': '^10', '@nestjs/core': '^10', '@nestjs/terminus': '^10' }, formats: ['cjs'] },
  { name: 'NestJS 11', deps: { '@nestjs/common': '^11', '@nestjs/core': '^11', '@nestjs/terminus': '^11' }, formats: ['cjs'] },
  { name: 'NestJS 12', deps: { '@nestjs/common': '^12', '@nestjs/core': '^12', '@nestjs/terminus': '^12' }, formats: ['mjs', 'cjs'] },
] as const;
const COMMON_DEPS = { rxjs: '^7.8.0', 'reflect-metadata': '^0.2.2' };

let zkServer: StartedZooKeeper;
let tarball: string;
let packDir: string;

/** Builds the package when dist/ is stale (the package specs' shared, locked build), then packs it into a temp dir. */
async function pack(): Promise<string> {
  await ensureBuilt();
  packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxzk-pack-'));
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: root, encoding: 'utf8', timeout: 120_000 }).trim().split('\n').pop()!;
  return path.join(packDir, name);
}

/** A directory with that line's NestJS installed (once: reused while its package.json is unchanged) and this build of rxzk unpacked in it. */
async function consumer(line: (typeof LINES)[number]): Promise<string> {
  const manifest = JSON.stringify({ name: 'rxzk-nest-compat', private: true, dependencies: { ...line.deps, ...COMMON_DEPS } }, null, 2);
  const key = Object.values(line.deps).join('_').replace(/[^0-9a-z_]/gi, '');
  const dir = path.join(os.tmpdir(), `rxzk-nest-compat-${key}`);
  const marker = path.join(dir, 'node_modules', '.rxzk-installed');
  if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== manifest) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), manifest);
    await exec('npm', ['install', '--no-audit', '--no-fund', '--silent', '--no-package-lock'], { cwd: dir, timeout: 540_000 });
    fs.writeFileSync(marker, manifest);
  }
  // This build of rxzk, as npm would unpack it (its peers resolved from the directory's node_modules).
  const target = path.join(dir, 'node_modules', 'rxzk');
  fs.rmSync(target, { recursive: true, force: true });
  const unpack = fs.mkdtempSync(path.join(packDir, 'unpack-'));
  execFileSync('tar', ['-xzf', tarball, '-C', unpack]);
  fs.renameSync(path.join(unpack, 'package'), target);
  return dir;
}

/** Runs the app of `format` in `dir` against the server; what it printed (one JSON object). */
async function runApp(dir: string, format: 'cjs' | 'mjs'): Promise<Record<string, unknown>> {
  const file = path.join(dir, `app.${format}`);
  fs.writeFileSync(file, appSource(format));
  const { stdout } = await exec(process.execPath, [file, zkServer.connectString], { cwd: dir, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

const results = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  zkServer = await startZooKeeper();
  tarball = await pack();
  // One line after the other: npm installs and JVM start-ups share two cores with everything else.
  for (const line of LINES) {
    const dir = await consumer(line);
    for (const format of line.formats) results.set(`${line.name} ${format}`, await runApp(dir, format));
  }
}, 900_000);
afterAll(async () => {
  if (packDir) fs.rmSync(packDir, { recursive: true, force: true });
  await zkServer?.stop();
}, 60_000);

describe.each(LINES.flatMap((line) => line.formats.map((format) => `${line.name} ${format}`)))('rxzk/nestjs with %s', (key) => {
  it('starts the client while the module initialises, injects it, and shuts it down with the app (its ephemeral gone)', () => {
    const seen = results.get(key)!;
    expect(seen.nestVersion).toMatch(new RegExp(`^${key.split(' ')[1]}\\.`));
    expect(seen.stateAtConstruction).toBe('CONNECTED');
    expect(seen.sameAsToken).toBe(true);
    expect(seen.ephemeralWhileUp).toBe('present');
    expect(seen.stateAfterClose).toBe('CLOSED');
    expect(seen.ephemeralAfterClose).toBe('gone');
  });

  it('reports health in terminus’ shape', () => {
    const seen = results.get(key)!;
    expect(seen.healthUp).toEqual({ zookeeper: { status: 'up', state: 'CONNECTED' } });
    // Down: a result on terminus ≥ 11, terminus' HealthCheckError carrying the same result on older ones.
    expect(seen.healthDown).toEqual({ zookeeper: { status: 'down', state: 'NOT_REGISTERED' } });
  });

  it('fails bootstrap with start()’s error when the server cannot be reached', () => {
    expect(results.get(key)!.bootstrapError).toBe('TimeoutError');
  });
});
