import { ErrorCode } from '../jute/error-codes';
import { ZooKeeperError, type ZooKeeperErrorOptions } from './zookeeper-error';

/** A server error of a known code: each subclass names its code in `CODE`. */
abstract class KnownServerError extends ZooKeeperError {
  /** The server's code for this error (KeeperException.Code). */
  static readonly CODE: number;
  /**
   * Creates the error of this class's code (the client does so for each failed reply).
   *
   * @param path the node the request named, when there is one
   * @param message replaces the default message (`'<codeName> for <path>'`)
   * @param options `cause`, and a `codeName` overriding the one of the code
   */
  constructor(path?: string, message?: string, options?: ZooKeeperErrorOptions) {
    super(new.target.CODE, path, message, options);
  }
}

// One class per server code, named as kazoo names them (kazoo.exceptions).

/**
 * SYSTEMERROR (-1): the server failed in a way it does not say more about.
 *
 * @example
 * zk.get('/a').subscribe({ error: (e) => e instanceof SystemZookeeperError && alert(e.message) });
 */
export class SystemZookeeperError extends KnownServerError { static override readonly CODE = ErrorCode.SYSTEMERROR; }
/**
 * RUNTIMEINCONSISTENCY (-2): the server found its state inconsistent; inside a transaction, the code of the ops that were not applied because an earlier one failed.
 *
 * @example
 * if (err instanceof RuntimeInconsistencyError) console.error('server state inconsistent', err.path);
 */
export class RuntimeInconsistencyError extends KnownServerError { static override readonly CODE = ErrorCode.RUNTIMEINCONSISTENCY; }
/**
 * DATAINCONSISTENCY (-3): the server found its data inconsistent.
 *
 * @example
 * if (err instanceof DataInconsistencyError) console.error(err.path);
 */
export class DataInconsistencyError extends KnownServerError { static override readonly CODE = ErrorCode.DATAINCONSISTENCY; }
/**
 * CONNECTIONLOSS (-4): the connection dropped while the request was in flight, so its outcome is unknown (a write may have been applied). The client reconnects by itself; `withRetry` retries these.
 *
 * @example
 * zk.set('/config', data, stat.version).pipe(withRetry({ maxTries: 3 })); // a versioned write: safe to retry on ConnectionLossError
 */
export class ConnectionLossError extends KnownServerError { static override readonly CODE = ErrorCode.CONNECTIONLOSS; }
/**
 * MARSHALLINGERROR (-5): the server could not decode the request.
 *
 * @example
 * if (err instanceof MarshallingError) console.error('request refused as malformed:', err.path);
 */
export class MarshallingError extends KnownServerError { static override readonly CODE = ErrorCode.MARSHALLINGERROR; }
/**
 * UNIMPLEMENTED (-6): the server does not implement the operation (an older server, or TTL nodes without `extendedTypesEnabled`).
 *
 * @example
 * zk.create('/tmp/x', '', { ttl: 60_000 }).subscribe({ error: (e) => e instanceof UnimplementedError && console.log('enable extendedTypesEnabled') });
 */
export class UnimplementedError extends KnownServerError { static override readonly CODE = ErrorCode.UNIMPLEMENTED; }
/**
 * OPERATIONTIMEOUT (-7): the server did not complete the operation in time. `withRetry` retries these.
 *
 * @example
 * zk.get('/a').pipe(withRetry()).subscribe(); // retried on OperationTimeoutError
 */
export class OperationTimeoutError extends KnownServerError { static override readonly CODE = ErrorCode.OPERATIONTIMEOUT; }
/**
 * BADARGUMENTS (-8): the server refused an argument (e.g. an invalid sequential path, a bad reconfig).
 *
 * @example
 * if (err instanceof BadArgumentsError) console.error('refused:', err.message);
 */
export class BadArgumentsError extends KnownServerError { static override readonly CODE = ErrorCode.BADARGUMENTS; }
/**
 * UNKNOWNSESSION (-12): the server does not know the session.
 *
 * @example
 * if (err instanceof UnknownSessionError) await zk.start();
 */
export class UnknownSessionError extends KnownServerError { static override readonly CODE = ErrorCode.UNKNOWNSESSION; }
/**
 * NEWCONFIGNOQUORUM (-13): a reconfig whose new configuration has no quorum of connected servers.
 *
 * @example
 * zk.reconfig({ leaving: '2' }).subscribe({ error: (e) => e instanceof NewConfigNoQuorumError && console.log('not enough servers up') });
 */
export class NewConfigNoQuorumError extends KnownServerError { static override readonly CODE = ErrorCode.NEWCONFIGNOQUORUM; }
/**
 * RECONFIGINPROGRESS (-14): another reconfig is in progress.
 *
 * @example
 * zk.reconfig({ leaving: '2' }).pipe(retry({ count: 3, delay: 1000 })); // wait for the other one
 */
export class ReconfigInProcessError extends KnownServerError { static override readonly CODE = ErrorCode.RECONFIGINPROGRESS; }
/**
 * APIERROR (-100): the generic API error code (a server should send a more precise one).
 *
 * @example
 * if (err instanceof APIError) console.error(err.codeName);
 */
export class APIError extends KnownServerError { static override readonly CODE = ErrorCode.APIERROR; }
/**
 * NONODE (-101): the node (or, for a create, its parent) does not exist.
 *
 * @example
 * zk.get('/missing').subscribe({ error: (e) => { if (e instanceof NoNodeError) console.log(e.path, 'is gone'); } });
 */
export class NoNodeError extends KnownServerError { static override readonly CODE = ErrorCode.NONODE; }
/**
 * NOAUTH (-102): the node's ACL does not let this session do that.
 *
 * @example
 * zk.get('/private').subscribe({ error: (e) => e instanceof NoAuthError && zk.addAuth('digest', 'admin:secret') });
 */
export class NoAuthError extends KnownServerError { static override readonly CODE = ErrorCode.NOAUTH; }
/**
 * BADVERSION (-103): the version given does not match the node's (someone changed it since it was read): read again and retry.
 *
 * @example
 * zk.set('/counter', String(n + 1), stat.version).subscribe({ error: (e) => e instanceof BadVersionError && retryFromRead() });
 */
export class BadVersionError extends KnownServerError { static override readonly CODE = ErrorCode.BADVERSION; }
/**
 * NOCHILDRENFOREPHEMERALS (-108): ephemeral nodes cannot have children.
 *
 * @example
 * zk.create('/session-node/child').subscribe({ error: (e) => e instanceof NoChildrenForEphemeralsError && console.log('parent is ephemeral') });
 */
export class NoChildrenForEphemeralsError extends KnownServerError { static override readonly CODE = ErrorCode.NOCHILDRENFOREPHEMERALS; }
/**
 * NODEEXISTS (-110): the node to create exists already.
 *
 * @example
 * zk.create('/config', '{}').pipe(catchError((e) => (e instanceof NodeExistsError ? of('/config') : throwError(() => e))));
 */
export class NodeExistsError extends KnownServerError { static override readonly CODE = ErrorCode.NODEEXISTS; }
/**
 * NOTEMPTY (-111): the node to delete has children (use `delete(path, { recursive: true })`).
 *
 * @example
 * zk.delete('/app').subscribe({ error: (e) => e instanceof NotEmptyError && zk.delete('/app', { recursive: true }).subscribe() });
 */
export class NotEmptyError extends KnownServerError { static override readonly CODE = ErrorCode.NOTEMPTY; }
/**
 * SESSIONEXPIRED (-112): the session expired (its ephemerals and one-shot watches are gone); the client makes a new session by itself. `withRetry` retries these unless `retryOnExpired: false`.
 *
 * @example
 * zk.get('/a').pipe(withRetry({ retryOnExpired: true })).subscribe();
 */
export class SessionExpiredError extends KnownServerError { static override readonly CODE = ErrorCode.SESSIONEXPIRED; }
/**
 * INVALIDCALLBACK (-113): an invalid callback (a code of the Java API, kept for completeness).
 *
 * @example
 * if (err instanceof InvalidCallbackError) console.error(err.message);
 */
export class InvalidCallbackError extends KnownServerError { static override readonly CODE = ErrorCode.INVALIDCALLBACK; }
/**
 * INVALIDACL (-114): the ACL given is invalid (an unknown scheme, a malformed id).
 *
 * @example
 * zk.setAcl('/a', [makeAcl('digest', 'no-colon', Perms.ALL)]).subscribe({ error: (e) => e instanceof InvalidACLError && console.log('bad ACL') });
 */
export class InvalidACLError extends KnownServerError { static override readonly CODE = ErrorCode.INVALIDACL; }
/**
 * AUTHFAILED (-115): the server refused the credentials (addAuth, SASL, the `auth` option); a refused configured credential ends the client in AUTH_FAILED.
 *
 * @example
 * await zk.start().catch((e) => e instanceof AuthFailedError && console.error('wrong credentials'));
 */
export class AuthFailedError extends KnownServerError { static override readonly CODE = ErrorCode.AUTHFAILED; }
/**
 * SESSIONMOVED (-118): the session moved to another server while the request was on its way.
 *
 * @example
 * zk.get('/a').pipe(retry(1)).subscribe(); // SessionMovedError: sent again on the new server
 */
export class SessionMovedError extends KnownServerError { static override readonly CODE = ErrorCode.SESSIONMOVED; }
/**
 * NOTREADONLY (-119): a write sent to a read-only server (with `readOnly: true`, while the quorum is lost).
 *
 * @example
 * zk.set('/a', 'x').subscribe({ error: (e) => e instanceof NotReadOnlyCallError && console.log('read-only for now') });
 */
export class NotReadOnlyCallError extends KnownServerError { static override readonly CODE = ErrorCode.NOTREADONLY; }
/**
 * EPHEMERALONLOCALSESSION (-120): an ephemeral node cannot be created on a local session (a read-only server's).
 *
 * @example
 * if (err instanceof EphemeralOnLocalSessionError) console.log('wait for a read-write server');
 */
export class EphemeralOnLocalSessionError extends KnownServerError { static override readonly CODE = ErrorCode.EPHEMERALONLOCALSESSION; }
/**
 * NOWATCHER (-121): removeWatches found no such watch on the path.
 *
 * @example
 * zk.removeWatches('/a', 'DATA').subscribe({ error: (e) => e instanceof NoWatcherError && console.log('nothing to remove') });
 */
export class NoWatcherError extends KnownServerError { static override readonly CODE = ErrorCode.NOWATCHER; }
/**
 * REQUESTTIMEOUT (-122): the server's own request timeout ran out (its `zookeeper.request.timeout`). The client's `requestTimeout` gives a `TimeoutError` instead.
 *
 * @example
 * if (err instanceof RequestTimeoutError) console.log('the server gave up on', err.path);
 */
export class RequestTimeoutError extends KnownServerError { static override readonly CODE = ErrorCode.REQUESTTIMEOUT; }
/**
 * RECONFIGDISABLED (-123): reconfig is disabled on the server (`reconfigEnabled=false`).
 *
 * @example
 * zk.reconfig({ leaving: '2' }).subscribe({ error: (e) => e instanceof ReconfigDisabledError && console.log('enable reconfigEnabled') });
 */
export class ReconfigDisabledError extends KnownServerError { static override readonly CODE = ErrorCode.RECONFIGDISABLED; }
/**
 * SESSIONCLOSEDREQUIRESASL (-124): the server requires SASL authentication (`zookeeper.sessionRequireClientSASLAuth`): pass the `sasl` option.
 *
 * @example
 * createClient({ hosts, sasl: { mechanism: 'DIGEST-MD5', username: 'app', password: 'secret' } });
 */
export class SessionClosedRequireSaslError extends KnownServerError { static override readonly CODE = ErrorCode.SESSIONCLOSEDREQUIRESASL; }
/**
 * QUOTAEXCEEDED (-125): the write would exceed a hard quota set on the subtree.
 *
 * @example
 * if (err instanceof QuotaExceededError) console.error('quota reached under', err.path);
 */
export class QuotaExceededError extends KnownServerError { static override readonly CODE = ErrorCode.QUOTAEXCEEDED; }
/**
 * THROTTLEDOP (-127): the server is overloaded and throttled the request: retry later.
 *
 * @example
 * zk.get('/a').pipe(retry({ count: 5, delay: 200 })).subscribe();
 */
export class ThrottledOpError extends KnownServerError { static override readonly CODE = ErrorCode.THROTTLEDOP; }

const classesByCode = new Map<number, new (path?: string) => ZooKeeperError>(
  [SystemZookeeperError, RuntimeInconsistencyError, DataInconsistencyError, ConnectionLossError, MarshallingError, UnimplementedError, OperationTimeoutError, BadArgumentsError, UnknownSessionError, NewConfigNoQuorumError, ReconfigInProcessError, APIError, NoNodeError, NoAuthError, BadVersionError, NoChildrenForEphemeralsError, NodeExistsError, NotEmptyError, SessionExpiredError, InvalidCallbackError, InvalidACLError, AuthFailedError, SessionMovedError, NotReadOnlyCallError, EphemeralOnLocalSessionError, NoWatcherError, RequestTimeoutError, ReconfigDisabledError, SessionClosedRequireSaslError, QuotaExceededError, ThrottledOpError].map((Class) => [Class.CODE, Class]),
);

/**
 * The typed error for a server code; an unknown code gives a plain `ZooKeeperError`.
 *
 * @example
 * errorForCode(-101, '/a'); // NoNodeError: NONODE for /a
 */
export function errorForCode(code: number, path?: string): ZooKeeperError {
  const Class = classesByCode.get(code);
  return Class ? new Class(path) : new ZooKeeperError(code, path);
}
