// Minimal typings for node-zookeeper-client 1.1.3 (it ships none): only what the benchmarks call.
declare module 'node-zookeeper-client' {
  import type { EventEmitter } from 'node:events';

  export interface Stat {
    version: number;
  }

  export interface Event {
    getType(): number;
    getName(): string;
    getPath(): string;
  }

  export interface ClientOptions {
    sessionTimeout?: number;
    spinDelay?: number;
    retries?: number;
  }

  export interface Client extends EventEmitter {
    connect(): void;
    close(): void;
    getState(): unknown;
    getData(path: string, callback: (error: Error | null, data: Buffer | undefined, stat: Stat | undefined) => void): void;
    getData(
      path: string,
      watcher: (event: Event) => void,
      callback: (error: Error | null, data: Buffer | undefined, stat: Stat | undefined) => void,
    ): void;
    create(path: string, data: Buffer, callback: (error: Error | null, path: string | undefined) => void): void;
    setData(path: string, data: Buffer, version: number, callback: (error: Error | null, stat: Stat | undefined) => void): void;
  }

  export function createClient(connectionString: string, options?: ClientOptions): Client;
}
