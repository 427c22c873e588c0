// Writes the package's entry files (`exports`) around the builds rollup made (rollup.config.mjs says why there are two
// kinds):
//
// - a core entry (rxzk, rxzk/testing, rxzk/recipes) is its CommonJS build, dist/<name>.cjs; dist/<name>.mjs is an ES
//   module that re-exports it by name, so `import` and `require` reach one module instance;
// - a framework entry (rxzk/nestjs, rxzk/angular) has two builds, dist/<name>.impl.cjs (require()s the framework) and
//   dist/<name>.impl.mjs (imports it). dist/<name>.cjs and dist/<name>.mjs each give the build of their own format,
//   unless the other format's build of this installed copy has loaded already: then they give that one's objects. So a
//   class or an injection token is one object whichever way it was loaded, and the first loader's framework is the one
//   used — the application's own copy, under tsx and jest too.
//
// Either way an error thrown by code that required rxzk is `instanceof` the class another module imported.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const dist = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'dist');
const require = createRequire(path.join(dist, 'noop.cjs'));

/** The exported names of a CommonJS build. */
const namesOf = (file) => Object.keys(require(`./${file}`)).filter((n) => n !== '__esModule' && n !== 'default');
const subpath = (base) => (base === 'index' ? 'rxzk' : `rxzk/${base}`);

/** The Node versions whose require() loads an ES module (unflagged require(esm)). */
const REQUIRE_ESM = 'Node 20.19 or later on 20.x, or Node 22.12 or later';

function coreEntry(base) {
  const names = namesOf(`${base}.cjs`);
  writeFileSync(
    path.join(dist, `${base}.mjs`),
    [
      `// ESM entry of '${subpath(base)}': the CommonJS build, re-exported (one set of classes for import and require).`,
      `import cjs from './${base}.cjs';`,
      ``,
      `export const { ${names.join(', ')} } = cjs;`,
      ``,
    ].join('\n'),
  );
  return names.length;
}

function frameworkEntry(base) {
  const names = namesOf(`${base}.impl.cjs`);
  // Keyed on the directory: two installed copies of rxzk each keep their own objects.
  const key = (dir) => `Symbol.for(\`rxzk ${base} \${${dir}}\`)`;
  writeFileSync(
    path.join(dist, `${base}.cjs`),
    [
      `'use strict';`,
      `// CommonJS entry of '${subpath(base)}' (scripts/entry-wrappers.mjs): the objects of whichever build of this copy loaded first.`,
      `const key = ${key('__dirname')};`,
      `if (globalThis[key] === undefined) {`,
      `  let build;`,
      `  try {`,
      `    build = require('./${base}.impl.cjs');`,
      `  } catch (err) {`,
      `    if (err && err.code === 'ERR_REQUIRE_ESM') {`,
      `      throw new Error(\`require('${subpath(base)}') needs ${REQUIRE_ESM} (this is Node \${process.version}): the framework is an ES module, which CommonJS can load only from those versions on. Upgrade Node, or import '${subpath(base)}' from an ES module.\`, { cause: err });`,
      `    }`,
      `    throw err;`,
      `  }`,
      `  if (globalThis[key] === undefined) globalThis[key] = build;`,
      `}`,
      `module.exports = globalThis[key];`,
      ``,
    ].join('\n'),
  );
  writeFileSync(
    path.join(dist, `${base}.mjs`),
    [
      `// ESM entry of '${subpath(base)}' (scripts/entry-wrappers.mjs): the objects of whichever build of this copy loaded first.`,
      `import { dirname } from 'node:path';`,
      `import { fileURLToPath } from 'node:url';`,
      ``,
      `const key = ${key('dirname(fileURLToPath(import.meta.url))')};`,
      `// Loaded only when the CommonJS build has not been: a framework already require()d is not imported a second time.`,
      `if (globalThis[key] === undefined) {`,
      `  const build = await import('./${base}.impl.mjs');`,
      `  if (globalThis[key] === undefined) globalThis[key] = build;`,
      `}`,
      `export const { ${names.join(', ')} } = globalThis[key];`,
      ``,
    ].join('\n'),
  );
  return names.length;
}

for (const file of readdirSync(dist).filter((f) => f.endsWith('.cjs') && !f.startsWith('shared-'))) {
  const framework = file.endsWith('.impl.cjs');
  const base = file.slice(0, -(framework ? '.impl.cjs' : '.cjs').length);
  if (!framework && existsSync(path.join(dist, `${base}.impl.cjs`))) continue; // a wrapper written by this script
  const count = framework ? frameworkEntry(base) : coreEntry(base);
  console.log(`dist/${base}.mjs, dist/${base}.cjs: ${count} exports${framework ? ' (two builds)' : ''}`);
}
