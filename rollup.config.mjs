import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { builtinModules } from 'node:module';

// rxjs is a peer dependency and testcontainers an optional one: neither is bundled.
const external = (id) =>
  id === 'rxjs' || id.startsWith('rxjs/') || id === 'testcontainers' || id.startsWith('node:') || builtinModules.includes(id);

const entries = { index: 'src/index.ts', testing: 'src/testing/index.ts' };

export default [
  {
    input: entries,
    external,
    plugins: [typescript({ tsconfig: './tsconfig.build.json' })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'shared-[hash].mjs', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'shared-[hash].cjs', sourcemap: true, exports: 'named' },
    ],
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
