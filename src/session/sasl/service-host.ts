import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';

/** The name service calls canonicalisation makes; tests replace them. */
export interface HostLookups {
  /** getnameinfo: address → name (Node's `dns.lookupService`). */
  lookupService(address: string, port: number): Promise<{ hostname: string }>;
  /** getaddrinfo: name → addresses (Node's `dns.lookup` with `all`). */
  lookup(hostname: string, options: { all: true }): Promise<{ address: string }[]>;
}

const systemLookups: HostLookups = {
  lookupService: (address, port) => dns.lookupService(address, port),
  lookup: (hostname, options) => dns.lookup(hostname, options),
};

/**
 * The host of the service principal, `<serviceName>/<host>`, as the Java
 * client picks it (SaslServerPrincipal.getServerPrincipal): the connected
 * host as the connect string names it, or with `canonicalize` (its default,
 * `zookeeper.sasl.client.canonicalize.hostname`) the canonical name of the
 * address connected to — InetAddress.getCanonicalHostName: a reverse lookup
 * through the system resolver (getnameinfo, which reads /etc/hosts as Java
 * and MIT do, unlike c-ares' `dns.reverse`), kept only if that name resolves
 * back to the address; when it fails, the host as named.
 *
 * @example
 * await serviceHost('127.0.0.1', '127.0.0.1', true);   // 'localhost' where /etc/hosts says so
 * await serviceHost('zk1', '10.0.0.5', false);          // 'zk1'
 */
export async function serviceHost(host: string, address: string | undefined, canonicalize: boolean, lookups: HostLookups = systemLookups): Promise<string> {
  if (!canonicalize || address === undefined || isIP(address) === 0) return host;
  try {
    const { hostname } = await lookups.lookupService(address, 0);
    if (hostname === '' || isIP(hostname) !== 0) return host;
    // getCanonicalHostName's check: a name that does not lead back to the address is not trusted.
    const addresses = await lookups.lookup(hostname, { all: true });
    return addresses.some((a) => sameAddress(a.address, address)) ? hostname : host;
  } catch {
    return host;
  }
}

/** Equal addresses, an IPv4-mapped IPv6 address ('::ffff:127.0.0.1') matching its IPv4 form. */
function sameAddress(a: string, b: string): boolean {
  const plain = (x: string): string => x.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return plain(a) === plain(b);
}
