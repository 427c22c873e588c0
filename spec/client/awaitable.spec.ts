// An awaited request keeps a promise's rules (issue 18): what `then` gives is a PromiseLike whose callbacks never
// run inside `then`, whose chained result is what they return or throw, and whose unhandled rejection is reported.
// A client never started refuses every request at once, which is the hardest case: the failure is known inside `then`.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ClientNotStartedError, createClient, InvalidPathError } from '../../src';

const zk = createClient({ hosts: '127.0.0.1:1' });

/** Runs a program in a Node process of its own (jest keeps unhandled rejections to itself); its exit code and stderr. */
function runNode(program: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--import', 'tsx', '-e', program], { cwd: join(__dirname, '..', '..'), timeout: 30_000 }, (error, _stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') reject(error);
      else resolve({ code: child.exitCode, stderr });
    });
  });
}

describe('an awaited request as a promise', () => {
  it('throws the typed error when awaited', async () => {
    await expect(zk.get('/a')).rejects.toBeInstanceOf(ClientNotStartedError);
    await expect(zk.get('bad')).rejects.toBeInstanceOf(InvalidPathError);
  });

  it('never runs its callbacks inside then()', async () => {
    const calls: string[] = [];
    const chained = zk.get('/a').then(
      () => calls.push('fulfilled'),
      () => calls.push('rejected'),
    );
    calls.push('after then');
    await chained;
    expect(calls).toEqual(['after then', 'rejected']);
  });

  it("chains what the callbacks return or throw, as Promise.prototype.then does", async () => {
    await expect(zk.exists('/a').then(undefined, (err: unknown) => (err instanceof ClientNotStartedError ? 'recovered' : 'other'))).resolves.toBe(
      'recovered',
    );
    const bug = new Error('thrown by the callback');
    await expect(
      zk.exists('/a').then(undefined, () => {
        throw bug;
      }),
    ).rejects.toBe(bug);
    await expect(zk.exists('/a').then(undefined, () => Promise.reject(bug))).rejects.toBe(bug);
    // Without a rejection handler the error passes down the chain.
    await expect(zk.exists('/a').then((stat) => stat?.version)).rejects.toBeInstanceOf(ClientNotStartedError);
  });

  it('can be chained on after it has settled', async () => {
    const first = zk.get('/a').then(undefined, () => 'late');
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(await first.then((v) => `${v}!`)).toBe('late!');
  });

  it('reports a rejection nobody handles as an unhandled rejection, as a Promise does', async () => {
    const program = `
      const { createClient } = require('./src');
      process.on('unhandledRejection', (reason) => { console.error('unhandled:', reason.name); process.exit(3); });
      createClient({ hosts: '127.0.0.1:1' }).get('/never-handled').then(() => 'no handler for the error');`;
    const { code, stderr } = await runNode(program);
    expect(stderr).toContain('unhandled: ClientNotStartedError');
    expect(code).toBe(3);
  }, 30_000);
});
