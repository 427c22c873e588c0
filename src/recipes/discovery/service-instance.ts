/**
 * How a registration lives (curator-x-discovery's ServiceType): `DYNAMIC`
 * is an ephemeral node `<id>`, gone with the session and re-registered by
 * itself on the next one; `DYNAMIC_SEQUENTIAL` is an ephemeral sequential
 * node `<id><seq>` (its JSON keeps the plain id, as Curator writes it), made
 * again, under a new sequence number, after an expiry; `STATIC` is a
 * persistent node that `close()` removes; `PERMANENT` is a persistent node
 * that stays until unregistered.
 *
 * @example
 * await sd.register({ name: 'billing', address: '10.0.0.5', port: 8080, serviceType: 'STATIC' });
 */
export type ServiceType = 'DYNAMIC' | 'STATIC' | 'PERMANENT' | 'DYNAMIC_SEQUENTIAL';

/** The service types, in Curator's ServiceType order. */
export const SERVICE_TYPES: readonly ServiceType[] = ['DYNAMIC', 'STATIC', 'PERMANENT', 'DYNAMIC_SEQUENTIAL'];

/**
 * One instance of a service, as curator-x-discovery stores it at
 * `<base>/<name>/<id>`: read as Curator writes it, so a Java service's
 * registration reads as naturally as a Node service's.
 *
 * - `enabled` is `true` when the JSON has none (Curator's default
 *   serializer, in its compatible mode, never writes it: CURATOR-275).
 * - `payload` is the stored JSON: an object Curator wrote keeps its
 *   `"@class"`; a list Curator wrote in Jackson's `["java.util.ArrayList", [...]]`
 *   wrapper (its `@JsonTypeInfo` on the payload) reads as the list.
 * - `uriSpec` is Curator's `{ parts: [{ value, variable }] }`, or `null`.
 * - `serviceType` is a string, as stored.
 *
 * @example
 * const [first] = await sd.instances('billing');
 * console.log(`${first.address}:${first.port}`, first.payload);
 */
export interface ServiceInstance {
  /** The service's name: the node `<base>/<name>`. */
  name: string;
  /** The instance's id: its node's name under the service (a DYNAMIC_SEQUENTIAL node's name is the id and a sequence number). */
  id: string;
  /** Where to reach it (Curator's default: the first local IP address). */
  address: string;
  /** Its port, or null. */
  port: number | null;
  /** Its TLS port, or null (with one, Curator's `{scheme}` is https). */
  sslPort: number | null;
  /** The stored JSON payload (an object Curator wrote keeps its "@class"), or null. */
  payload: unknown;
  /** ms since the epoch, when the instance was registered. */
  registrationTimeUTC: number;
  /** `DYNAMIC`, `STATIC`, `PERMANENT` or `DYNAMIC_SEQUENTIAL` (any other string a writer stored, as stored). */
  serviceType: string;
  /** Curator's `{ parts: [{ value, variable }] }`, or null. */
  uriSpec: unknown;
  /** false when the instance is disabled (providers skip it); true when the JSON says nothing. */
  enabled: boolean;
}

/**
 * What `register()` takes: the instance to announce. `id` defaults to a
 * random UUID (as Curator's builder's), `serviceType` to `DYNAMIC`, and
 * `uriSpec` is Curator's template (`'{scheme}://{address}:{port}/api'`),
 * stored as Curator's parts.
 *
 * @example
 * const registration: ServiceRegistration = { name: 'billing', address: '10.0.0.5', port: 8080, payload: { zone: 'eu-1' } };
 * await sd.register(registration);
 */
export interface ServiceRegistration {
  /** The service's name: one znode name. */
  name: string;
  /** Where to reach this instance. */
  address: string;
  /** Its port, 0–65535. */
  port?: number;
  /** Its TLS port, 0–65535. */
  sslPort?: number;
  /** The instance's id, one znode name (default: a random UUID); a DYNAMIC_SEQUENTIAL node is named `<id><seq>`. */
  id?: string;
  /**
   * Any JSON value. Curator's default serializer reads an object (with or
   * without `"@class"`), a string, a number, a boolean or null; a top-level
   * list is written as Jackson's `["java.util.ArrayList", [...]]`, the only
   * form Curator reads one in. An object whose `"@class"` names a class the
   * Java side lacks makes Curator's queryForInstances fail for every
   * instance of the name.
   */
  payload?: unknown;
  /** How the registration lives (default `DYNAMIC`: ephemeral, re-registered after an expiry); see {@link ServiceType}. */
  serviceType?: ServiceType;
  /** Curator's URI template, e.g. `'{scheme}://{address}:{port}/api'`, stored as Curator's parts. */
  uriSpec?: string;
  /**
   * `false` writes Curator's `"enabled": false` (providers then skip the
   * instance); by default no `enabled` is written, as Curator's compatible
   * serializer writes none, and readers take it as enabled.
   */
  enabled?: boolean;
}

/**
 * A registration made by `register()`: the instance as stored, and how to
 * take it back.
 *
 * @example
 * const { instance, unregister } = await sd.register({ name: 'billing', address: '10.0.0.5', port: 8080 });
 * console.log('registered as', instance.id);
 * await unregister();
 */
export interface RegisteredService {
  /** The instance as stored (its id, registrationTimeUTC and uriSpec parts filled in). */
  readonly instance: ServiceInstance;
  /**
   * Removes the instance's node (whatever its service type; retried across
   * dropped connections until done) and stops re-registering it. Idempotent.
   *
   * @example
   * process.on('SIGTERM', () => void registered.unregister());
   */
  unregister(): Promise<void>;
}
