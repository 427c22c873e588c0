// The built package's declarations as strict TypeScript consumers see them: one project resolving with
// `nodenext` (an ES module and a CommonJS module) and one with `bundler`, each importing every entry point
// through the `exports` map and using its API. A declaration that names an internal type, a subpath whose
// types do not resolve, or a type that is `any` where a user relies on it fails here (issue 13.7).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureBuilt, root } from './built-package';

const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** Code a user writes against every entry point; `@ts-expect-error` lines prove the types are not `any`. */
const USAGE = `
import { firstValueFrom, type Observable } from 'rxjs';
import { createClient, ConnectionState, isConnected, whileConnected, NoNodeError, type ZooKeeperClient, type Stat } from 'rxzk';
import { startZooKeeper, zooKeeperHarness, type StartedZooKeeper } from 'rxzk/testing';
import { Lock, LockLostError, LockTimeoutError, type Holding } from 'rxzk/recipes';
import { ZooKeeperModule, InjectZooKeeper, getZooKeeperToken } from 'rxzk/nestjs';
import { provideZooKeeper, injectZooKeeper, ZOOKEEPER } from 'rxzk/angular';

export async function use(server: StartedZooKeeper): Promise<void> {
  const zk: ZooKeeperClient = createClient({ hosts: server.connectString, sessionTimeout: 10_000 });
  await zk.start();
  const stat: Stat | null = await firstValueFrom(zk.exists('/a'));
  const czxid: bigint | undefined = stat?.czxid;
  const up: Observable<boolean> = zk.connected$;
  const state: boolean = isConnected(ConnectionState.CONNECTED);
  zk.watchData$('/a').pipe(whileConnected(zk)).subscribe();
  const holding: Holding = await new Lock(zk, '/lock').acquire({ timeout: 1_000 });
  const token: bigint = holding.fencingToken;
  await holding.release();
  const errors: Error[] = [new NoNodeError('/a'), new LockTimeoutError(1)];
  // @ts-expect-error a path is a string
  zk.get(42);
  // @ts-expect-error fencing tokens are bigint
  const wrong: string = holding.fencingToken;
  void [czxid, up, state, token, errors, wrong, LockLostError, startZooKeeper, zooKeeperHarness];
  void [ZooKeeperModule.forRoot({ hosts: 'h:2181' }), InjectZooKeeper, getZooKeeperToken('b')];
  void [provideZooKeeper({ hosts: 'h:2181' }), injectZooKeeper, ZOOKEEPER];
  await zk.close();
}
`;

const STRICT = { strict: true, noEmit: true, skipLibCheck: false, target: 'ES2022', types: ['node'], experimentalDecorators: true };

let consumer: string;

beforeAll(async () => {
  await ensureBuilt();
  consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'rxzk-types-'));
  const modules = path.join(consumer, 'node_modules');
  fs.mkdirSync(path.join(modules, '@types'), { recursive: true });
  fs.symlinkSync(root, path.join(modules, 'rxzk'), 'dir');
  fs.symlinkSync(path.join(root, 'node_modules', 'rxjs'), path.join(modules, 'rxjs'), 'dir');
  fs.symlinkSync(path.join(root, 'node_modules', '@types', 'node'), path.join(modules, '@types', 'node'), 'dir');
}, 240_000);

afterAll(() => {
  if (consumer) fs.rmSync(consumer, { recursive: true, force: true });
});

/** Writes a consumer project and type-checks it; resolves with tsc's diagnostics ('' when clean). */
function typeCheck(name: string, files: Record<string, string>, compilerOptions: Record<string, unknown>, pkgType: string): string {
  const dir = path.join(consumer, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.symlinkSync(path.join(consumer, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, type: pkgType, private: true }));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...STRICT, ...compilerOptions }, files: Object.keys(files) }));
  for (const [file, source] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), source);
  try {
    execFileSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    return '';
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err);
  }
}

describe('the published types, in strict consumers', () => {
  it('type-check under nodenext, from an ES module and from a CommonJS module', () => {
    const diagnostics = typeCheck('nodenext', { 'esm.mts': USAGE, 'cjs.cts': USAGE }, { module: 'nodenext', moduleResolution: 'nodenext' }, 'module');
    expect(diagnostics).toBe('');
  }, 120_000);

  it('type-check under bundler resolution', () => {
    const diagnostics = typeCheck('bundler', { 'app.ts': USAGE }, { module: 'esnext', moduleResolution: 'bundler' }, 'module');
    expect(diagnostics).toBe('');
  }, 120_000);

  it('refuse a wrong use (the check itself can fail)', () => {
    const diagnostics = typeCheck('wrong', { 'bad.mts': `import { createClient } from 'rxzk';\ncreateClient({ hosts: 5 });\n` }, { module: 'nodenext', moduleResolution: 'nodenext' }, 'module');
    expect(diagnostics).toMatch(/TS2322/);
  }, 120_000);
});
