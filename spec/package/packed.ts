// The package as npm installs it: built, packed with `npm pack`, unpacked into the node_modules of a throwaway app that
// has its own dependencies installed (a framework major, rxjs). An app's npm install is slow, so each one is kept in
// os.tmpdir() keyed on its manifest and reused while the manifest is unchanged; the tarball is unpacked afresh each run.
// The directory is this checkout's own: two checkouts testing at once (a clone beside a working tree) must not unpack
// their builds into one app, where one run's recipes.cjs would require the other's chunk names.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt, root } from './built-package';

const exec = promisify(execFile);

let tarball: Promise<string> | undefined;
let packDir: string | undefined;

/** Removes the packed tarball (call it in afterAll of a spec that used it). */
export function removePackedTarball(): void {
  if (packDir !== undefined) fs.rmSync(packDir, { recursive: true, force: true });
  packDir = undefined;
  tarball = undefined;
}

/** This build of rxzk packed by `npm pack` (once per spec file), in a temp dir that removePackedTarball() removes. */
export function packedTarball(): Promise<string> {
  // RXZK_TARBALL=<path>: check another build instead (an older one, to see a spec fail without a fix).
  const given = process.env.RXZK_TARBALL;
  if (given !== undefined && given !== '') return Promise.resolve(path.resolve(given));
  tarball ??= (async () => {
    await ensureBuilt();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxzk-pack-'));
    packDir = dir;
    const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, encoding: 'utf8', timeout: 120_000 }).trim().split('\n').pop()!;
    return path.join(dir, name);
  })();
  return tarball;
}

/**
 * A directory `rxzk-app-<name>-<checkout>` with `dependencies` installed (once per manifest) and the packed rxzk unpacked at
 * node_modules/rxzk, as `npm install rxzk-<version>.tgz` puts it. Returns its path and how long the install took (0: reused).
 */
export async function installedApp(name: string, dependencies: Record<string, string>): Promise<{ dir: string; installMs: number }> {
  const manifest = JSON.stringify({ name: `rxzk-app-${name}`, private: true, dependencies }, null, 2);
  const checkout = createHash('sha256').update(root).digest('hex').slice(0, 8);
  const dir = path.join(os.tmpdir(), `rxzk-app-${name}-${checkout}`);
  const marker = path.join(dir, 'node_modules', '.rxzk-installed');
  let installMs = 0;
  if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== manifest) {
    const started = Date.now();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), manifest);
    await exec('npm', ['install', '--no-audit', '--no-fund', '--silent', '--no-package-lock'], { cwd: dir, timeout: 540_000 });
    fs.writeFileSync(marker, manifest);
    installMs = Date.now() - started;
  }
  const target = path.join(dir, 'node_modules', 'rxzk');
  fs.rmSync(target, { recursive: true, force: true });
  const unpack = fs.mkdtempSync(path.join(dir, '.unpack-'));
  execFileSync('tar', ['-xzf', await packedTarball(), '-C', unpack]);
  fs.renameSync(path.join(unpack, 'package'), target);
  fs.rmSync(unpack, { recursive: true, force: true });
  return { dir, installMs };
}
