import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

// One line per entry point of the package (its `exports` subpath, and its source).
export const ENTRIES = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  recipes: 'src/recipes/index.ts',
  nestjs: 'src/nestjs/index.ts',
  angular: 'src/angular/index.ts',
  opentelemetry: 'src/opentelemetry/index.ts',
};
// The entry points that load a framework. NestJS 12 and Angular are ES modules only: CommonJS code reaches them through
// require(esm), which loads a second copy of the framework under tsx and fails under jest and before Node 20.19. So each
// of these has two real builds: dist/<name>.impl.cjs require()s the framework, dist/<name>.impl.mjs imports it (issue 18.1).
// The entries dist/<name>.cjs and dist/<name>.mjs (scripts/entry-wrappers.mjs) give whichever build loaded first, so
// every export is still one object for import and require. The core entries have one build, the CommonJS one
// (dist/<name>.cjs), and an ESM wrapper that re-exports it (dist/<name>.mjs): classes exist once.
export const FRAMEWORK_ENTRIES = ['nestjs', 'angular'];

const entries = Object.fromEntries(Object.entries(ENTRIES).filter(([, file]) => existsSync(file)));
const frameworkEntries = Object.fromEntries(Object.entries(entries).filter(([name]) => FRAMEWORK_ENTRIES.includes(name)));
const isFramework = (name) => FRAMEWORK_ENTRIES.includes(name);

// Peers and optional peers are never bundled: rxjs, testcontainers, the frameworks.
const PEERS = ['rxjs', 'testcontainers', '@nestjs/', '@angular/', '@opentelemetry/', 'reflect-metadata'];
const external = (id) =>
  PEERS.some((p) => id === p.replace(/\/$/, '') || id.startsWith(p.endsWith('/') ? p : `${p}/`)) || id.startsWith('node:') || builtinModules.includes(id);

/**
 * The ESM builds of the framework entries reach the core only through dist/index.mjs (which re-exports the CommonJS
 * build): a core module compiled into them would be a second copy of its classes. The same holds for another core
 * entry they use (rxzk/nestjs's `openTelemetry` option: dist/opentelemetry.mjs). Anything else outside the framework
 * folders fails the build.
 */
function coreThroughIndex() {
  const coreEntries = new Map(
    Object.entries(ENTRIES)
      .filter(([name]) => !FRAMEWORK_ENTRIES.includes(name))
      .map(([name, file]) => [path.resolve(file), path.resolve(`dist/${name}.mjs`)]),
  );
  const allowed = FRAMEWORK_ENTRIES.map((name) => path.resolve('src', name) + path.sep);
  return {
    name: 'rxzk-core-through-index',
    resolveId(source, importer) {
      if (importer === undefined || external(source)) return null;
      if (!source.startsWith('.')) return null;
      // Sources import each other without an extension: './tokens' is './tokens.ts' (or './tokens/index.ts').
      const base = path.resolve(path.dirname(importer), source);
      const id = [`${base}.ts`, path.join(base, 'index.ts')].find((file) => existsSync(file));
      if (id === undefined) return null;
      if (coreEntries.has(id)) return { id: coreEntries.get(id), external: true };
      if (!allowed.some((dir) => id.startsWith(dir))) {
        this.error(`${path.relative('.', importer)} imports ${source}: a framework entry may import the core only through '../index'`);
      }
      return id;
    },
  };
}

/** TypeScript to JavaScript, file by file (the CommonJS build has type-checked the same sources), with maps that carry the sources. */
function transpile() {
  const { options } = ts.convertCompilerOptionsFromJson(
    { module: 'esnext', target: 'ES2022', sourceMap: true, inlineSources: true, experimentalDecorators: true, useDefineForClassFields: true },
    '.',
  );
  return {
    name: 'rxzk-transpile',
    transform(code, id) {
      if (!id.endsWith('.ts')) return null;
      const out = ts.transpileModule(code, { compilerOptions: options, fileName: id });
      const map = JSON.parse(out.sourceMapText);
      map.sources = [id];
      return { code: out.outputText.replace(/\n\/\/# sourceMappingURL=.*$/, ''), map };
    },
  };
}

export default [
  {
    input: entries,
    external,
    plugins: [typescript({ tsconfig: './tsconfig.build.json' })],
    output: {
      dir: 'dist',
      format: 'cjs',
      entryFileNames: (chunk) => (isFramework(chunk.name) ? '[name].impl.cjs' : '[name].cjs'),
      chunkFileNames: 'shared-[hash].cjs',
      // Maps carry their sources (sourcesContent: tsconfig.build.json's inlineSources): the sources are not shipped,
      // and a stack trace from the installed package still points at a readable line (issue 18.5).
      sourcemap: true,
      exports: 'named',
    },
  },
  {
    input: frameworkEntries,
    external,
    plugins: [coreThroughIndex(), transpile()],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].impl.mjs',
      chunkFileNames: 'shared-[hash].mjs',
      paths: (id) => (id.startsWith(path.resolve('dist') + path.sep) ? `./${path.basename(id)}` : id),
      sourcemap: true,
    },
  },
  {
    input: entries,
    external,
    plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.mts', chunkFileNames: 'shared-[hash].d.mts' },
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts', chunkFileNames: 'shared-[hash].d.cts' },
    ],
  },
];
