// Writes dist/<entry>.mjs for each built dist/<entry>.cjs: an ES module that re-exports the CommonJS
// build by name. Both `import` and `require` then reach the same module instance, so a class is one
// object whichever way it was loaded (an error thrown by code that required rxzk is `instanceof` the
// class another module imported).
import { readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const dist = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'dist');
const require = createRequire(path.join(dist, 'noop.cjs'));
const entries = readdirSync(dist).filter((f) => f.endsWith('.cjs') && !f.startsWith('shared-'));
for (const file of entries) {
  const names = Object.keys(require(`./${file}`)).filter((n) => n !== '__esModule' && n !== 'default');
  const base = file.slice(0, -'.cjs'.length);
  const body = [
    `// ESM entry of rxzk's '${base === 'index' ? '.' : `./${base}`}': the CommonJS build, re-exported (one set of classes for import and require).`,
    `import cjs from './${file}';`,
    ``,
    `export const { ${names.join(', ')} } = cjs;`,
    ``,
  ].join('\n');
  writeFileSync(path.join(dist, `${base}.mjs`), body);
  console.log(`dist/${base}.mjs: ${names.length} exports`);
}
