import type { ServiceInstance } from './service-instance';

/** Jackson's class for a list, in the wrapper its `@JsonTypeInfo(use = CLASS)` on ServiceInstance.getPayload writes. */
const LIST_CLASS = 'java.util.ArrayList';

/**
 * An instance's bytes as curator-x-discovery's JsonInstanceSerializer writes
 * them in its default, compatible mode (OldServiceInstance): the fields in
 * Curator's order, `sslPort`/`uriSpec` as `null` when absent, and no
 * `enabled` (CURATOR-275) unless the instance is disabled.
 *
 * A top-level list payload goes in Jackson's type wrapper: Curator reads a
 * bare JSON array there as `[typeId, value]` and fails ("need JSON String
 * that contains type id"), so `[1, 2]` is written `["java.util.ArrayList",
 * [1, 2]]`, as Curator itself writes a List. Objects, strings, numbers,
 * booleans and null are read by Curator as they are (an object without
 * `"@class"` becomes a LinkedHashMap), so they are written as given.
 */
export function instanceJson(instance: ServiceInstance): Buffer {
  const ordered: Record<string, unknown> = {
    name: instance.name,
    id: instance.id,
    address: instance.address,
    port: instance.port,
    sslPort: instance.sslPort,
    payload: Array.isArray(instance.payload) ? [LIST_CLASS, instance.payload] : instance.payload,
    registrationTimeUTC: instance.registrationTimeUTC,
    serviceType: instance.serviceType,
    uriSpec: instance.uriSpec,
  };
  if (!instance.enabled) ordered.enabled = false;
  return Buffer.from(JSON.stringify(ordered), 'utf8');
}

/**
 * An instance read from its node's bytes, as Curator reads it (Jackson with
 * FAIL_ON_UNKNOWN_PROPERTIES off): unknown fields ignored, a missing
 * `enabled` is `true`, a missing serviceType `DYNAMIC` (ServiceInstance's
 * defaults). A payload in Jackson's wrapper (`[className, value]`, the only
 * list Curator can have stored there) reads as its value. `null` for bytes
 * that are not an instance (no JSON object, no string name and id): such a
 * node is skipped, not a failure of the whole list.
 */
export function parseInstance(bytes: Buffer): ServiceInstance | null {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  if (typeof o.name !== 'string' || typeof o.id !== 'string') return null;
  return {
    name: o.name,
    id: o.id,
    address: typeof o.address === 'string' ? o.address : '',
    port: integerOrNull(o.port),
    sslPort: integerOrNull(o.sslPort),
    payload: unwrapPayload(o.payload),
    registrationTimeUTC: typeof o.registrationTimeUTC === 'number' ? o.registrationTimeUTC : 0,
    serviceType: typeof o.serviceType === 'string' ? o.serviceType : 'DYNAMIC',
    uriSpec: o.uriSpec ?? null,
    enabled: o.enabled !== false,
  };
}

function integerOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

/** Jackson's `[className, value]` wrapper (a List, a Long beyond int) as its value; anything else as stored. */
function unwrapPayload(payload: unknown): unknown {
  if (payload === undefined) return null;
  if (Array.isArray(payload) && payload.length === 2 && typeof payload[0] === 'string') return payload[1] as unknown;
  return payload;
}
