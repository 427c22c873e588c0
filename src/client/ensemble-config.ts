import type { Endpoint } from '../transport/connect-string';

/**
 * The client addresses of an ensemble's members, read from its dynamic configuration as `/zookeeper/config` holds
 * it (`server.<id>=<host>:<quorum>:<election>[:<role>][|…][;[<clientHost>:]<clientPort>[;[<host>:]<securePort>]]`
 * lines and a `version=` line), as Curator's EnsembleTracker.configToConnectionString reads it: every member with a
 * client address, participants and observers alike; a member whose client address is the wildcard (a port alone,
 * `0.0.0.0` or `::`) is reached at the host of its first quorum address. With `secure`, the secure client
 * addresses (the third part, ZooKeeper 3.9+) instead; a member without one is left out. Lines this does not
 * understand are skipped: the result may be empty, and then the caller keeps its list.
 *
 * @param config the node's data, as text
 * @param secure take the secure client addresses (a client with `tls`)
 * @example
 * ensembleEndpoints('server.1=10.0.0.1:2888:3888:participant;0.0.0.0:2181\nserver.2=10.0.0.2:2888:3888:observer;10.0.1.2:2181\nversion=100000000', false);
 * // [{ host: '10.0.0.1', port: 2181 }, { host: '10.0.1.2', port: 2181 }]
 */
export function ensembleEndpoints(config: string, secure: boolean): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const raw of config.split('\n')) {
    const line = raw.trim();
    const match = /^server\.\d+\s*=\s*(.*)$/.exec(line);
    if (match === null) continue;
    const [serverPart, clientPart, securePart] = match[1].split(';').map((p) => p.trim());
    const quorumHost = splitHostAndPorts(serverPart.split('|')[0] ?? '')?.host;
    const endpoint = clientEndpoint(secure ? securePart : clientPart, quorumHost);
    if (endpoint !== undefined) endpoints.push(endpoint);
  }
  return endpoints;
}

/** `[host:]port` of a client part, the wildcard host replaced by the member's quorum host. */
function clientEndpoint(part: string | undefined, quorumHost: string | undefined): Endpoint | undefined {
  if (part === undefined || part === '') return undefined;
  const split = /^\d+$/.test(part) ? { host: '0.0.0.0', ports: [part] } : splitHostAndPorts(part);
  if (split === undefined || split.ports.length !== 1) return undefined;
  const port = Number(split.ports[0]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  const host = isWildcard(split.host) ? quorumHost : split.host;
  return host === undefined || host === '' ? undefined : { host, port };
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || /^[0:]+$/.test(host);
}

/** `host:a:b…` or `[v6]:a:b…` (ConfigUtils.getHostAndPort): the host, then the colon-separated rest. */
function splitHostAndPorts(text: string): { host: string; ports: string[] } | undefined {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return undefined;
    return { host: text.slice(1, close), ports: text.slice(close + 2).split(':') };
  }
  const [host, ...ports] = text.split(':');
  return ports.length === 0 ? undefined : { host, ports };
}
