import type { Observable } from 'rxjs';
import { InvalidArgumentError, joinPath, validatePath, type CreateMode, type ZooKeeperClient } from '../../index';
import { checkWaitOptions, within, type WaitOptions } from '../kernel/wait';
import { instanceJson } from './instance-json';
import { readInstances, watchInstances } from './instance-list';
import { checkClient, recipePath } from '../kernel/arguments';
import { BRIEF } from '../kernel/retry';
import { childrenOrEmpty } from '../kernel/znodes';
import { NodeKeeper } from '../kernel/node-keeper';
import { instanceFor } from './registration-check';
import type { RegisteredService, ServiceInstance, ServiceRegistration, ServiceType } from './service-instance';
import { ServiceProvider, type ServiceProviderOptions } from './service-provider';

/** The node of each service type, as curator-x-discovery's internalRegisterService makes it. */
const MODES: Readonly<Record<ServiceType, CreateMode>> = {
  DYNAMIC: 'EPHEMERAL',
  DYNAMIC_SEQUENTIAL: 'EPHEMERAL_SEQUENTIAL',
  STATIC: 'PERSISTENT',
  PERMANENT: 'PERSISTENT',
};

/** A registration made through this object: the keeper of its node, and how it lives. */
interface Kept {
  keeper: NodeKeeper;
  type: ServiceType;
}

/**
 * Service discovery on curator-x-discovery's layout and JSON: each instance
 * is a node `<base>/<name>/<id>` holding the JSON ServiceInstance Curator's
 * JsonInstanceSerializer writes, under container parents. A Java service
 * registered with Curator's ServiceDiscovery is found by `instances()`, and
 * an rxzk registration by Curator's `queryForInstances` (and its
 * ServiceProvider, ServiceCache).
 *
 * - `DYNAMIC` (the default) is an ephemeral node, registered again by itself
 *   on the new session after an expiry (Curator re-registers on CONNECTED
 *   and RECONNECTED); `DYNAMIC_SEQUENTIAL` an ephemeral sequential node
 *   `<id><seq>` whose JSON keeps the plain id (Curator's
 *   EPHEMERAL_SEQUENTIAL create at `<base>/<name>/<id>`), made again after an
 *   expiry — one node, where Curator makes one more at every reconnection;
 *   `STATIC` and `PERMANENT` are persistent nodes.
 * - `close()` unregisters the DYNAMIC, DYNAMIC_SEQUENTIAL and STATIC
 *   registrations made through this object and closes its providers;
 *   PERMANENT ones stay (Curator's close removes them too).
 * - Nothing is sent before a method is called.
 *
 * @example
 * const sd = new ServiceDiscovery(zk, '/discovery');
 * await sd.register({ name: 'billing', address: '10.0.0.5', port: 8080, uriSpec: '{scheme}://{address}:{port}' });
 * const provider = sd.provider('billing');
 * const instance = await provider.next();
 * if (instance) console.log(serviceUri(instance)); // http://10.0.0.5:8080
 */
export class ServiceDiscovery {
  private readonly base: string;
  private readonly kept = new Map<string, Kept>();
  private readonly providers = new Set<ServiceProvider>();

  /**
   * A discovery on `basePath` (Curator's ServiceDiscoveryBuilder.basePath);
   * a bad path throws InvalidPathError here. Nothing is sent yet.
   *
   * @example
   * const sd = new ServiceDiscovery(zk, '/discovery');
   */
  constructor(
    private readonly zk: ZooKeeperClient,
    basePath: string,
  ) {
    checkClient(zk, 'ServiceDiscovery');
    this.base = recipePath(basePath);
  }

  /**
   * Registers an instance: resolves once its node is in place, with the
   * instance as stored and a way to unregister it. A DYNAMIC or
   * DYNAMIC_SEQUENTIAL instance is re-registered by itself after an expiry,
   * until it is unregistered or this ServiceDiscovery closed (a
   * DYNAMIC_SEQUENTIAL one under a new sequence number; `unregister()`
   * removes whichever node it has then, where Curator's unregisterService
   * deletes `<id>` and leaves `<id><seq>` to its session). A node already at `<base>/<name>/<id>`
   * that is not this registration's (another session's, other data) is
   * replaced, as Curator replaces it. Registering a name and id this object
   * already keeps is refused (unregister it first).
   *
   * `timeout` and `signal` bound the wait for the first placement (the
   * client may be disconnected): LockTimeoutError or the signal's reason,
   * and nothing left behind.
   *
   * @example
   * const { instance } = await sd.register({ name: 'billing', address: '10.0.0.5', port: 8080, payload: { zone: 'eu-1' } });
   * console.log(instance.id);
   */
  async register(registration: ServiceRegistration, opts?: WaitOptions): Promise<RegisteredService> {
    const wait = checkWaitOptions(opts, 'register');
    const { instance, type } = instanceFor(registration, this.base, Date.now());
    const path = joinPath(joinPath(this.base, instance.name), instance.id);
    if (this.kept.has(path)) throw new InvalidArgumentError(`${instance.name}/${instance.id} is already registered here: unregister it first`);
    // Kept as curator-x-discovery keeps it: looked at again on each (re)connection, and a node in the way (another
    // session's, other data) deleted and made again, so that watchers fire (its internalRegisterService).
    const keeper = new NodeKeeper(this.zk, { path, mode: MODES[type], protection: false, inTheWay: 'replace', watch: false }, instanceJson(instance));
    const kept: Kept = { keeper, type };
    this.kept.set(path, kept);
    const unregister = async (): Promise<void> => {
      if (this.kept.get(path) === kept) this.kept.delete(path);
      await keeper.stop(true);
    };
    keeper.start();
    try {
      await within(wait, () => keeper.placed);
    } catch (err) {
      // Given up: the node, if the create got through, is removed once the client can reach the server again.
      unregister().catch(() => undefined);
      throw err;
    }
    return { instance, unregister };
  }

  /**
   * The names of the services registered under the base path (Curator's
   * queryForNames); [] when there is none.
   *
   * @example
   * console.log(await sd.names()); // ['billing', 'orders']
   */
  names(): Promise<string[]> {
    return childrenOrEmpty(this.zk, this.base, BRIEF).then((names) => names.sort());
  }

  /**
   * The instances of a service now, in id order (Curator's
   * queryForInstances); [] when there is none. Disabled instances are
   * included (`enabled: false`), as Curator's query includes them.
   *
   * @example
   * for (const i of await sd.instances('billing')) console.log(i.id, i.address, i.port);
   */
  instances(name: string): Promise<ServiceInstance[]> {
    return readInstances(this.zk, this.serviceDir(name));
  }

  /**
   * The instances of a service, kept current (Curator's ServiceCache): the
   * current list first ([] when there is none), then the list after each
   * change; through dropped connections and expiries. Cold: each
   * subscription watches; unsubscribing releases the watches.
   *
   * @example
   * sd.instances$('billing').subscribe((list) => console.log(list.length, 'billing instances'));
   */
  instances$(name: string): Observable<ServiceInstance[]> {
    return watchInstances(this.zk, this.serviceDir(name));
  }

  /**
   * A provider of one service's instances: `next()` picks one by the
   * strategy (round-robin by default), leaving out instances the `filter`
   * refuses (Curator's InstanceFilter), those noted down by `noteError`
   * (twice within 30 s: skipped for 30 s) and disabled ones.
   *
   * @example
   * const provider = sd.provider('billing', { strategy: 'sticky' });
   * const instance = await provider.next();
   * // Only the instances in one zone (their payload, as registered).
   * const local = sd.provider('billing', { filter: (i) => (i.payload as { zone?: string } | null)?.zone === 'eu-1' });
   */
  provider(name: string, opts?: ServiceProviderOptions): ServiceProvider {
    const provider: ServiceProvider = new ServiceProvider(watchInstances(this.zk, this.serviceDir(name)), opts, {
      onClose: () => this.providers.delete(provider),
    });
    this.providers.add(provider);
    return provider;
  }

  /**
   * Unregisters this object's DYNAMIC, DYNAMIC_SEQUENTIAL and STATIC registrations (their nodes
   * deleted, retried across dropped connections), stops keeping its
   * PERMANENT ones (their nodes stay), and closes its providers (Curator's
   * ServiceDiscovery.close). The object stays usable.
   *
   * @example
   * process.on('SIGTERM', () => void sd.close());
   */
  async close(): Promise<void> {
    for (const provider of [...this.providers]) provider.close();
    const kept = [...this.kept.values()];
    this.kept.clear();
    await Promise.all(kept.map(({ keeper, type }) => keeper.stop(type !== 'PERMANENT')));
  }

  private serviceDir(name: unknown): string {
    if (typeof name !== 'string' || name.length === 0 || name.includes('/')) {
      throw new InvalidArgumentError(`a service name must be a non-empty string without '/', not ${JSON.stringify(name)}`);
    }
    return validatePath(joinPath(this.base, name));
  }
}
