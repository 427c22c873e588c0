import * as dns from 'node:dns';
import * as net from 'node:net';
import { Observable } from 'rxjs';
import { ConnectError } from '../errors/client-errors';
import { formatEndpoint, type Endpoint } from './connect-string';

/** Resolves a host name to every address it has, in the resolver's order (`dns.lookup`, as getaddrinfo gives them). */
export type ResolveHost = (host: string) => Promise<string[]>;

/** The system resolver (getaddrinfo, as Java's InetAddress.getAllByName): /etc/hosts, then DNS. */
export const systemResolver: ResolveHost = async (host) => (await dns.promises.lookup(host, { all: true })).map((a) => a.address);

/**
 * The endpoints to try for one server of the connect string: one per address its host name resolves to, each
 * keeping the name (for `zk.server`, TLS's server name and SASL's service host) beside the address connected to,
 * as the Java client's StaticHostProvider tries every address of a name. An IP address is its own only endpoint,
 * without a look-up. Errors with a ConnectError when the name does not resolve, or not within `timeout` ms.
 *
 * @example
 * resolveEndpoint({ host: 'zk1.example.com', port: 2181 }, 5000).subscribe(console.log);
 * // [{ host: 'zk1.example.com', port: 2181, address: '10.0.0.1' }, { host: 'zk1.example.com', port: 2181, address: '10.0.0.2' }]
 */
export function resolveEndpoint(endpoint: Endpoint, timeout: number, resolve: ResolveHost = systemResolver): Observable<Endpoint[]> {
  return new Observable<Endpoint[]>((subscriber) => {
    if (net.isIP(endpoint.host) !== 0) {
      subscriber.next([endpoint]);
      subscriber.complete();
      return undefined;
    }
    const server = formatEndpoint(endpoint);
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      subscriber.error(new ConnectError(server, `${endpoint.host} did not resolve within ${timeout} ms`));
    }, timeout);
    resolve(endpoint.host).then(
      (addresses) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (addresses.length === 0) subscriber.error(new ConnectError(server, `${endpoint.host} resolves to no address`));
        else {
          subscriber.next(addresses.map((address) => ({ host: endpoint.host, port: endpoint.port, address })));
          subscriber.complete();
        }
      },
      (err: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        const code = (err as { code?: unknown }).code;
        subscriber.error(new ConnectError(server, `cannot resolve ${endpoint.host}${typeof code === 'string' ? ` (${code})` : ''}`, { cause: err }));
      },
    );
    return () => {
      done = true;
      clearTimeout(timer);
    };
  });
}
