// node-zookeeper-client 1.1.3, used as its README shows: callbacks; a data
// watch is a getData with a watcher, re-armed from inside the watcher.
import * as nzc from 'node-zookeeper-client';
import type { Driver } from '../driver';
import { nodeDriver, type NodeClientKind, type DataCallback, type DoneCallback, type Follow, type NodeZk } from './node-workloads';

const CLOSE_TIMEOUT = 5_000;

export function nzcDriver(version: string): Driver {
  return nodeDriver(nzcKind(version));
}

export function nzcKind(version: string): NodeClientKind {
  return {
    name: 'nzc',
    version,
    connect(hosts: string): Promise<NodeZk> {
      return new Promise<NodeZk>((resolve, reject) => {
        const client = nzc.createClient(hosts, { sessionTimeout: 10_000 });
        const timer = setTimeout(() => {
          client.close();
          reject(new Error('node-zookeeper-client: not connected within 15 s'));
        }, 15_000);
        client.once('connected', () => {
          clearTimeout(timer);
          resolve(wrap(client));
        });
        client.connect();
      });
    },
  };
}

const EMPTY = Buffer.alloc(0);

function wrap(client: nzc.Client): NodeZk {
  return {
    get(path: string, cb: DataCallback): void {
      client.getData(path, (err, data) => cb(err, data));
    },
    create(path: string, data: Buffer, cb: DoneCallback): void {
      client.create(path, data, (err) => cb(err));
    },
    set(path: string, data: Buffer, cb: DoneCallback): void {
      client.setData(path, data, -1, (err) => cb(err));
    },
    follow(path: string, onValue: (value: unknown) => void, onError: (err: Error) => void): Follow {
      let stopped = false;
      const onReply = (err: Error | null, data: Buffer | undefined) => {
        if (stopped) return;
        if (err !== null) onError(err);
        else onValue(data ?? EMPTY);
      };
      const watcher = () => {
        if (!stopped) client.getData(path, watcher, onReply);
      };
      client.getData(path, watcher, onReply);
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
      // close() queues closeSession; the client says 'disconnected' once the server has closed the socket.
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_TIMEOUT);
        client.once('disconnected', () => {
          clearTimeout(timer);
          resolve();
        });
        client.close();
      });
    },
  };
}
