// Source maps that carry their sources (issue 18.5): the package ships dist/ without src/, so a stack trace through
// a map is readable only if the map holds the source text (sourcesContent). Checked on the packed tarball, installed.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installedApp, removePackedTarball } from './packed';

let app: string;

beforeAll(async () => {
  ({ dir: app } = await installedApp('core', { rxjs: '^7.8.0' }));
}, 600_000);
afterAll(() => removePackedTarball());

interface SourceMap {
  sources: string[];
  sourcesContent?: (string | null)[];
}
const distDir = (): string => path.join(app, 'node_modules', 'rxzk', 'dist');
const maps = (): [string, SourceMap][] =>
  fs
    .readdirSync(distDir())
    .filter((f) => f.endsWith('.map'))
    .map((f) => [f, JSON.parse(fs.readFileSync(path.join(distDir(), f), 'utf8')) as SourceMap]);

describe('the installed package’s source maps', () => {
  it('ship no src/ and carry the text of every source they name', () => {
    expect(fs.existsSync(path.join(app, 'node_modules', 'rxzk', 'src'))).toBe(false);
    expect(maps().length).toBeGreaterThan(3);
    for (const [file, map] of maps()) {
      expect({ file, sources: map.sources.length }).toEqual({ file, sources: map.sourcesContent?.length });
      expect({ file, missing: (map.sourcesContent ?? []).filter((c) => typeof c !== 'string' || c.length === 0).length }).toEqual({ file, missing: 0 });
    }
  });

  it.each([
    ['CommonJS', 'trace.cjs', `const { createClient } = require('rxzk');`],
    ['ESM', 'trace.mjs', `import { createClient } from 'rxzk';`],
  ])('turn a stack trace from %s into a readable source line (node --enable-source-maps)', (_format, file, load) => {
    fs.writeFileSync(
      path.join(app, file),
      `${load}\ntry { createClient({ hosts: '127.0.0.1:2181', sessionTimeout: -1 }); } catch (err) { console.log(err.stack); }\n`,
    );
    const stack = execFileSync(process.execPath, ['--enable-source-maps', file], { cwd: app, encoding: 'utf8' });
    // The first frame inside the package, mapped back to its TypeScript source.
    const frame = /\(?(\S*node_modules\/rxzk\/src\/(\S+?\.ts)):(\d+):\d+\)?/.exec(stack);
    expect(frame).not.toBeNull();
    const [, , source, line] = frame!;
    const text = maps()
      .map(([, map]) => map.sourcesContent?.[map.sources.findIndex((s) => s.endsWith(`src/${source}`))])
      .find((c) => typeof c === 'string');
    // The line the trace names is the line that threw.
    expect(text?.split('\n')[Number(line) - 1]).toMatch(/throw new InvalidArgumentError/);
  });
});
