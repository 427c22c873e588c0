// Runs every example as a user would (`npx tsx examples/<name>.ts`, or examples/<name>/main.ts) against the built
// package (dist/, as installed: `npm run build` first), one after the other,
// each against its own throwaway server from rxzk/testing (or ZOOKEEPER_CONNECT when set). Fails when an example exits
// non-zero or runs past the bound (then its whole process group is killed, so no server JVM is left behind).
//
//   node scripts/run-examples.mjs                 # every example
//   node scripts/run-examples.mjs nestjs angular  # the ones whose path contains one of these words
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const examplesDir = path.join(root, 'examples');
const BOUND_MS = Number(process.env.EXAMPLE_TIMEOUT_MS ?? 90_000);

/** examples/*.ts and examples/<folder>/main.ts, relative to the repository. */
function examples() {
  const found = [];
  for (const entry of readdirSync(examplesDir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(path.join('examples', entry.name));
    if (entry.isDirectory() && existsSync(path.join(examplesDir, entry.name, 'main.ts'))) found.push(path.join('examples', entry.name, 'main.ts'));
  }
  return found.sort();
}

function run(file) {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    // Through tsx, with rxzk resolved as an application resolves it: package.json's exports, so dist/ (the build), not
    // src/ through tsconfig.json's paths (which `npm run demo` uses, to need no build).
    const env = { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.installed.json') };
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, BOUND_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ file, ok: code === 0 && !timedOut, code, signal, timedOut, ms: Date.now() - startedAt, output });
    });
  });
}

if (!existsSync(path.join(root, 'dist', 'index.cjs'))) {
  console.error('the examples run against the built package: npm run build first');
  process.exit(1);
}
const filters = process.argv.slice(2);
const chosen = examples().filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)));
if (chosen.length === 0) {
  console.error(`no example matches ${filters.join(', ')}`);
  process.exit(1);
}
let failed = 0;
for (const file of chosen) {
  const result = await run(file);
  const how = result.timedOut ? `hung past ${BOUND_MS} ms` : result.ok ? 'ok' : `exit ${result.code ?? result.signal}`;
  console.log(`${result.ok ? 'PASS' : 'FAIL'} ${file} (${how}, ${(result.ms / 1000).toFixed(1)} s)`);
  if (!result.ok) {
    failed++;
    console.log(result.output.replace(/^/gm, '  | '));
  }
}
console.log(`${chosen.length - failed}/${chosen.length} examples passed`);
process.exit(failed === 0 ? 0 : 1);
