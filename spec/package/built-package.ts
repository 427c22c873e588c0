// The package's dist/, built once when missing or older than the sources, for the specs that load it as users do.
// Jest runs spec files in parallel workers: a lock directory makes one build while the others wait for it, so no
// spec reads a dist/ that another is cleaning and writing.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const root = path.resolve(__dirname, '../..');
export const dist = path.join(root, 'dist');
const lock = path.join(root, '.build-lock');

function newest(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
    const p = path.join(dir, e.name);
    return Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }, 0);
}

function fresh(): boolean {
  const built = path.join(dist, 'index.cjs');
  const types = path.join(dist, 'angular.d.mts');
  return fs.existsSync(built) && fs.existsSync(types) && fs.statSync(built).mtimeMs >= newest(path.join(root, 'src'));
}

/** Builds dist/ unless it is fresh (CI builds first; a local `npm test` may not have). Waits for a build in progress. */
export async function ensureBuilt(): Promise<void> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
    } catch {
      // Another spec is building: wait for its lock to go (a lock older than the deadline is a crashed build's).
      if (Date.now() > deadline) throw new Error(`${lock} held for too long: remove it if no build runs`);
      await new Promise<void>((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      if (!fresh()) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe', timeout: 180_000 });
      return;
    } finally {
      fs.rmdirSync(lock);
    }
  }
}
