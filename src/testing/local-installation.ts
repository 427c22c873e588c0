import * as fs from 'node:fs';
import * as path from 'node:path';

/** A ZooKeeper on this machine and the Java to run it with. */
export interface LocalInstallation {
  /** The `java` executable. */
  java: string;
  classPath: string[];
  /** For messages: where the jars came from. */
  description: string;
  /** Whether the class path binds slf4j to log4j 1.2, which needs `-Dlog4j.configuration`. */
  usesLog4j: boolean;
}

/** Either an installation, or why there is none (for the "nothing found" message). */
export type LocalInstallationLookup = { found: true; installation: LocalInstallation } | { found: false; reason: string };

/** Where Debian's and Ubuntu's `zookeeper` package put the jars. */
export const DEBIAN_JAVA_DIR = '/usr/share/java';

/**
 * Looks for a ZooKeeper to run as child JVMs: `ZOOKEEPER_HOME` (an unpacked
 * Apache release: lib/*.jar, conf/), else Debian/Ubuntu's package, and a
 * `java` from JAVA_HOME or the PATH.
 *
 * @example
 * const lookup = findLocalInstallation();
 * if (lookup.found) console.log(lookup.installation.description);
 */
export function findLocalInstallation(env: NodeJS.ProcessEnv = process.env): LocalInstallationLookup {
  const jars = findJars(env);
  if (!jars.found) return jars;
  const java = findJava(env);
  if (java === null) {
    return { found: false, reason: `${jars.description} found, but no java (set JAVA_HOME or put java on the PATH)` };
  }
  return { found: true, installation: { java, classPath: jars.classPath, description: jars.description, usesLog4j: jars.usesLog4j } };
}

type Jars = { found: true; classPath: string[]; description: string; usesLog4j: boolean } | { found: false; reason: string };

function findJars(env: NodeJS.ProcessEnv): Jars {
  const home = env.ZOOKEEPER_HOME;
  if (home !== undefined && home !== '') {
    const lib = path.join(home, 'lib');
    const jarsIn = (dir: string): string[] =>
      isDir(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.jar')).sort().map((n) => path.join(dir, n)) : [];
    // A release keeps every jar in lib/; a source build leaves zookeeper-*.jar in the top directory.
    const classPath = [...jarsIn(home), ...jarsIn(lib)];
    if (!classPath.some((j) => /zookeeper-(server-)?\d[^/]*\.jar$|zookeeper\.jar$/.test(j))) {
      return { found: false, reason: `ZOOKEEPER_HOME=${home} holds no zookeeper jar in ${lib}` };
    }
    // conf/ carries logback.xml (3.8+) or log4j.properties (older releases).
    const conf = path.join(home, 'conf');
    if (isDir(conf)) classPath.unshift(conf);
    const usesLog4j = classPath.some((j) => /slf4j-log4j12|[/\\]log4j-1\.2/.test(j));
    return { found: true, classPath, description: `ZOOKEEPER_HOME=${home}`, usesLog4j };
  }
  const main = path.join(DEBIAN_JAVA_DIR, 'zookeeper.jar');
  if (!isFile(main)) {
    return { found: false, reason: `ZOOKEEPER_HOME is not set and ${main} (Debian/Ubuntu's zookeeper package) is missing` };
  }
  // The package's manifest class path names most dependencies but not these:
  // without netty-codec/netty-resolver the Netty connection factory (TLS)
  // fails every connection; without a logging binding the log goes nowhere.
  // /etc/zookeeper/conf is not needed: every setting is in our own files.
  const wanted = ['zookeeper.jar', 'zookeeper-jute.jar', 'netty-codec.jar', 'netty-resolver.jar', 'slf4j-log4j12.jar', 'log4j-1.2.jar'];
  const classPath = wanted.map((n) => path.join(DEBIAN_JAVA_DIR, n)).filter(isFile);
  const usesLog4j = classPath.some((j) => j.endsWith('slf4j-log4j12.jar'));
  return { found: true, classPath, description: `Debian's zookeeper package (${main})`, usesLog4j };
}

function findJava(env: NodeJS.ProcessEnv): string | null {
  const javaHome = env.JAVA_HOME;
  if (javaHome !== undefined && javaHome !== '') {
    const candidate = path.join(javaHome, 'bin', 'java');
    if (isExecutable(candidate)) return candidate;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, 'java');
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
