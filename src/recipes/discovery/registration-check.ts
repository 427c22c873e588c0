import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, InvalidPathError, joinPath, validatePath } from '../../index';
import { SERVICE_TYPES, type ServiceInstance, type ServiceRegistration, type ServiceType } from './service-instance';
import { parseUriSpec } from './uri-spec';
import { optionsObject } from '../kernel/arguments';

/** The keys of a {@link ServiceRegistration}: any other is refused (a typo such as `sslport` would be dropped unseen). */
const REGISTRATION_KEYS: Record<keyof ServiceRegistration, true> = {
  name: true,
  address: true,
  port: true,
  sslPort: true,
  id: true,
  payload: true,
  serviceType: true,
  uriSpec: true,
  enabled: true,
};

/**
 * A registration as a JavaScript caller may give it, checked and turned into
 * the instance to store: every mistake throws InvalidArgumentError (or
 * InvalidPathError for a name or id that is no znode name) before anything
 * is sent.
 */
export function instanceFor(registration: unknown, base: string, now: number): { instance: ServiceInstance; type: ServiceType } {
  if (typeof registration !== 'object' || registration === null || Array.isArray(registration)) {
    throw new InvalidArgumentError('register needs an instance object { name, address, … }');
  }
  const r = optionsObject(registration, 'register', REGISTRATION_KEYS);
  const name = nodeName(r.name, 'name', base);
  const id = r.id === undefined ? randomUUID() : nodeName(r.id, 'id', joinPath(base, name));
  if (typeof r.address !== 'string' || r.address.length === 0) throw new InvalidArgumentError('register: address must be a non-empty string');
  const type = r.serviceType ?? 'DYNAMIC';
  if (!SERVICE_TYPES.includes(type as ServiceType)) {
    throw new InvalidArgumentError(`register: serviceType must be one of ${SERVICE_TYPES.join(', ')}, not ${String(type)}`);
  }
  if (r.uriSpec !== undefined && typeof r.uriSpec !== 'string') throw new InvalidArgumentError('register: uriSpec must be a string');
  if (r.enabled !== undefined && typeof r.enabled !== 'boolean') throw new InvalidArgumentError('register: enabled must be a boolean');
  const instance: ServiceInstance = {
    name,
    id,
    address: r.address,
    port: port(r.port, 'port'),
    sslPort: port(r.sslPort, 'sslPort'),
    payload: jsonPayload(r.payload),
    registrationTimeUTC: now,
    serviceType: type as ServiceType,
    uriSpec: r.uriSpec === undefined ? null : parseUriSpec(r.uriSpec),
    enabled: r.enabled ?? true,
  };
  return { instance, type: type as ServiceType };
}

/** A service name or instance id: one znode name under `parent`. */
function nodeName(value: unknown, what: string, parent: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidArgumentError(`register: ${what} must be a non-empty string`);
  if (value.includes('/')) throw new InvalidPathError(joinPath(parent, value), `the service ${what} must be one znode name, without '/'`);
  validatePath(joinPath(parent, value));
  return value;
}

/** A port as Curator's Integer holds it: absent is null. */
function port(value: unknown, what: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new InvalidArgumentError(`register: ${what} must be an integer from 0 to 65535, not ${String(value)}`);
  }
  return value;
}

/** The payload as the JSON value it will be stored as (a copy): refused when JSON cannot hold it. */
function jsonPayload(value: unknown): unknown {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new InvalidArgumentError(`register: payload must be JSON (${(err as Error).message})`, { cause: err });
  }
  if (text === undefined) throw new InvalidArgumentError(`register: payload must be JSON, not ${typeof value}`);
  return JSON.parse(text) as unknown;
}
