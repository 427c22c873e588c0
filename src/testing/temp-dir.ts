import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

const PREFIX = 'rxzk-zk-';
const OWNER_FILE = 'owner.pid';

/**
 * Makes the directory for one `startZooKeeper` call, `os.tmpdir()/rxzk-zk-*`,
 * stamped with our pid. `stop()` removes it; if Node is killed outright
 * there is no chance to, so each new call first removes the directories
 * whose owner process is gone.
 *
 * @example
 * const root = await makeTempDir();
 */
export async function makeTempDir(): Promise<string> {
  await removeOrphans();
  const root = await fs.mkdtemp(path.join(os.tmpdir(), PREFIX));
  await fs.writeFile(path.join(root, OWNER_FILE), `${process.pid}\n`);
  return root;
}

async function removeOrphans(): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(os.tmpdir());
  } catch {
    return;
  }
  await Promise.all(
    names
      .filter((n) => n.startsWith(PREFIX))
      .map(async (n) => {
        const dir = path.join(os.tmpdir(), n);
        try {
          const pid = Number((await fs.readFile(path.join(dir, OWNER_FILE), 'utf8')).trim());
          if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) await fs.rm(dir, { recursive: true, force: true });
        } catch {
          // No owner file (someone else's, or being created): leave it.
        }
      }),
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as { code?: unknown }).code === 'EPERM';
  }
}
