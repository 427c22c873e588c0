import { Observable, type OperatorFunction } from 'rxjs';
import { ProtocolError } from '../errors/client-errors';
import { ConnectionLossError } from '../errors/server-errors';
import { SpecialXid } from '../jute/op-codes';
import { JuteReader } from '../jute/reader';
import { readWatcherEvent, type WatcherEvent } from '../jute/records/session';
import type { OperationContext } from './operation';
import type { FrameView } from '../transport/frame-view';
import type { QueuedRequest, RequestOwner } from './pending-request';
import type { RequestQueue } from './request-queue';
import type { ZxidTracker } from './zxid-tracker';
import { malformedReply } from './malformed-reply';

/** A frame that answers no numbered request, passed on to the session. */
export type ServerPush =
  | { kind: 'notification'; event: WatcherEvent }
  | { kind: 'auth'; err: number };

/** The state the correlation shares with its session. */
export interface CorrelationState {
  /** Requests sent and not yet answered, oldest first. */
  readonly inFlight: RequestQueue<QueuedRequest>;
  readonly context: OperationContext;
  /** The highest zxid seen in a reply: sent as lastZxidSeen when reconnecting. */
  readonly lastZxid: ZxidTracker;
  /** Records the watches that answered requests set. */
  readonly owner: RequestOwner;
}

/**
 * Matches reply frames to the requests they answer.
 *
 * ZooKeeper answers a session's numbered requests in the order it received
 * them, so the FIFO head must carry the reply's xid; anything else is a
 * `ProtocolError` that errors the stream (the Java client's "Xid out of
 * order", ioredis' command queue), the request at the head failing with a
 * ConnectionLossError as every other one in flight. Pings, auth replies, SetWatches replies and
 * watch notifications use reserved xids: notifications and auth results are
 * emitted for the session, the rest swallowed.
 *
 * Replies are decoded in place on one reused reader.
 */
export function correlateReplies(state: CorrelationState): OperatorFunction<FrameView, ServerPush> {
  return (frames$) =>
    new Observable<ServerPush>((subscriber) => {
      const r = new JuteReader();
      return frames$.subscribe({
        next(frame) {
          // A push is handed to the session after the try, so what the session does with it is never reported
          // as malformed bytes. A reply's request is settled inside it, but settle() keeps delivery apart: it
          // throws only for a body that does not decode, and re-throws what the caller's code throws on a later tick.
          let push: ServerPush | null = null;
          try {
            r.reset(frame.buffer, frame.start, frame.end, frame.owned);
            const xid = r.int();
            // The zxid in halves: no BigInt per reply (ZxidTracker).
            state.lastZxid.observe(r.int(), r.uint());
            const err = r.int();
            if (xid >= 0) {
              const request = state.inFlight.shift();
              if (request === undefined) throw new ProtocolError(`reply for xid ${xid} with no request in flight`);
              if (request.xid !== xid) {
                // The connection is broken (ZooKeeper 3.8 under faults was seen answering a later request first,
                // the earlier one never: a sync whose forwarding failed, ZOOKEEPER-915). As the Java client does
                // (ClientCnxn.readResponse), the request at the head fails with a connection loss — whether the
                // server applied it is unknown, as for any request in flight when a connection drops — and the
                // connection is dropped (the ProtocolError below), failing the rest the same way.
                const error = new ProtocolError(`xid out of order: reply for ${xid}, expected ${request.xid}`);
                request.fail(new ConnectionLossError(undefined, `${error.message}: the connection was dropped`, { cause: error }));
                throw error;
              }
              if (request.probe !== null) request.probe.replyBytes = frame.end - frame.start + 4;
              request.settle(err, r, state.context, state.owner);
              return;
            }
            switch (xid) {
              case SpecialXid.notification:
                push = { kind: 'notification', event: readWatcherEvent(r) };
                break;
              case SpecialXid.auth:
                push = { kind: 'auth', err };
                break;
              case SpecialXid.ping:
              case SpecialXid.setWatches:
                return;
              default:
                throw new ProtocolError(`reply with unknown reserved xid ${xid}`);
            }
          } catch (e) {
            subscriber.error(malformedReply(e));
            return;
          }
          subscriber.next(push);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
