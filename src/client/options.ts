import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors/client-errors';
import type { Acl } from '../jute/records/data';
import type { Logger } from '../session/logger';
import { silentLogger } from '../session/logger';
import { DEFAULT_RECONNECT_POLICY, resolveRetryPolicy, type RetryPolicy } from '../session/retry-policy';
import type { SaslConfig } from '../session/sasl/mechanism-factory';
import type { SessionConfig } from '../session/session-config';
import { parseConnectString } from '../transport/connect-string';
import { prepareTls, type TlsOptions } from '../transport/socket-connector';
import { OPEN_ACL_UNSAFE, validateAcl } from './acl';
import { describe, toBoolean, toNumberIn, toPositiveMs, toRequiredData } from '../common/arguments';
import { checkKnownKeys } from '../common/known-keys';

export type { TlsOptions };

/**
 * SASL DIGEST-MD5 on every connect (README, `sasl`), before any other
 * request: the user and password of the server's JAAS `Server` section
 * (`user_<name>="<password>"`). The session then holds `sasl:<username>`,
 * the identity `sasl` ACLs name. A refusal ends the client in AUTH_FAILED.
 *
 * @example
 * const zk = createClient({ hosts: '127.0.0.1:2181', sasl: { mechanism: 'DIGEST-MD5', username: 'alice', password: 'secret' } });
 */
export interface DigestMd5SaslOptions {
  /** The SASL mechanism; DIGEST-MD5 is the one ZooKeeper's JAAS DigestLoginModule offers. */
  mechanism: 'DIGEST-MD5';
  /** The user, as named in the server's JAAS `Server` section (`user_<username>=...`). */
  username: string;
  /** That user's password. */
  password: string;
}

/**
 * SASL GSSAPI (Kerberos) on every connect (README, "Kerberos"), as the Java
 * client does it: a ticket for the service principal
 * `<serviceName>/<host>@REALM`, the host being the server connected to,
 * canonicalised, then the RFC 4752 exchange (no security layer). Tickets
 * come from the ticket cache (`kinit`, `KRB5CCNAME`) or from `keytab`, which
 * also gives new ones once they expire, so every reconnect authenticates
 * with a current ticket. The session then holds `sasl:<principal>`
 * (`alice@EXAMPLE.COM`, unless the server is told to strip the realm).
 * Needs the optional peer `kerberos` (loaded at the first GSSAPI exchange);
 * the machine's Kerberos configuration (`/etc/krb5.conf` or `KRB5_CONFIG`)
 * names the realm's KDC. Credentials refused (by the KDC or the server) end
 * the client in AUTH_FAILED with an AuthFailedError.
 *
 * @example
 * const zk = createClient({
 *   hosts: 'zk1.example.com:2181',
 *   sasl: { mechanism: 'GSSAPI', principal: 'app@EXAMPLE.COM', keytab: '/etc/app/app.keytab' },
 * });
 */
export interface GssapiSaslOptions {
  /** Kerberos V5 through GSSAPI (RFC 4752). */
  mechanism: 'GSSAPI';
  /** The service principal's first part, the servers' (`zookeeper.sasl.client.username`); default 'zookeeper'. */
  serviceName?: string;
  /** The service principal's host; default: the host connected to, canonicalised as `canonicalizeHostname` says. */
  serviceHost?: string;
  /**
   * Use the canonical name of the address connected to (a reverse lookup
   * through the system resolver, confirmed forward), as the Java client's
   * `zookeeper.sasl.client.canonicalize.hostname`; default true. With false,
   * the host as the connect string names it.
   */
  canonicalizeHostname?: boolean;
  /** The client principal, e.g. 'app@EXAMPLE.COM'; default: the ticket cache's (or with `keytab`, its first). */
  principal?: string;
  /**
   * A client keytab to take tickets from, and again when they expire (MIT's
   * client keytab): the ticket cache is then an in-memory one of this client's.
   */
  keytab?: string;
}

/**
 * SASL authentication on every connect, before any other request:
 * DIGEST-MD5 (a JAAS user and password) or GSSAPI (Kerberos).
 *
 * @example
 * const digest: SaslOptions = { mechanism: 'DIGEST-MD5', username: 'alice', password: 'secret' };
 * const kerberos: SaslOptions = { mechanism: 'GSSAPI', principal: 'alice@EXAMPLE.COM', keytab: '/etc/alice.keytab' };
 */
export type SaslOptions = DigestMd5SaslOptions | GssapiSaslOptions;

/**
 * Options of `createClient` (README, "Client"). Only `hosts` is required.
 *
 * @example
 * const zk = createClient({ hosts: ['zk1:2181', 'zk2:2181'], chroot: '/app', sessionTimeout: 30_000, logger: console });
 */
export interface ClientOptions {
  /** 'h1:2181,h2:2181', IPv6 as '[::1]:2181', an optional chroot suffix 'h1:2181/app'. */
  hosts: string | string[];
  /** Requested session timeout in ms (default 10000); the negotiated one is in `zk.session.timeout`. */
  sessionTimeout?: number;
  /**
   * Declare the session lost on the client (default true), as the Java client ≥ 3.9.3 (ZOOKEEPER-4508) and
   * Curator do: once no server has been heard for the negotiated session timeout (counted from the last bytes
   * received, on a monotonic clock), `state$` goes EXPIRED without waiting for a server to say so, and the client
   * makes a new session: the old one is never offered again (the ensemble has expired it by then, or does within
   * a tick). Requests queued meanwhile wait for the new session; watches are restored as after any expiry. Also
   * when the whole ensemble restarted while the client was away: restarted servers would have taken the old
   * session back, the client starts a new one. `false`: the client stays SUSPENDED until a server answers, and
   * EXPIRED only when one says the session is gone.
   *
   * @example
   * const zk = createClient({ hosts: 'zk1:2181,zk2:2181', sessionTimeout: 10_000 }); // EXPIRED 10 s after the last reply heard
   * const patient = createClient({ hosts: 'zk1:2181,zk2:2181', clientSideExpiry: false }); // SUSPENDED until a server answers
   */
  clientSideExpiry?: boolean;
  /**
   * Follow the ensemble's dynamic configuration (default false), as Curator's EnsembleTracker does: the client
   * reads `/zookeeper/config` on every connection and watches it, and after a reconfig its host list becomes the
   * members' client addresses (participants and observers; a member listening on every interface is reached at its
   * quorum address), the chroot kept, rebalanced as `updateHosts` does. Needs ZooKeeper 3.5+ with dynamic
   * configuration; a server without one leaves the list as given.
   *
   * @example
   * const zk = createClient({ hosts: 'zk1:2181,zk2:2181,zk3:2181/app', followEnsemble: true });
   */
  followEnsemble?: boolean;
  /** Bound on `start()` in ms (default 15000). */
  connectTimeout?: number;
  /**
   * A node every path is relative to (ZooKeeper's chroot), e.g. '/app': `zk.create('/a')` creates '/app/a'.
   * Same as a suffix of `hosts`; must be a valid absolute path. The node itself must exist to be used.
   */
  chroot?: string;
  /** Accept read-only servers (state CONNECTED_READ_ONLY) and keep seeking a read-write one. */
  readOnly?: boolean;
  /** Shuffle the host list (default true). */
  randomizeHosts?: boolean;
  /** Resume an existing session. */
  sessionId?: bigint;
  /** The password of the session named by `sessionId` (`zk.session.password`); give both or neither. */
  sessionPassword?: Buffer;
  /** ACL for creates that name none (default OPEN_ACL_UNSAFE). */
  defaultAcl?: Acl[];
  /** Credentials sent on connect and on every reconnect, before any queued request. */
  auth?: {
    /** The scheme, e.g. 'digest' (then `credential` is 'user:password'). */
    scheme: string;
    /** The scheme's credential, as `addAuth` takes it. */
    credential: string | Buffer;
  }[];
  /**
   * TLS to the servers' secure client port (`secureClientPort`): `true` for
   * Node's defaults (the system's CAs), or `tls.ConnectionOptions` (`ca`,
   * `cert`, `key`, …) plus `verifyHostname: false` to skip only the check that
   * the certificate names the host. Certificate problems no retry can mend
   * end the client: `start()` rejects with a ConnectError whose `cause` has the TLS `code`.
   */
  tls?: boolean | TlsOptions;
  /** SASL on every connect, before any other request: DIGEST-MD5 or GSSAPI (Kerberos). */
  sasl?: SaslOptions;
  /** How reconnection backs off (default: forever, 100 ms doubling to 2 s, ±40% jitter). */
  retry?: RetryPolicy;
  /** An unanswered request fails with a TimeoutError after this many ms (default: never). */
  requestTimeout?: number;
  /** Where the client logs connects, reconnects and protocol trouble (default: silent); `console` fits. */
  logger?: Logger;
  /** Largest request sent, in bytes (default 1048575, the server's jute.maxbuffer: it refuses larger ones). */
  maxFrameSize?: number;
  /**
   * Largest reply accepted, in bytes (default 16 MiB). Larger than requests: a
   * value stored at the request limit comes back with a stat and headers, and
   * getChildren of a big node can exceed 1 MiB. A longer claimed length is a
   * ProtocolError before anything is allocated.
   */
  maxReplySize?: number;
}

/** ZooKeeper's default jute.maxbuffer (0xfffff): the server refuses larger requests. */
export const DEFAULT_MAX_FRAME_SIZE = 0xfffff;

/** The default bound on replies (see `maxReplySize`). */
export const DEFAULT_MAX_REPLY_SIZE = 16 * 1024 * 1024;

/** Options checked and defaulted: what the client and its session run on. */
export interface ResolvedOptions {
  session: SessionConfig;
  connectTimeout: number;
  followEnsemble: boolean;
  defaultAcl: Acl[];
  sasl: SaslConfig | undefined;
}

/** Every key of ClientOptions: any other is a mistake, refused by name (issue 18.4). */
const CLIENT_OPTION_KEYS: Record<keyof ClientOptions, true> = {
  hosts: true,
  sessionTimeout: true,
  clientSideExpiry: true,
  followEnsemble: true,
  connectTimeout: true,
  chroot: true,
  readOnly: true,
  randomizeHosts: true,
  sessionId: true,
  sessionPassword: true,
  defaultAcl: true,
  auth: true,
  tls: true,
  sasl: true,
  retry: true,
  requestTimeout: true,
  logger: true,
  maxFrameSize: true,
  maxReplySize: true,
};

/** Checks every option a JavaScript caller may get wrong, before anything is started. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`options must be an object with at least 'hosts', not ${describe(options)}`);
  }
  checkKnownKeys(options, CLIENT_OPTION_KEYS, 'createClient');
  const { endpoints, chroot } = parseConnectString(options.hosts, options.chroot);
  // ConnectRequest.timeOut is a signed 32-bit int; a larger value crashed the encoder inside a socket callback.
  const sessionTimeout = toNumberIn(options.sessionTimeout, 'sessionTimeout (ms)', { min: 1, max: INT32_MAX, integer: true }, 10_000);
  const maxFrameSize = toNumberIn(options.maxFrameSize, 'maxFrameSize (bytes)', { min: 1, max: INT32_MAX, integer: true }, DEFAULT_MAX_FRAME_SIZE);
  const maxReplySize = toNumberIn(options.maxReplySize, 'maxReplySize (bytes)', { min: 1, max: INT32_MAX, integer: true }, DEFAULT_MAX_REPLY_SIZE);
  if (options.sessionId !== undefined && typeof options.sessionId !== 'bigint') {
    throw new InvalidArgumentError(`sessionId must be a bigint, not ${describe(options.sessionId)}`);
  }
  if (options.sessionId !== undefined && BigInt.asIntN(64, options.sessionId) !== options.sessionId) {
    // ConnectRequest.sessionId is a signed long: an id read unsigned (from a log, as hex) is the same bits as BigInt.asIntN(64, id).
    throw new InvalidArgumentError(
      `sessionId must fit a signed 64-bit integer, not ${describe(options.sessionId)}; for an id read as unsigned use BigInt.asIntN(64, id)`,
    );
  }
  if (options.sessionPassword !== undefined && !Buffer.isBuffer(options.sessionPassword)) {
    throw new InvalidArgumentError(`sessionPassword must be a Buffer, not ${describe(options.sessionPassword)}`);
  }
  if ((options.sessionId === undefined) !== (options.sessionPassword === undefined)) {
    throw new InvalidArgumentError('sessionId and sessionPassword go together');
  }
  const auth = resolveAuth(options.auth);
  const tls = resolveTls(options.tls);
  const sasl = resolveSasl(options.sasl);
  const logger = options.logger ?? silentLogger;
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    if (typeof logger[level] !== 'function') throw new InvalidArgumentError(`logger.${level} must be a function`);
  }
  return {
    connectTimeout: toPositiveMs(options.connectTimeout, 'connectTimeout', 15_000),
    followEnsemble: toBoolean(options.followEnsemble, 'followEnsemble', false),
    defaultAcl: options.defaultAcl === undefined ? [...OPEN_ACL_UNSAFE] : validateAcl(options.defaultAcl),
    sasl,
    session: {
      endpoints,
      chroot,
      randomizeHosts: toBoolean(options.randomizeHosts, 'randomizeHosts', true),
      sessionTimeout,
      clientSideExpiry: toBoolean(options.clientSideExpiry, 'clientSideExpiry', true),
      readOnly: toBoolean(options.readOnly, 'readOnly', false),
      sessionId: options.sessionId,
      sessionPassword: options.sessionPassword,
      auth,
      sasl,
      tls,
      reconnect: resolveRetryPolicy(options.retry, DEFAULT_RECONNECT_POLICY),
      requestTimeout: toPositiveMs(options.requestTimeout, 'requestTimeout'),
      maxFrameSize,
      maxReplySize,
      logger,
    },
  };
}

/** The largest value of a signed 32-bit wire field. */
const INT32_MAX = 0x7fffffff;

/** Checks `auth`: an array of `{ scheme, credential }`, every credential given and non-empty (an empty one authenticates nobody). */
function resolveAuth(option: unknown): { scheme: string; auth: Buffer }[] {
  if (option === undefined) return [];
  if (!Array.isArray(option)) throw new InvalidArgumentError(`auth must be an array of { scheme, credential }, not ${describe(option)}`);
  return option.map((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null) throw new InvalidArgumentError(`auth[${i}] must be { scheme, credential }, not ${describe(entry)}`);
    const { scheme, credential } = entry as Record<string, unknown>;
    if (typeof scheme !== 'string' || scheme === '') throw new InvalidArgumentError(`auth[${i}].scheme must be a non-empty string, not ${describe(scheme)}`);
    const auth = toRequiredData(credential, `auth[${i}].credential`);
    if (auth.length === 0) throw new InvalidArgumentError(`auth[${i}].credential must not be empty`);
    return { scheme, auth };
  });
}

/** Checks the `tls` option and prepares it once for every connection (see `prepareTls`). */
function resolveTls(option: unknown): ReturnType<typeof prepareTls> {
  if (option !== undefined && typeof option !== 'boolean' && (typeof option !== 'object' || option === null || Array.isArray(option))) {
    throw new InvalidArgumentError(`tls must be a boolean or tls.ConnectionOptions, not ${describe(option)}`);
  }
  try {
    return prepareTls(option as boolean | TlsOptions | undefined);
  } catch (err) {
    // An unreadable certificate, key or CA is the caller's mistake: say so now, not after connectTimeout.
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidArgumentError(`tls: ${reason}`, { cause: err });
  }
}

/** Checks the `sasl` option; returns a copy, so a caller mutating its object later cannot change it. */
function resolveSasl(option: unknown): SaslConfig | undefined {
  if (option === undefined) return undefined;
  if (typeof option !== 'object' || option === null) {
    throw new InvalidArgumentError(`sasl must be { mechanism: 'DIGEST-MD5', username, password } or { mechanism: 'GSSAPI', … }, not ${describe(option)}`);
  }
  const fields = option as Record<string, unknown>;
  if (fields.mechanism === 'GSSAPI') return resolveGssapi(fields);
  const { mechanism, username, password } = fields;
  if (mechanism !== 'DIGEST-MD5') throw new InvalidArgumentError(`sasl.mechanism must be 'DIGEST-MD5' or 'GSSAPI', not ${describe(mechanism)}`);
  if (typeof username !== 'string' || username === '') throw new InvalidArgumentError('sasl.username must be a non-empty string');
  if (typeof password !== 'string') throw new InvalidArgumentError('sasl.password must be a string');
  return { mechanism, username, password };
}

/** GSSAPI's options: names without the characters that separate a principal's parts, a keytab that can be read now. */
function resolveGssapi(fields: Record<string, unknown>): SaslConfig {
  const name = (key: string, forbidden: RegExp, rule: string): string | undefined => {
    const value = fields[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '' || forbidden.test(value)) {
      throw new InvalidArgumentError(`sasl.${key} must be a non-empty string ${rule}, not ${describe(value)}`);
    }
    return value;
  };
  // 'zookeeper' and 'zk1.example.com' are parts of the principal 'zookeeper/zk1.example.com@REALM'.
  const serviceName = name('serviceName', /[/@\s]/, "without '/', '@' or spaces") ?? 'zookeeper';
  const serviceHost = name('serviceHost', /[/@\s]/, "without '/', '@' or spaces");
  const principal = name('principal', /\s/, 'without spaces');
  const keytabOption = fields.keytab;
  let keytab: string | undefined;
  if (keytabOption !== undefined) {
    if (typeof keytabOption !== 'string' || keytabOption === '') throw new InvalidArgumentError(`sasl.keytab must be a file path, not ${describe(keytabOption)}`);
    // Absolute: MIT reads it later, on another thread, maybe after a chdir.
    keytab = path.resolve(keytabOption);
    try {
      fs.accessSync(keytab, fs.constants.R_OK);
    } catch (err) {
      throw new InvalidArgumentError(`sasl.keytab: cannot read ${keytab} (${(err as { code?: string }).code ?? String(err)})`, { cause: err });
    }
  }
  return {
    mechanism: 'GSSAPI',
    serviceName,
    ...(serviceHost === undefined ? {} : { serviceHost }),
    canonicalizeHostname: toBoolean(fields.canonicalizeHostname, 'sasl.canonicalizeHostname', true),
    ...(principal === undefined ? {} : { principal }),
    ...(keytab === undefined ? {} : { keytab }),
  };
}
