/** One server of a connect string. */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * Splits a connect string ('h1:2181,[::1]:2182/chroot') into its servers,
 * dropping the chroot suffix. A server without a port gets ZooKeeper's 2181.
 */
export function parseConnectString(connectString: string): HostPort[] {
  const slash = connectString.indexOf('/');
  const hosts = slash === -1 ? connectString : connectString.slice(0, slash);
  const out: HostPort[] = [];
  for (const raw of hosts.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    out.push(parseHostPort(item));
  }
  if (out.length === 0) throw new Error(`no server in connect string ${JSON.stringify(connectString)}`);
  return out;
}

/** Parses 'host:port' or '[v6]:port' (the port defaults to 2181). */
export function parseHostPort(address: string): HostPort {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(address);
  if (v6) return { host: v6[1], port: v6[2] === undefined ? 2181 : Number(v6[2]) };
  const colon = address.lastIndexOf(':');
  if (colon === -1) return { host: address, port: 2181 };
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad port in ${JSON.stringify(address)}`);
  return { host: address.slice(0, colon), port };
}

/** The inverse of `parseHostPort`. */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);

/** Whether two addresses name the same server; every loopback spelling counts as one host. */
export function sameAddress(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port) return false;
  if (a.host === b.host) return true;
  return LOOPBACK.has(a.host.toLowerCase()) && LOOPBACK.has(b.host.toLowerCase());
}
