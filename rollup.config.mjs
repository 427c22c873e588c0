import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';

// One line per entry point of the package (its `exports` subpath, and its source). The build writes
// dist/<name>.cjs (CommonJS, the one real build: classes exist once), dist/<name>.mjs (an ESM wrapper
// re-exporting the CommonJS build, by scripts/esm-wrappers.mjs), and dist/<name>.d.cts / .d.mts.
export const ENTRIES = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  recipes: 'src/recipes/index.ts',
  nestjs: 'src/nestjs/index.ts',
  angular: 'src/angular/index.ts',
};
const entries = Object.fromEntries(Object.entries(ENTRIES).filter(([, file]) => existsSync(file)));

// Peers and optional peers are never bundled: rxjs, testcontainers, the frameworks.
const PEERS = ['rxjs', 'testcontainers', '@nestjs/', '@angular/', 'reflect-metadata'];
const external = (id) =>
  PEERS.some((p) => id === p.replace(/\/$/, '') || id.startsWith(p.endsWith('/') ? p : `${p}/`)) || id.startsWith('node:') || builtinModules.includes(id);

export default [
  {
    input: entries,
    external,
    plugins: [typescript({ tsconfig: './tsconfig.build.json' })],
    output: {
      dir: 'dist',
      format: 'cjs',
      entryFileNames: '[name].cjs',
      chunkFileNames: 'shared-[hash].cjs',
      // Maps carry their sources (sourcesContent): the sources themselves are not shipped.
      sourcemap: true,
      exports: 'named',
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
