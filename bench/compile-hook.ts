// Imported first by run.ts, profile.ts and writer.ts: from then on, `require`
// compiles rxzk's src/**/*.ts and the rest of bench/**/*.ts with TypeScript's
// own transpiler (what `npm run build` emits through @rollup/plugin-typescript)
// instead of tsx's esbuild. tsx still resolves the paths and compiles the entry
// file itself.
//
// Why: tsx always compiles with esbuild's `keepNames`, which wraps every named
// function expression and closure created at run time in `__name(fn, "name")`,
// an Object.defineProperty call that also gives the closure its own property.
// The peers run as plain JavaScript, so under tsx rxzk (and the harness's rxzk
// adapter, whose observer closures get names) would pay for it alone: in a
// profile of workload (a), `__name` and `set name` took 13% of rxzk's busy
// self time and allocations rose from 1,969 to 2,530 bytes per request (see
// README.md). tsc's output also keeps line numbers close to the
// sources, so CPU profiles name real lines.
//
// RXZK_BENCH_LOADER=tsx keeps tsx's compilation instead (to see the difference).
import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import ts from 'typescript';

const ROOTS = [join(__dirname, '..', 'src') + sep, __dirname + sep];

interface CompilableModule {
  _compile(code: string, filename: string): void;
}

export const SRC_LOADER = process.env.RXZK_BENCH_LOADER === 'tsx' ? 'tsx (esbuild, keepNames)' : 'tsc (typescript transpileModule), as npm run build';

if (process.env.RXZK_BENCH_LOADER !== 'tsx') {
  const extensions = require.extensions;
  const previous = extensions['.ts'];
  if (previous === undefined) throw new Error('no .ts loader: run with --import tsx');
  extensions['.ts'] = (module, filename) => {
    if (!ROOTS.some((root) => filename.startsWith(root))) {
      previous(module, filename);
      return;
    }
    const out = ts.transpileModule(readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        isolatedModules: true,
        inlineSourceMap: true,
      },
    });
    (module as unknown as CompilableModule)._compile(out.outputText, filename);
  };
}
