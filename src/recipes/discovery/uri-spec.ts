import { InvalidArgumentError } from '../../index';
import type { ServiceInstance } from './service-instance';

/**
 * Curator's UriSpec as stored in an instance's JSON.
 *
 * @example
 * const spec: UriSpec = parseUriSpec('{scheme}://{address}');
 */
export interface UriSpec {
  /** The template's parts, in order. */
  parts: UriSpecPart[];
}

/**
 * One part of Curator's UriSpec: literal text, or a `{variable}`.
 *
 * @example
 * const part: UriSpecPart = { value: 'port', variable: true };
 */
export interface UriSpecPart {
  /** Literal text, or a variable's name. */
  value: string;
  /** Whether `value` names a variable (`{value}`). */
  variable: boolean;
}

/**
 * Parses a URI template as Curator's `new UriSpec(String)` does (a
 * StringTokenizer on `{` and `}`; variable names trimmed), into the parts
 * Curator stores: `'{scheme}://{address}'` → `{ parts: [{ value: 'scheme',
 * variable: true }, { value: '://', variable: false }, …] }`. Unbalanced
 * braces throw InvalidArgumentError, where Curator throws IllegalStateException.
 *
 * @example
 * parseUriSpec('{scheme}://{address}:{port}').parts.length; // 5
 */
export function parseUriSpec(spec: string): UriSpec {
  const parts: UriSpecPart[] = [];
  let inside = false;
  // StringTokenizer returns the delimiters as tokens and never an empty token.
  for (const token of spec.split(/([{}])/).filter((t) => t.length > 0)) {
    if (token === '{') {
      if (inside) throw new InvalidArgumentError(`uriSpec ${JSON.stringify(spec)}: { is not allowed inside of a variable specification`);
      inside = true;
    } else if (token === '}') {
      if (!inside) throw new InvalidArgumentError(`uriSpec ${JSON.stringify(spec)}: } must be preceded by {`);
      inside = false;
    } else {
      parts.push({ value: inside ? token.trim() : token, variable: inside });
    }
  }
  if (inside) throw new InvalidArgumentError(`uriSpec ${JSON.stringify(spec)}: final variable not closed - expected }`);
  return { parts };
}

/**
 * The URI an instance's uriSpec makes, as Curator's `buildUriSpec` makes it:
 * `{scheme}` is `https` when the instance has an sslPort and `http`
 * otherwise; `{name}`, `{id}`, `{address}`, `{port}`, `{ssl-port}`,
 * `{registration-time-utc}`, `{service-type}` (lower case), `{[}` and `{]}`
 * come from the instance; `variables` add or override; an unknown variable
 * gives nothing. `''` when the instance has no uriSpec.
 *
 * @example
 * const instance = await provider.next();
 * if (instance) await fetch(serviceUri(instance)); // e.g. 'http://10.0.0.5:8080/api'
 */
export function serviceUri(instance: ServiceInstance, variables: Record<string, string | number> = {}): string {
  const parts = uriSpecParts(instance.uriSpec);
  if (parts === null) return '';
  const known: Record<string, string | number> = {
    '[': '{',
    ']': '}',
    scheme: instance.sslPort !== null ? 'https' : 'http',
    name: instance.name,
    id: instance.id,
    address: instance.address ?? '',
    port: instance.port ?? '',
    'ssl-port': instance.sslPort ?? '',
    'registration-time-utc': instance.registrationTimeUTC,
    'service-type': instance.serviceType.toLowerCase(),
    ...variables,
  };
  return parts.map((p) => (p.variable ? String(known[p.value] ?? '') : p.value)).join('');
}

/** The parts of a stored uriSpec (Curator's object, or a template string another writer left), or null. */
function uriSpecParts(uriSpec: unknown): UriSpecPart[] | null {
  if (typeof uriSpec === 'string') return parseUriSpec(uriSpec).parts;
  if (typeof uriSpec !== 'object' || uriSpec === null) return null;
  const parts = (uriSpec as { parts?: unknown }).parts;
  if (!Array.isArray(parts)) return null;
  return parts.filter(
    (p): p is UriSpecPart => typeof p === 'object' && p !== null && typeof (p as UriSpecPart).value === 'string',
  ).map((p) => ({ value: p.value, variable: p.variable === true }));
}
