// The optional peer `kerberos` as users meet it in the built package: nothing of rxzk loads it until a GSSAPI
// exchange, and where it is not installed a GSSAPI client ends AUTH_FAILED with an error naming the package.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { ensureBuilt, root } from './built-package';

/** Consumers: `withPeer` sees this checkout's node_modules (kerberos included), `withoutPeer` a copy of the package beside rxjs only. */
let withPeer: string;
let withoutPeer: string;
let zkServer: StartedZooKeeper;

function run(consumer: string, file: string, source: string): unknown {
  const script = path.join(consumer, file);
  fs.writeFileSync(script, source);
  return JSON.parse(execFileSync(process.execPath, [script], { cwd: consumer, encoding: 'utf8', timeout: 60_000 }));
}

beforeAll(async () => {
  await ensureBuilt();
  withPeer = fs.mkdtempSync(path.join(os.tmpdir(), 'rxzk-consumer-'));
  fs.mkdirSync(path.join(withPeer, 'node_modules'));
  fs.symlinkSync(root, path.join(withPeer, 'node_modules', 'rxzk'), 'dir');

  withoutPeer = fs.mkdtempSync(path.join(os.tmpdir(), 'rxzk-consumer-'));
  const copy = path.join(withoutPeer, 'node_modules', 'rxzk');
  fs.mkdirSync(copy, { recursive: true });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(copy, 'package.json'));
  fs.cpSync(path.join(root, 'dist'), path.join(copy, 'dist'), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules', 'rxjs'), path.join(withoutPeer, 'node_modules', 'rxjs'), 'dir');

  zkServer = await startZooKeeper();
}, 240_000);

afterAll(async () => {
  await zkServer?.stop();
  for (const dir of [withPeer, withoutPeer]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the optional peer 'kerberos'", () => {
  it('is installed in this checkout (scripts/install-kerberos.sh), so the next test could see it loaded', () => {
    expect(() => require.resolve('kerberos', { paths: [root] })).not.toThrow();
  });

  it('is loaded by nothing of rxzk, not even a GSSAPI client before it connects', () => {
    const loaded = run(
      withPeer,
      'weight.cjs',
      `const { createClient } = require('rxzk'); require('rxzk/recipes'); require('rxzk/testing');
       createClient({ hosts: '127.0.0.1:2181', sasl: { mechanism: 'GSSAPI' } });
       createClient({ hosts: '127.0.0.1:2181', sasl: { mechanism: 'DIGEST-MD5', username: 'u', password: 'p' } });
       console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /node_modules[\\\\/]kerberos[\\\\/]/.test(f))));`,
    );
    expect(loaded).toEqual([]);
  });

  it('missing, a GSSAPI client ends AUTH_FAILED with an AuthFailedError naming the package to install', () => {
    const report = run(
      withoutPeer,
      'missing.mjs',
      `import { createClient, AuthFailedError } from 'rxzk';
       const zk = createClient({ hosts: ${JSON.stringify(zkServer.connectString)}, sasl: { mechanism: 'GSSAPI' } });
       const err = await zk.start().then(() => null, (e) => e);
       const report = { authFailed: err instanceof AuthFailedError, message: err?.message, state: zk.state };
       await zk.close();
       console.log(JSON.stringify(report));`,
    ) as { authFailed: boolean; message: string; state: string };
    expect(report.authFailed).toBe(true);
    expect(report.state).toBe('AUTH_FAILED');
    expect(report.message).toMatch(/GSSAPI: the Kerberos library is missing: install the optional peer dependency 'kerberos' \(npm install kerberos;/);
  });
});
