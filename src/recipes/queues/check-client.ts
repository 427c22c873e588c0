import { InvalidArgumentError, type ZooKeeperClient } from '../../index';

/** Refuses, at construction, a client argument that is not one (a JavaScript caller's mix-up), before anything is sent. */
export function checkClient(zk: unknown, what: string): asserts zk is ZooKeeperClient {
  const client = zk as Partial<ZooKeeperClient> | null;
  if (typeof zk !== 'object' || client === null || typeof client.getChildren !== 'function' || typeof client.watchChildren$ !== 'function') {
    throw new InvalidArgumentError(`${what} needs a ZooKeeperClient as its first argument`);
  }
}
