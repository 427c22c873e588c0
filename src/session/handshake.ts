import { Observable, type OperatorFunction } from 'rxjs';
import { JuteReader } from '../jute/reader';
import { readConnectResponse, writeConnectRequest, type ConnectResponse } from '../jute/records/session';
import type { Connection } from '../transport/connection';
import type { FrameView } from '../transport/frame-view';
import { malformedReply } from './malformed-reply';

/** What the client offers when it opens or resumes a session. */
export interface HandshakeOffer {
  lastZxidSeen: bigint;
  sessionTimeout: number;
  sessionId: bigint;
  password: Buffer;
  readOnly: boolean;
}

/** Sends the ConnectRequest, the first frame of every connection. */
export function sendConnectRequest(conn: Connection, offer: HandshakeOffer): void {
  const w = conn.writer;
  const start = w.beginFrame();
  writeConnectRequest(w, {
    protocolVersion: 0,
    lastZxidSeen: offer.lastZxidSeen,
    timeOut: offer.sessionTimeout,
    sessionId: offer.sessionId,
    passwd: offer.password,
    readOnly: offer.readOnly,
  });
  w.endFrame(start);
  conn.flush();
}

/**
 * Hands the first frame of a connection (the ConnectResponse, which has no
 * reply header) to `onResponse`, and passes every later frame through. A
 * malformed response errors the stream with a ProtocolError; `onResponse`
 * throwing errors it with what was thrown.
 */
export function afterHandshake(onResponse: (response: ConnectResponse) => void): OperatorFunction<FrameView, FrameView> {
  return (frames$) =>
    new Observable<FrameView>((subscriber) => {
      let handshaken = false;
      return frames$.subscribe({
        next(frame) {
          if (handshaken) {
            subscriber.next(frame);
            return;
          }
          handshaken = true;
          let response: ConnectResponse;
          try {
            response = readConnectResponse(new JuteReader().reset(frame.buffer, frame.start, frame.end));
          } catch (err) {
            subscriber.error(malformedReply(err));
            return;
          }
          try {
            onResponse(response);
          } catch (err) {
            subscriber.error(err);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
