// The built package as users load it: every public value of every entry point, from ESM and from CommonJS,
// and one class identity whichever way it was loaded (issue 10.7, 10.8).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { dist, ensureBuilt, root } from './built-package';

/** The public values API.md names, per entry point (each must exist, in both formats, as one object). */
const REQUIRED: Record<string, string[]> = {
  rxzk: [
    'createClient', 'ZooKeeperClient', 'Transaction', 'withRetry', 'Perms', 'OPEN_ACL_UNSAFE', 'CREATOR_ALL_ACL', 'READ_ACL_UNSAFE',
    'makeAcl', 'makeDigestAcl', 'digestCredential', 'ConnectionState', 'isConnected', 'whileConnected', 'takeUntilSessionLost',
    'ZooKeeperError', 'SystemZookeeperError', 'RuntimeInconsistencyError', 'DataInconsistencyError', 'ConnectionLossError',
    'MarshallingError', 'UnimplementedError', 'OperationTimeoutError', 'BadArgumentsError', 'UnknownSessionError',
    'NewConfigNoQuorumError', 'ReconfigInProcessError', 'APIError', 'NoNodeError', 'NoAuthError', 'BadVersionError',
    'NoChildrenForEphemeralsError', 'NodeExistsError', 'NotEmptyError', 'SessionExpiredError', 'InvalidCallbackError',
    'InvalidACLError', 'AuthFailedError', 'SessionMovedError', 'NotReadOnlyCallError', 'EphemeralOnLocalSessionError',
    'NoWatcherError', 'RequestTimeoutError', 'ReconfigDisabledError', 'SessionClosedRequireSaslError', 'QuotaExceededError',
    'ThrottledOpError', 'RolledBackError', 'InvalidPathError', 'InvalidArgumentError', 'ClientClosedError',
    'ClientNotStartedError', 'ProtocolError', 'TimeoutError', 'RequestTooLargeError', 'RetryFailedError', 'ConnectError',
  ],
  'rxzk/testing': ['startZooKeeper', 'zooKeeperHarness'],
  'rxzk/recipes': [
    'Lock', 'ReadWriteLock', 'Semaphore', 'NonBlockingLease', 'LeaderLatch', 'LeaderElection', 'whileLeader', 'whileHeld',
    'LockTimeoutError', 'LockLostError', 'Barrier', 'DoubleBarrier', 'Counter', 'SharedCount', 'Queue', 'LockingQueue',
    'Party', 'Partitioner', 'TreeCache', 'PersistentNode', 'ServiceDiscovery',
    // Curator's remaining catalogue (API.md, recipes part 3) and the discovery helpers.
    'MultiLock', 'GroupMember', 'PersistentTtlNode', 'SharedValue', 'AtomicValue', 'CounterDataError', 'OutcomeUnknownError',
    'DistributedQueue', 'DistributedPriorityQueue', 'DistributedDelayQueue', 'DistributedIdQueue', 'SimpleDistributedQueue',
    'ServiceProvider', 'parseUriSpec', 'serviceUri',
  ],
  'rxzk/nestjs': ['ZooKeeperModule', 'InjectZooKeeper', 'getZooKeeperToken', 'ZooKeeperHealthIndicator'],
  'rxzk/angular': ['provideZooKeeper', 'ZOOKEEPER', 'injectZooKeeper'],
  'rxzk/opentelemetry': ['instrumentZooKeeper'],
};

/** A directory whose node_modules/rxzk is this package: scripts there load it as users do, through `exports`. */
let consumer: string;

function run(file: string, source: string): unknown {
  const script = path.join(consumer, file);
  fs.writeFileSync(script, source);
  return JSON.parse(execFileSync(process.execPath, [script], { cwd: consumer, encoding: 'utf8', timeout: 60_000 }));
}

beforeAll(async () => {
  await ensureBuilt();
  consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'rxzk-consumer-'));
  fs.mkdirSync(path.join(consumer, 'node_modules'));
  fs.symlinkSync(root, path.join(consumer, 'node_modules', 'rxzk'), 'dir');
}, 240_000);

afterAll(() => {
  if (consumer) fs.rmSync(consumer, { recursive: true, force: true });
});

describe('the built package', () => {
  it.each(Object.keys(REQUIRED))('%s: every value from import is the very object require gives, and none is missing', (entry) => {
    const report = run(
      'identity.mjs',
      `import { createRequire } from 'node:module';
       const require = createRequire(import.meta.url);
       const esm = await import(${JSON.stringify(entry)});
       const cjs = require(${JSON.stringify(entry)});
       const names = (m) => Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort();
       console.log(JSON.stringify({
         esm: names(esm), cjs: names(cjs),
         undefinedInEsm: names(esm).filter((k) => esm[k] === undefined),
         different: names(cjs).filter((k) => esm[k] !== cjs[k]),
       }));`,
    ) as { esm: string[]; cjs: string[]; undefinedInEsm: string[]; different: string[] };
    expect(report.esm).toEqual(report.cjs);
    expect(report.undefinedInEsm).toEqual([]);
    expect(report.different).toEqual([]);
    expect(REQUIRED[entry].filter((name) => !report.esm.includes(name))).toEqual([]);
  });

  it('errors thrown by required code are instanceof the imported classes, and ConnectionState is a value', () => {
    const report = run(
      'errors.mjs',
      `import { createRequire } from 'node:module';
       import { InvalidArgumentError, InvalidPathError, ZooKeeperClientError, ConnectionState, isConnected } from 'rxzk';
       import { LockTimeoutError } from 'rxzk/recipes';
       const require = createRequire(import.meta.url);
       const cjs = require('rxzk');
       const recipes = require('rxzk/recipes');
       let thrown;
       try { cjs.createClient({ hosts: '127.0.0.1:2181', sessionTimeout: 2 ** 31 }); } catch (e) { thrown = e; }
       let badPath;
       try { cjs.validatePath('no-slash'); } catch (e) { badPath = e; }
       console.log(JSON.stringify({
         option: thrown instanceof InvalidArgumentError,
         path: badPath instanceof InvalidPathError && badPath instanceof ZooKeeperClientError,
         recipe: new recipes.LockTimeoutError(5) instanceof LockTimeoutError && new recipes.LockTimeoutError(5) instanceof ZooKeeperClientError,
         states: ConnectionState,
         connected: isConnected(ConnectionState.CONNECTED),
         cjsStates: cjs.ConnectionState === ConnectionState,
       }));`,
    );
    expect(report).toEqual({
      option: true,
      path: true,
      recipe: true,
      states: {
        CONNECTING: 'CONNECTING', CONNECTED: 'CONNECTED', CONNECTED_READ_ONLY: 'CONNECTED_READ_ONLY', SUSPENDED: 'SUSPENDED',
        EXPIRED: 'EXPIRED', AUTH_FAILED: 'AUTH_FAILED', CLOSED: 'CLOSED',
      },
      connected: true,
      cjsStates: true,
    });
  });

  it('loading rxzk loads neither testcontainers nor any framework', () => {
    const report = run(
      'weight.cjs',
      `require('rxzk'); require('rxzk/recipes');
       const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](testcontainers|@nestjs|@angular)[\\\\/]/.test(f));
       console.log(JSON.stringify(loaded));`,
    );
    expect(report).toEqual([]);
  });

  // Angular is an ES module only (as NestJS 12 is; the repository's NestJS is 11, CommonJS).
  it.each(['rxzk/angular'])(
    "require('%s') on a Node whose require() cannot load an ES module names the Node version needed",
    (entry) => {
      // Node 20.19+ without require(esm) behaves as 20.18 and 18 do (checked on both: the same message).
      fs.writeFileSync(path.join(consumer, 'old-node.cjs'), `require(${JSON.stringify(entry)});`);
      let message = '';
      try {
        execFileSync(process.execPath, ['--no-experimental-require-module', path.join(consumer, 'old-node.cjs')], { cwd: consumer, encoding: 'utf8', stdio: 'pipe' });
      } catch (err) {
        message = String((err as { stderr?: string }).stderr);
      }
      expect(message).toContain(`require('${entry}') needs Node 20.19 or later on 20.x, or Node 22.12 or later`);
      expect(message).toContain(`import '${entry}' from an ES module`);
    },
  );

  it('publishes types of the API only: no internal class is declared', () => {
    const declarations = fs.readdirSync(dist).filter((f) => /\.d\.[cm]ts$/.test(f));
    expect(declarations.length).toBeGreaterThan(0);
    const internals = ['SessionManager', 'PendingRequest', 'WatchRegistry', 'JuteReader', 'JuteWriter', 'SharedWatches'];
    const leaks = declarations.flatMap((f) => {
      const text = fs.readFileSync(path.join(dist, f), 'utf8');
      return internals.filter((name) => new RegExp(`\\b${name}\\b`).test(text)).map((name) => `${f}: ${name}`);
    });
    expect(leaks).toEqual([]);
  });
});
