import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startZooKeeper } from '../../src/testing';
import { DEBIAN_JAVA_DIR, findLocalInstallation } from '../../src/testing/local-installation';

describe('findLocalInstallation', () => {
  it("finds Debian's package and java", () => {
    const lookup = findLocalInstallation({ PATH: process.env.PATH });
    if (!lookup.found) throw new Error(lookup.reason);
    expect(lookup.installation.classPath).toEqual(
      expect.arrayContaining([`${DEBIAN_JAVA_DIR}/zookeeper.jar`, `${DEBIAN_JAVA_DIR}/netty-codec.jar`, `${DEBIAN_JAVA_DIR}/netty-resolver.jar`]),
    );
    expect(lookup.installation.classPath.some((j) => j.startsWith('/etc/'))).toBe(false);
    expect(lookup.installation.usesLog4j).toBe(true);
  });

  it('explains a ZOOKEEPER_HOME without jars', () => {
    const lookup = findLocalInstallation({ ZOOKEEPER_HOME: '/nonexistent', PATH: process.env.PATH });
    expect(lookup).toEqual({ found: false, reason: expect.stringMatching(/ZOOKEEPER_HOME=\/nonexistent holds no zookeeper jar/) });
  });

  it('explains a missing java', () => {
    const lookup = findLocalInstallation({ PATH: '/nonexistent' });
    expect(lookup).toEqual({ found: false, reason: expect.stringMatching(/no java \(set JAVA_HOME or put java on the PATH\)/) });
  });

  it('prefers JAVA_HOME over the PATH', () => {
    const javaHome = path.dirname(path.dirname(fs.realpathSync(findJavaOnPath())));
    const lookup = findLocalInstallation({ JAVA_HOME: javaHome, PATH: '/nonexistent' });
    if (!lookup.found) throw new Error(lookup.reason);
    expect(lookup.installation.java).toBe(path.join(javaHome, 'bin', 'java'));
  });
});

describe('startZooKeeper() with ZOOKEEPER_HOME', () => {
  const saved = process.env.ZOOKEEPER_HOME;
  let home: string;

  beforeAll(() => {
    // A release-shaped directory (lib/*.jar, conf/) made of the Debian jars.
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'rxzk-test-home-'));
    fs.mkdirSync(path.join(home, 'lib'));
    fs.mkdirSync(path.join(home, 'conf'));
    for (const jar of ['zookeeper.jar', 'zookeeper-jute.jar', 'netty-codec.jar', 'netty-resolver.jar', 'slf4j-log4j12.jar', 'log4j-1.2.jar']) {
      const target = fs.realpathSync(path.join(DEBIAN_JAVA_DIR, jar));
      fs.symlinkSync(target, path.join(home, 'lib', path.basename(target)));
    }
  });

  afterAll(() => {
    if (saved === undefined) delete process.env.ZOOKEEPER_HOME;
    else process.env.ZOOKEEPER_HOME = saved;
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('runs the jars of that installation', async () => {
    process.env.ZOOKEEPER_HOME = home;
    const lookup = findLocalInstallation();
    if (!lookup.found) throw new Error(lookup.reason);
    expect(lookup.installation.description).toBe(`ZOOKEEPER_HOME=${home}`);
    expect(lookup.installation.classPath[0]).toBe(path.join(home, 'conf'));

    const zkServer = await startZooKeeper();
    try {
      expect(await zkServer.members[0].mode()).toBe('standalone');
      expect(await zkServer.members[0].readLog()).toContain(home);
    } finally {
      await zkServer.stop();
    }
  });
});

function findJavaOnPath(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'java');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('no java on the PATH');
}
