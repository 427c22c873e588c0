import { ErrorCode } from '../jute/error-codes';
import { ZooKeeperError, type ZooKeeperErrorOptions } from './zookeeper-error';

/** A server error of a known code: each subclass names its code in `CODE`. */
abstract class KnownServerError extends ZooKeeperError {
  static readonly CODE: number;
  constructor(path?: string, message?: string, options?: ZooKeeperErrorOptions) {
    super((new.target as unknown as { CODE: number }).CODE, path, message, options);
  }
}

// One class per server code, named as kazoo names them (kazoo.exceptions).

export class SystemZookeeperError extends KnownServerError { static override readonly CODE = ErrorCode.SYSTEMERROR; }
export class RuntimeInconsistencyError extends KnownServerError { static override readonly CODE = ErrorCode.RUNTIMEINCONSISTENCY; }
export class DataInconsistencyError extends KnownServerError { static override readonly CODE = ErrorCode.DATAINCONSISTENCY; }
export class ConnectionLossError extends KnownServerError { static override readonly CODE = ErrorCode.CONNECTIONLOSS; }
export class MarshallingError extends KnownServerError { static override readonly CODE = ErrorCode.MARSHALLINGERROR; }
export class UnimplementedError extends KnownServerError { static override readonly CODE = ErrorCode.UNIMPLEMENTED; }
export class OperationTimeoutError extends KnownServerError { static override readonly CODE = ErrorCode.OPERATIONTIMEOUT; }
export class BadArgumentsError extends KnownServerError { static override readonly CODE = ErrorCode.BADARGUMENTS; }
export class UnknownSessionError extends KnownServerError { static override readonly CODE = ErrorCode.UNKNOWNSESSION; }
export class NewConfigNoQuorumError extends KnownServerError { static override readonly CODE = ErrorCode.NEWCONFIGNOQUORUM; }
export class ReconfigInProcessError extends KnownServerError { static override readonly CODE = ErrorCode.RECONFIGINPROGRESS; }
export class APIError extends KnownServerError { static override readonly CODE = ErrorCode.APIERROR; }
export class NoNodeError extends KnownServerError { static override readonly CODE = ErrorCode.NONODE; }
export class NoAuthError extends KnownServerError { static override readonly CODE = ErrorCode.NOAUTH; }
export class BadVersionError extends KnownServerError { static override readonly CODE = ErrorCode.BADVERSION; }
export class NoChildrenForEphemeralsError extends KnownServerError { static override readonly CODE = ErrorCode.NOCHILDRENFOREPHEMERALS; }
export class NodeExistsError extends KnownServerError { static override readonly CODE = ErrorCode.NODEEXISTS; }
export class NotEmptyError extends KnownServerError { static override readonly CODE = ErrorCode.NOTEMPTY; }
export class SessionExpiredError extends KnownServerError { static override readonly CODE = ErrorCode.SESSIONEXPIRED; }
export class InvalidCallbackError extends KnownServerError { static override readonly CODE = ErrorCode.INVALIDCALLBACK; }
export class InvalidACLError extends KnownServerError { static override readonly CODE = ErrorCode.INVALIDACL; }
export class AuthFailedError extends KnownServerError { static override readonly CODE = ErrorCode.AUTHFAILED; }
export class SessionMovedError extends KnownServerError { static override readonly CODE = ErrorCode.SESSIONMOVED; }
export class NotReadOnlyCallError extends KnownServerError { static override readonly CODE = ErrorCode.NOTREADONLY; }
export class EphemeralOnLocalSessionError extends KnownServerError { static override readonly CODE = ErrorCode.EPHEMERALONLOCALSESSION; }
export class NoWatcherError extends KnownServerError { static override readonly CODE = ErrorCode.NOWATCHER; }
export class RequestTimeoutError extends KnownServerError { static override readonly CODE = ErrorCode.REQUESTTIMEOUT; }
export class ReconfigDisabledError extends KnownServerError { static override readonly CODE = ErrorCode.RECONFIGDISABLED; }
export class SessionClosedRequireSaslError extends KnownServerError { static override readonly CODE = ErrorCode.SESSIONCLOSEDREQUIRESASL; }
export class QuotaExceededError extends KnownServerError { static override readonly CODE = ErrorCode.QUOTAEXCEEDED; }
export class ThrottledOpError extends KnownServerError { static override readonly CODE = ErrorCode.THROTTLEDOP; }

const classesByCode = new Map<number, new (path?: string) => ZooKeeperError>(
  [SystemZookeeperError, RuntimeInconsistencyError, DataInconsistencyError, ConnectionLossError, MarshallingError, UnimplementedError, OperationTimeoutError, BadArgumentsError, UnknownSessionError, NewConfigNoQuorumError, ReconfigInProcessError, APIError, NoNodeError, NoAuthError, BadVersionError, NoChildrenForEphemeralsError, NodeExistsError, NotEmptyError, SessionExpiredError, InvalidCallbackError, InvalidACLError, AuthFailedError, SessionMovedError, NotReadOnlyCallError, EphemeralOnLocalSessionError, NoWatcherError, RequestTimeoutError, ReconfigDisabledError, SessionClosedRequireSaslError, QuotaExceededError, ThrottledOpError].map((Class) => [Class.CODE, Class]),
);

/** The typed error for a server code; an unknown code gives a plain `ZooKeeperError`. */
export function errorForCode(code: number, path?: string): ZooKeeperError {
  const Class = classesByCode.get(code);
  return Class ? new Class(path) : new ZooKeeperError(code, path);
}
