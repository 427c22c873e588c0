// rxzk/angular in Node against a real server: an environment injector with provideZooKeeper, its initializers run as
// bootstrapApplication runs them, the client closed when the injector is destroyed, injectZooKeeper() in an injection
// context, and a signal from toSignal(zk.watchData$(…)) following a set(). Angular (≥ 17) is ESM-only and jest on
// Node 20 cannot load it, so the Angular side runs in a child process (angular-run.ts, through tsx, as a user's
// script would, on the built package as installed: rxzk resolved to dist/ by its exports, not to src/) and prints
// what it saw. spec/package/runners.integration.spec.ts runs the packed package with Angular 17, 21 and 22.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { ensureBuilt } from '../package/built-package';

let zkServer: StartedZooKeeper;
let seen: Record<string, unknown>;
const root = path.resolve(__dirname, '../..');

beforeAll(async () => {
  await ensureBuilt();
  zkServer = await startZooKeeper();
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(__dirname, 'angular-run.ts'), zkServer.connectString], {
    cwd: root,
    timeout: 90_000,
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.installed.json') },
  });
  seen = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}, 360_000);
afterAll(() => zkServer?.stop(), 60_000);

describe('provideZooKeeper in an environment injector', () => {
  it('gives one client per injector, not started until the initializers run, connected once they ran', () => {
    expect(seen.sameClient).toBe(true);
    expect(seen.stateBeforeInitializers).not.toBe('CONNECTED');
    expect(seen.stateAfterInitializers).toBe('CONNECTED');
  });

  it('closes the client when the injector is destroyed: the session ends, its ephemeral is gone for another client', () => {
    expect(seen.stateAfterDestroy).toBe('CLOSED');
    expect(seen.destroyHooks).toBe(1);
    expect(seen.ephemeralAfterDestroy).toBe('gone');
  });

  it('injectZooKeeper() returns that client inside runInInjectionContext and throws outside an injection context', () => {
    expect(seen.injectInContext).toBe(true);
    expect(seen.injectOutsideContext).not.toBe('returned');
  });

  it('toSignal(zk.watchData$(…)): the signal holds the node and follows a set() by another client', () => {
    expect(seen.signalFirst).toBe('v1');
    expect(seen.signalAfterSet).toBe('v2');
  });
});
