import type { SaslConfig } from './sasl/mechanism-factory';
import type { ConnectionOptions } from 'node:tls';
import type { Endpoint } from '../transport/connect-string';
import type { Logger } from './logger';
import type { ResolvedRetryPolicy } from './retry-policy';

/** Everything the session needs, already validated and defaulted by the client (client/options.ts). */
export interface SessionConfig {
  endpoints: readonly Endpoint[];
  randomizeHosts: boolean;
  /** The chroot prefix ('' for none), stripped from paths the server returns. */
  chroot: string;
  sessionTimeout: number;
  /** Declare the session expired on the client once no server was heard for the negotiated timeout (issue 21). */
  clientSideExpiry: boolean;
  readOnly: boolean;
  sessionId?: bigint;
  sessionPassword?: Buffer;
  auth: readonly { scheme: string; auth: Buffer }[];
  /** SASL on every connection, before anything else. */
  sasl?: SaslConfig;
  tls?: boolean | ConnectionOptions;
  reconnect: ResolvedRetryPolicy;
  requestTimeout?: number;
  /** Largest request frame sent. */
  maxFrameSize: number;
  /** Largest reply frame accepted. */
  maxReplySize: number;
  logger: Logger;
}
