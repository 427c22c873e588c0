import type { ConnectionOptions } from 'node:tls';
import { InvalidArgumentError } from '../errors/client-errors';
import type { Acl } from '../jute/records/data';
import type { Logger } from '../session/logger';
import { silentLogger } from '../session/logger';
import { DEFAULT_RECONNECT_POLICY, resolveRetryPolicy, type RetryPolicy } from '../session/retry-policy';
import type { SessionConfig } from '../session/session-manager';
import { parseConnectString } from '../transport/connect-string';
import { OPEN_ACL_UNSAFE, validateAcl } from './acl';
import { describe, toBoolean, toData, toPositiveMs } from './arguments';

/** SASL authentication on every connect (API.md `sasl`). */
export interface SaslOptions {
  mechanism: 'DIGEST-MD5';
  username: string;
  password: string;
}

/** Options of `createClient` (API.md "Client"). */
export interface ClientOptions {
  /** 'h1:2181,h2:2181', IPv6 as '[::1]:2181', an optional chroot suffix 'h1:2181/app'. */
  hosts: string | string[];
  /** Requested session timeout in ms (default 10000); the negotiated one is in `zk.session.timeout`. */
  sessionTimeout?: number;
  /** Bound on `start()` in ms (default 15000). */
  connectTimeout?: number;
  chroot?: string;
  /** Accept read-only servers (state CONNECTED_READ_ONLY) and keep seeking a read-write one. */
  readOnly?: boolean;
  /** Shuffle the host list (default true). */
  randomizeHosts?: boolean;
  /** Resume an existing session. */
  sessionId?: bigint;
  sessionPassword?: Buffer;
  /** ACL for creates that name none (default OPEN_ACL_UNSAFE). */
  defaultAcl?: Acl[];
  /** Credentials sent on connect and on every reconnect, before any queued request. */
  auth?: { scheme: string; credential: string | Buffer }[];
  tls?: boolean | ConnectionOptions;
  sasl?: SaslOptions;
  /** How reconnection backs off (default: forever, 100 ms doubling to 2 s, ±40% jitter). */
  retry?: RetryPolicy;
  /** An unanswered request fails with a TimeoutError after this many ms (default: never). */
  requestTimeout?: number;
  logger?: Logger;
  /** Largest frame sent or accepted, in bytes (default 1048575, the server's jute.maxbuffer). */
  maxFrameSize?: number;
}

/** ZooKeeper's default jute.maxbuffer (0xfffff): the server refuses larger requests. */
export const DEFAULT_MAX_FRAME_SIZE = 0xfffff;

/** Options checked and defaulted: what the client and its session run on. */
export interface ResolvedOptions {
  session: SessionConfig;
  connectTimeout: number;
  defaultAcl: Acl[];
  sasl: SaslOptions | undefined;
}

/** Checks every option a JavaScript caller may get wrong, before anything is started. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`options must be an object with at least 'hosts', not ${describe(options)}`);
  }
  const { endpoints, chroot } = parseConnectString(options.hosts, options.chroot);
  const sessionTimeout = toPositiveMs(options.sessionTimeout, 'sessionTimeout', 10_000);
  const maxFrameSize = toPositiveMs(options.maxFrameSize, 'maxFrameSize', DEFAULT_MAX_FRAME_SIZE);
  if (options.sessionId !== undefined && typeof options.sessionId !== 'bigint') {
    throw new InvalidArgumentError(`sessionId must be a bigint, not ${describe(options.sessionId)}`);
  }
  if (options.sessionPassword !== undefined && !Buffer.isBuffer(options.sessionPassword)) {
    throw new InvalidArgumentError(`sessionPassword must be a Buffer, not ${describe(options.sessionPassword)}`);
  }
  if ((options.sessionId === undefined) !== (options.sessionPassword === undefined)) {
    throw new InvalidArgumentError('sessionId and sessionPassword go together');
  }
  const auth = (options.auth ?? []).map((entry, i) => {
    if (typeof entry !== 'object' || entry === null || typeof entry.scheme !== 'string' || entry.scheme === '') {
      throw new InvalidArgumentError(`auth[${i}] must be { scheme, credential }`);
    }
    return { scheme: entry.scheme, auth: toData(entry.credential, `auth[${i}].credential`) };
  });
  if (options.tls !== undefined && typeof options.tls !== 'boolean' && (typeof options.tls !== 'object' || options.tls === null)) {
    throw new InvalidArgumentError(`tls must be a boolean or tls.ConnectionOptions, not ${describe(options.tls)}`);
  }
  const sasl = options.sasl;
  if (sasl !== undefined) {
    if (typeof sasl !== 'object' || sasl === null || sasl.mechanism !== 'DIGEST-MD5') {
      throw new InvalidArgumentError("sasl.mechanism must be 'DIGEST-MD5'");
    }
    if (typeof sasl.username !== 'string' || typeof sasl.password !== 'string') {
      throw new InvalidArgumentError('sasl.username and sasl.password must be strings');
    }
  }
  const logger = options.logger ?? silentLogger;
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    if (typeof logger[level] !== 'function') throw new InvalidArgumentError(`logger.${level} must be a function`);
  }
  return {
    connectTimeout: toPositiveMs(options.connectTimeout, 'connectTimeout', 15_000),
    defaultAcl: options.defaultAcl === undefined ? [...OPEN_ACL_UNSAFE] : validateAcl(options.defaultAcl),
    sasl,
    session: {
      endpoints,
      chroot,
      randomizeHosts: toBoolean(options.randomizeHosts, 'randomizeHosts', true),
      sessionTimeout,
      readOnly: toBoolean(options.readOnly, 'readOnly', false),
      sessionId: options.sessionId,
      sessionPassword: options.sessionPassword,
      auth,
      sasl,
      tls: options.tls,
      reconnect: resolveRetryPolicy(options.retry, DEFAULT_RECONNECT_POLICY),
      requestTimeout: toPositiveMs(options.requestTimeout, 'requestTimeout'),
      maxFrameSize,
      logger,
    },
  };
}
