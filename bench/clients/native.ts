// The `zookeeper` package (7.x): a binding over the ZooKeeper C client. Used
// through its callback API (a_get, a_create, a_set; aw_get with a watcher
// re-armed from inside the watcher), which its promise API wraps.
// Loaded at run time: if the addon did not build, the driver is unavailable
// and says why.
import type { Driver } from '../driver';
import { nodeDriver, type NodeClientKind, type DataCallback, type DoneCallback, type Follow, type NodeZk } from './node-workloads';

/** The few members of the binding the benchmarks use. */
interface NativeZooKeeper {
  init(config: Record<string, unknown>): unknown;
  on(event: 'connect', listener: () => void): unknown;
  once(event: 'connect' | 'close', listener: () => void): unknown;
  close(): unknown;
  a_get(path: string, watch: boolean, cb: (rc: number, error: string, stat: unknown, data: Buffer | null) => void): unknown;
  aw_get(
    path: string,
    watchCb: (type: number, state: number, path: string) => void,
    dataCb: (rc: number, error: string, stat: unknown, data: Buffer | null) => void,
  ): unknown;
  a_create(path: string, data: Buffer, flags: number, cb: (rc: number, error: string, path: string) => void): unknown;
  a_set(path: string, data: Buffer, version: number, cb: (rc: number, error: string, stat: unknown) => void): unknown;
}

type NativeConstructor = new (config: Record<string, unknown>) => NativeZooKeeper;

/** ZOO_LOG_LEVEL_ERROR: the C client logs to stderr otherwise. */
const LOG_LEVEL_ERROR = 1;
/** See the comment where it is used; documented in the package's README. */
const RESPONSE_COUNTER_LIMIT = 10_000;

export interface LoadedNative {
  ctor: NativeConstructor;
  version: string;
}

/** Loads the binding, or throws with why it cannot be used. */
export function loadNative(): LoadedNative {
  // require(), not import: a missing or unbuilt addon must be a reason in the report, not a crash.
  const mod: unknown = require('zookeeper');
  if (typeof mod !== 'function') throw new Error(`require('zookeeper') gave a ${typeof mod}, not the ZooKeeper class`);
  const pkg: unknown = require('zookeeper/package.json');
  const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : '?';
  return { ctor: mod as NativeConstructor, version };
}

function failure(rc: number, error: string): Error {
  return new Error(`zookeeper native: rc ${rc} ${error}`);
}

export function nativeDriver(loaded: LoadedNative): Driver {
  return nodeDriver(nativeKind(loaded));
}

export function nativeKind(loaded: LoadedNative): NodeClientKind {
  return {
    name: 'native',
    version: loaded.version,
    connect(hosts: string): Promise<NodeZk> {
      return new Promise<NodeZk>((resolve, reject) => {
        const config = {
          connect: hosts,
          timeout: 10_000,
          debug_level: LOG_LEVEL_ERROR,
          host_order_deterministic: false,
          // The binding closes the session after this many consecutive zookeeper_process() calls that complete
          // nothing; its default (10) is reached while a 1 MB reply arrives in pieces, failing workload (d).
          response_counter_limit: RESPONSE_COUNTER_LIMIT,
        };
        const zk = new loaded.ctor(config);
        const timer = setTimeout(() => {
          zk.close();
          reject(new Error('zookeeper native: not connected within 15 s'));
        }, 15_000);
        zk.once('connect', () => {
          clearTimeout(timer);
          resolve(wrap(zk));
        });
        zk.init({});
      });
    },
  };
}

const EMPTY = Buffer.alloc(0);

function wrap(zk: NativeZooKeeper): NodeZk {
  return {
    get(path: string, cb: DataCallback): void {
      zk.a_get(path, false, (rc, error, _stat, data) => {
        if (rc !== 0) cb(failure(rc, error), undefined);
        else cb(null, data ?? Buffer.alloc(0));
      });
    },
    create(path: string, data: Buffer, cb: DoneCallback): void {
      zk.a_create(path, data, 0, (rc, error) => cb(rc === 0 ? null : failure(rc, error)));
    },
    set(path: string, data: Buffer, cb: DoneCallback): void {
      zk.a_set(path, data, -1, (rc, error) => cb(rc === 0 ? null : failure(rc, error)));
    },
    follow(path: string, onValue: (value: unknown) => void, onError: (err: Error) => void): Follow {
      let stopped = false;
      const onReply = (rc: number, error: string, _stat: unknown, data: Buffer | null) => {
        if (stopped) return;
        if (rc !== 0) onError(failure(rc, error));
        else onValue(data ?? EMPTY);
      };
      const watcher = () => {
        if (!stopped) zk.aw_get(path, watcher, onReply);
      };
      zk.aw_get(path, watcher, onReply);
      return {
        unsubscribe: () => {
          stopped = true;
        },
      };
    },
    dataOf(value: unknown): Buffer | null {
      return Buffer.isBuffer(value) ? value : null;
    },
    close(): Promise<void> {
      // zookeeper_close (single-threaded C client) sends closeSession and waits for it; 'close' is emitted from inside.
      zk.close();
      return Promise.resolve();
    },
  };
}
