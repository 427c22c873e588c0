import { parseConnectString, type Endpoint } from '../transport/connect-string';

/** One server's address ('host:port', '[v6]:port'; the port defaults to 2181), read as the client reads a connect string. */
export function parseAddress(address: string): Endpoint {
  return parseConnectString(address).endpoints[0];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);

/** Whether two addresses name the same server; every loopback spelling counts as one host. */
export function sameAddress(a: Endpoint, b: Endpoint): boolean {
  if (a.port !== b.port) return false;
  if (a.host === b.host) return true;
  return LOOPBACK.has(a.host.toLowerCase()) && LOOPBACK.has(b.host.toLowerCase());
}
