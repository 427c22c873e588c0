// The README's code runs (issue 18.3): every ```ts block, as a program against a throwaway server, through the built
// package as an application resolves it (rxzk → dist/ by package.json's exports, not src/ by tsconfig paths), under
// `node --import tsx`. A block that fails — a renamed method, a wrong option, an example whose state is not what its
// comment says — fails here. readme-blocks.ts says how a block is made a program and how one opts out.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { lastValueFrom } from 'rxjs';
import { createClient, type ZooKeeperClient } from '../../src';
import { startZooKeeper, type StartedZooKeeper } from '../../src/testing';
import { ensureBuilt, root } from '../package/built-package';
import { blockProgram, readmeBlocks } from './readme-blocks';

const exec = promisify(execFile);
const blocks = readmeBlocks(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
const scratch = path.join(root, '.scratch', 'readme');

let zkServer: StartedZooKeeper;
let admin: ZooKeeperClient;
let rxjsNames: string[];
let rxzkNames: string[];
/** A failed block's program is kept in .scratch/readme to be read. */
let failed = false;

beforeAll(async () => {
  await ensureBuilt();
  zkServer = await startZooKeeper();
  admin = createClient({ hosts: zkServer.connectString });
  await admin.start();
  rxjsNames = Object.keys(require('rxjs') as object);
  rxzkNames = Object.keys(require(path.join(root, 'dist', 'index.cjs')) as object).filter((n) => n !== '__esModule');
  fs.mkdirSync(scratch, { recursive: true });
}, 240_000);
afterAll(async () => {
  await admin?.close();
  await zkServer?.stop();
  if (!failed) fs.rmSync(scratch, { recursive: true, force: true });
}, 60_000);

describe('README.md', () => {
  it('has code blocks to run', () => {
    expect(blocks.filter((b) => b.optOut === undefined).length).toBeGreaterThan(5);
  });

  it.each(blocks.filter((b) => b.optOut !== undefined).map((b) => [b.line, b] as const))(
    'the block at line %i opts out with a reason and names an existing file that covers it',
    (_line, block) => {
      expect(block.optOut!.reason.length).toBeGreaterThan(10);
      expect(fs.existsSync(path.join(root, block.optOut!.coveredBy))).toBe(true);
    },
  );

  it.each(blocks.filter((b) => b.optOut === undefined).map((b) => [b.line, b] as const))('the block at line %i runs', async (_line, block) => {
    const chroot = `/readme-${block.line}-${randomUUID().slice(0, 8)}`;
    await lastValueFrom(admin.ensurePath(chroot), { defaultValue: undefined });
    const file = path.join(scratch, `block-${block.line}.mts`);
    fs.writeFileSync(file, blockProgram(block, rxjsNames, rxzkNames));
    try {
      await exec(process.execPath, ['--import', 'tsx', file], {
        cwd: root,
        timeout: 90_000,
        env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.installed.json'), README_HOSTS: zkServer.connectString, README_CHROOT: chroot },
      });
    } catch (err) {
      failed = true;
      const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
      throw new Error(`README.md line ${block.line} failed (program: ${file}):\n${String(stdout).slice(-2000)}\n${String(stderr).slice(-4000)}`);
    }
  }, 120_000);
});
