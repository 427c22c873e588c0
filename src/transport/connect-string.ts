import { validateChroot } from '../common/path';
import { InvalidArgumentError } from '../errors/client-errors';

/** One server of a connect string; `host` holds an IPv6 address without brackets. */
export interface Endpoint {
  host: string;
  port: number;
  /** The address to connect to, once the client has resolved `host` (a name keeps its place in `host`: see transport/resolve). */
  address?: string;
}

/** A parsed connect string: the servers in order, and the chroot (`''` for none). */
export interface ConnectString {
  endpoints: Endpoint[];
  chroot: string;
}

/** The port ZooKeeper's ConnectStringParser assumes when a server names none. */
export const DEFAULT_PORT = 2181;

/**
 * Parses the `hosts` option, as ZooKeeper's ConnectStringParser reads a connect
 * string: comma-separated `host[:port]` items (port 2181 by default), IPv6
 * addresses in brackets (`[::1]:2181`, `[::1]`), and an optional chroot suffix
 * that starts at the first `/` of the whole string (`'h1:2181,h2:2181/app'`).
 * The array form lists one server per item; only the last item may carry a
 * chroot suffix.
 *
 * Stricter than Java, which lets a bad port through as a NumberFormatException
 * and an empty item be skipped: an empty host or item, a port that is not
 * 1..65535, or an IPv6 address without brackets (`::1:2181` is ambiguous) is
 * refused.
 *
 * @param hosts the connect string or its items
 * @param chrootOption the `chroot` option; when the string also has a suffix,
 *   both must name the same chroot
 * @throws InvalidArgumentError for a malformed server list or disagreeing chroots
 * @throws InvalidPathError for a chroot that is not a valid path
 * @example
 * parseConnectString('zk1:2181,[::1]:2182/app');
 * // { endpoints: [{ host: 'zk1', port: 2181 }, { host: '::1', port: 2182 }], chroot: '/app' }
 * parseConnectString(['zk1', 'zk2:2182'], '/app');
 * // { endpoints: [{ host: 'zk1', port: 2181 }, { host: 'zk2', port: 2182 }], chroot: '/app' }
 */
export function parseConnectString(hosts: string | readonly string[], chrootOption?: string): ConnectString {
  const { items, suffix } = splitHosts(hosts);
  const endpoints = items.map(parseEndpoint);
  if (endpoints.length === 0) throw new InvalidArgumentError('the connect string names no server');

  const fromSuffix = suffix === undefined ? undefined : validateChroot(suffix);
  const fromOption = chrootOption === undefined ? undefined : validateChroot(chrootOption);
  if (fromSuffix !== undefined && fromOption !== undefined && fromSuffix !== fromOption) {
    throw new InvalidArgumentError(
      `the chroot option ${JSON.stringify(chrootOption)} disagrees with the connect string's suffix ${JSON.stringify(suffix)}`,
    );
  }
  return { endpoints, chroot: fromSuffix ?? fromOption ?? '' };
}

/** The server items and the chroot suffix (from the first `/`), if any. */
function splitHosts(hosts: unknown): { items: string[]; suffix: string | undefined } {
  if (typeof hosts === 'string') {
    const { head, suffix } = cutSuffix(hosts);
    return { items: head.split(','), suffix };
  }
  if (!Array.isArray(hosts)) throw new InvalidArgumentError('hosts must be a string or an array of strings');
  const list: readonly unknown[] = hosts;
  const items: string[] = [];
  let suffix: string | undefined;
  list.forEach((item, i) => {
    if (typeof item !== 'string') throw new InvalidArgumentError(`hosts[${i}] must be a string`);
    const cut = cutSuffix(item);
    if (cut.suffix !== undefined && i !== list.length - 1) {
      throw new InvalidArgumentError(`hosts[${i}]: only the last item may carry a chroot suffix`);
    }
    items.push(cut.head);
    suffix = cut.suffix;
  });
  return { items, suffix };
}

function cutSuffix(text: string): { head: string; suffix: string | undefined } {
  const slash = text.indexOf('/');
  if (slash < 0) return { head: text, suffix: undefined };
  return { head: text.slice(0, slash), suffix: text.slice(slash).trim() };
}

function parseEndpoint(rawItem: string): Endpoint {
  const item = rawItem.trim();
  if (item === '') throw new InvalidArgumentError('empty server in the connect string');
  const { host, port } = item.startsWith('[') ? splitBracketed(item) : splitPlain(item);
  if (host === '' || /[\s[\]]/.test(host)) throw new InvalidArgumentError(`invalid host in ${JSON.stringify(item)}`);
  return { host, port: port === undefined ? DEFAULT_PORT : parsePort(port, item) };
}

/** `[v6]` or `[v6]:port` (NetUtils.getIPV6HostAndPort). */
function splitBracketed(item: string): { host: string; port: string | undefined } {
  const close = item.indexOf(']');
  if (close < 0) throw new InvalidArgumentError(`${JSON.stringify(item)} starts with '[' but has no matching ']'`);
  const host = item.slice(1, close);
  const rest = item.slice(close + 1);
  if (rest === '') return { host, port: undefined };
  if (!rest.startsWith(':')) throw new InvalidArgumentError(`${JSON.stringify(item)} does not have ':' after ']'`);
  return { host, port: rest.slice(1) };
}

function splitPlain(item: string): { host: string; port: string | undefined } {
  const colon = item.indexOf(':');
  if (colon < 0) return { host: item, port: undefined };
  if (item.indexOf(':', colon + 1) >= 0) {
    throw new InvalidArgumentError(`${JSON.stringify(item)}: write an IPv6 address in brackets, as [::1]:2181`);
  }
  return { host: item.slice(0, colon), port: item.slice(colon + 1) };
}

function parsePort(text: string, item: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new InvalidArgumentError(`invalid port in ${JSON.stringify(item)}`);
  return port;
}

/**
 * `'host:port'` for an endpoint, with an IPv6 address in brackets
 * (NetUtils.formatInetAddr): the form of `zk.server` and of error messages.
 *
 * @example
 * formatEndpoint({ host: 'zk1', port: 2181 });  // 'zk1:2181'
 * formatEndpoint({ host: '::1', port: 2181 });  // '[::1]:2181'
 */
export function formatEndpoint(endpoint: Endpoint): string {
  return endpoint.host.includes(':') ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

/**
 * A shuffled copy of `items` (Fisher–Yates), for `randomizeHosts`: like Java's
 * StaticHostProvider, clients spread their connections over the ensemble
 * instead of all starting with the first server.
 *
 * @param random a source of numbers in [0, 1); tests pass a seeded one
 * @example
 * shuffle([1, 2, 3]);  // e.g. [3, 1, 2]; the argument is left as it was
 */
export function shuffle<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    let j = Math.floor(random() * (i + 1));
    // A random() outside its contract (1, negative, NaN) must not lose items.
    if (!(j >= 0 && j <= i)) j = i;
    const swap = out[i];
    out[i] = out[j];
    out[j] = swap;
  }
  return out;
}
