// The ZooKeeper the benchmarks run against.
import { startZooKeeper, type StartedZooKeeper } from '../src/testing';

/**
 * JVM flags for a local server. rxzk/testing's defaults (C1 JIT only, 256 MB
 * heap) suit short tests, not a benchmark. The heap must also hold the last
 * 500 committed transactions, which the server keeps in memory for followers
 * to sync from (zookeeper.commitLogCount; it refuses anything lower): with
 * workload (d)'s 1 MB values that is up to ~1 GB, and a 1 GB heap ran out of
 * memory in a trial that set 480 big values in a row. The bench's order
 * (10,000 creates of (c) between the (d) runs) keeps far fewer in there; 2 GB
 * leaves room anyway.
 */
export const SERVER_JVM_FLAGS = ['-Xms512m', '-Xmx2g', '-XX:TieredStopAtLevel=4'];

/**
 * `ZOOKEEPER_CONNECT` if set (used as is), else a local server started through rxzk/testing on the given
 * connection factory (issue 14: NIO throttles one connection's pipelined reads; Netty shows the client's cost).
 */
export function startBenchServer(connectionFactory?: 'nio' | 'netty'): Promise<StartedZooKeeper> {
  return startZooKeeper({ jvmFlags: SERVER_JVM_FLAGS, connectionFactory });
}
